/**
 * No internal errors from user input (issue 12, item 6): every field the state decoders read is
 * validated, in the JSON mirror and on the wire, personas through the one persona codec. The
 * rule: any JSON value is a state or a list of errors with paths, never an exception; what the
 * mirror's format does not allow (a null function, a string where stream versions go, a key it
 * does not have, a guest address twice) is refused at its path.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { MigrationState } from '../../src/state/migration-state.js'
import { decodeMigrationState, encodeMigrationState, migrationStateFromJson } from '../../src/state/state-codec.js'
import { readCorpusText } from '../support/repo-corpus.js'

const MIRROR = JSON.parse(readCorpusText('state/vm-17-n2-schema-v1.json'))
const errors = (raw: unknown): Array<[string, string]> => {
  const r = migrationStateFromJson(raw)
  return E.isLeft(r) ? r.left.map((e) => [e.path.join('.'), e.message]) : []
}
/** The mirror with function `i` changed by `edit`. */
const withFunction = (i: number, edit: (f: Record<string, unknown>) => unknown) => ({ ...MIRROR, functions: MIRROR.functions.map((f: Record<string, unknown>, k: number) => (k === i ? edit(f) : f)) })

describe('the JSON mirror validates every field it reads', () => {
  it('the golden mirror reads', () => {
    expect(errors(MIRROR)).toEqual([])
  })

  it.each([
    ['functions: [null]', { ...MIRROR, functions: [null] }, [['functions.0', expect.stringMatching(/^expected .*guestAddress: string.*, got null$/)]]],
    ['a function that is a string', { ...MIRROR, functions: ['00:05.0'] }, [['functions.0', expect.stringMatching(/^expected .*got "00:05.0"$/)]]],
    ['functions: an object', { ...MIRROR, functions: { 0: MIRROR.functions[0] } }, [['functions', expect.stringMatching(/^expected Array/)]]],
    ['persona.migrationStreams: a string', withFunction(0, (f) => ({ ...f, persona: { ...(f.persona as object), migrationStreams: '1' } })), [['functions.0.persona.migrationStreams', 'expected Array<a stream version (0 to 2^32 − 1)>, got "1"']]],
    ['persona.migrationStreams: beyond uint32', withFunction(0, (f) => ({ ...f, persona: { ...(f.persona as object), migrationStreams: [2 ** 32] } })), [['functions.0.persona.migrationStreams.0', 'expected a stream version (0 to 2^32 − 1), got 4294967296']]],
    ['persona with an unknown key', withFunction(0, (f) => ({ ...f, persona: { ...(f.persona as object), hw: 'V9' } })), [['functions.0.persona.hw', 'unknown key "hw"; expected one of: family, hardwareVersion, firmware, migrationStreams']]],
    ['persona: a number', withFunction(1, (f) => ({ ...f, persona: 7 })), [['functions.1.persona', expect.stringMatching(/^expected a persona/)]]],
    ['a function with an unknown key', withFunction(0, (f) => ({ ...f, configImg: f.configImage })), [['functions.0.configImg', expect.stringMatching(/^unknown key "configImg"/)]]],
    ['configImage: a number', withFunction(0, (f) => ({ ...f, configImage: 0 })), [['functions.0.configImage', 'expected string, got 0']]],
    ['vmName: a number', { ...MIRROR, vmName: 17 }, [['vmName', 'expected string, got 17']]],
    ['the same guest address twice', withFunction(1, (f) => ({ ...f, guestAddress: '00:05.0' })), [['functions.1.guestAddress', '"00:05.0" appears twice (first at functions[0])']]],
    ['no guest address', withFunction(1, (f) => ({ ...f, guestAddress: '' })), [['functions.1.guestAddress', 'missing; every assigned function has a guest address']]],
  ])('%s is refused at its path', (_, raw, expected) => {
    const found = errors(raw)
    expect(found.filter(([path]) => !path.startsWith('pasid'))).toEqual(expected)
  })

  it('any JSON value anywhere in the mirror is a state or errors, never an exception', () => {
    // Replace the value at a random path of the mirror by a random JSON value.
    const paths: Array<Array<string | number>> = []
    const walk = (v: unknown, path: Array<string | number>, depth: number): void => {
      paths.push(path)
      if (depth > 4 || v === null || typeof v !== 'object') return
      for (const [k, x] of Object.entries(v)) walk(x, [...path, Array.isArray(v) ? Number(k) : k], depth + 1)
    }
    walk(MIRROR, [], 0)
    const replaced = (path: ReadonlyArray<string | number>, value: unknown): unknown => {
      if (path.length === 0) return value
      const copy = structuredClone(MIRROR)
      let at = copy
      for (const k of path.slice(0, -1)) at = at[k]
      at[path[path.length - 1]!] = value
      return copy
    }
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 3 }), (path, value) => {
        expect(() => migrationStateFromJson(replaced(path, value))).not.toThrow()
      }),
      { numRuns: 1000 },
    )
  })
})

describe('the protobuf decoder refuses what the mirror refuses', () => {
  it('the same guest address twice', () => {
    const state = migrationStateFromJson(MIRROR)
    if (E.isLeft(state)) throw new Error('golden mirror')
    const twice: MigrationState = { ...state.right, functions: state.right.functions.map((f) => ({ ...f, guestAddress: '00:05.0' })) }
    const r = decodeMigrationState(encodeMigrationState(twice))
    expect(E.isLeft(r) && r.left.map((e) => [e.path.join('.'), e.message])).toContainEqual(['functions.1.guestAddress', '"00:05.0" appears twice (first at functions[0])'])
  })
})

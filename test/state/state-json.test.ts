/**
 * A state's JSON form is ProtoJSON (issue 16 item 3), read strictly and bounded: both golden
 * JSON forms (ProtoJSON and the old mirror) read as the golden bytes' state; what the mapping
 * lets a parser accept (proto names, integers as strings, enum numbers, URL-safe base64, null)
 * reads as the same state; everything else is refused at its path, never thrown (issue 12 item 6
 * for the old mirror, which is still read for one release). Expected messages follow the ProtoJSON
 * spec's rules, not vpci's output.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { migrationState } from '../../src/arbitraries/index.js'
import type { MigrationState } from '../../src/state/migration-state.js'
import { decodeMigrationState, encodeMigrationState } from '../../src/state/state-codec.js'
import { isLegacyStateJson, migrationStateFromJson, migrationStateToJson } from '../../src/state/state-json.js'
import { readCorpusBytes, readCorpusText } from '../support/repo-corpus.js'

const PROTOJSON = JSON.parse(readCorpusText('state/vm-17-n2-schema-v1.protojson.json'))
const MIRROR = JSON.parse(readCorpusText('state/vm-17-n2-schema-v1.json'))
const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left).slice(0, 2000))
  return e.right
}
const plain = (s: MigrationState): MigrationState => {
  const { wire: _wire, ...rest } = s
  return rest
}
const GOLDEN = plain(right(decodeMigrationState(readCorpusBytes('state/vm-17-n2-schema-v1.pb'))))
const errors = (raw: unknown): Array<[string, string]> => {
  const r = migrationStateFromJson(raw)
  return E.isLeft(r) ? r.left.map((e) => [e.path.join('.'), e.message]) : []
}
/** `json` with function `i` changed by `edit`. */
const withFunction = (json: { functions: Array<Record<string, unknown>> }, i: number, edit: (f: Record<string, unknown>) => unknown) => ({ ...json, functions: json.functions.map((f, k) => (k === i ? edit(f) : f)) })
const withLayout = (i: number, edit: (l: Record<string, unknown>) => unknown) => withFunction(PROTOJSON, i, (f) => ({ ...f, layout: edit(f.layout as Record<string, unknown>) }))
const withBar = (edit: (b: Record<string, unknown>) => unknown) => withLayout(1, (l) => ({ ...l, bars: [(l.bars as unknown[])[0], edit((l.bars as Array<Record<string, unknown>>)[1]!)] }))

describe('both golden JSON forms', () => {
  it('the ProtoJSON golden and the old mirror read as the state of the golden bytes, and only the old one is taken for the old form', () => {
    expect(plain(right(migrationStateFromJson(PROTOJSON)))).toEqual(GOLDEN)
    expect(plain(right(migrationStateFromJson(MIRROR)))).toEqual(GOLDEN)
    expect([isLegacyStateJson(PROTOJSON), isLegacyStateJson(MIRROR)]).toEqual([false, true])
  })

  it('the state is written as the ProtoJSON golden (the file Python json_format wrote)', () => {
    expect(migrationStateToJson(GOLDEN)).toEqual(PROTOJSON)
  })
})

describe('what a ProtoJSON parser must also accept reads as the same state', () => {
  const urlSafe = (b64: string) => b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  it.each([
    ['proto field names', { schema_version: 1, vm_name: 'vm-17', functions: PROTOJSON.functions.map((f: Record<string, unknown>) => ({ guest_address: f.guestAddress, persona: f.persona, layout: f.layout, config_image: f.configImage, semantic_digest: f.semanticDigest })), pasid: PROTOJSON.pasid }],
    ['integers as decimal strings', { ...PROTOJSON, schemaVersion: '1', pasid: { ...PROTOJSON.pasid, split: '64' } }],
    ['an enum by its number', withBar((b) => ({ ...b, kind: 2 }))],
    ['URL-safe base64 without padding', withFunction(PROTOJSON, 0, (f) => ({ ...f, configImage: urlSafe(f.configImage as string), semanticDigest: urlSafe(f.semanticDigest as string) }))],
    ['null for absent fields, default values written out', { ...withBar((b) => ({ ...b, size: null })), pasid: { ...PROTOJSON.pasid, bindings: null, functions: PROTOJSON.pasid.functions.map((f: object) => ({ execute: false, privileged: false, pool: 'PASID_POOL_KIND_UNSPECIFIED', ...f })) } }],
    ['an absent list as [], an absent message as null', withLayout(0, (l) => ({ ...l, rom: null, unclaimed: [], bars: (l.bars as object[]).map((b) => ({ index: 0, ...b })) }))],
  ])('%s', (_, raw) => {
    expect(errors(raw)).toEqual([])
    expect(plain(right(migrationStateFromJson(raw)))).toEqual(GOLDEN)
  })

  it('a 64-bit size past 2^53 as a string is exact, and written back as that string', () => {
    const raw = withBar((b) => ({ ...b, size: '1152921504606846976' }))
    const state = right(migrationStateFromJson(raw))
    expect(state.functions[1]!.layout.bars[1]!.size).toBe(2n ** 60n)
    expect((migrationStateToJson(state) as typeof PROTOJSON).functions[1].layout.bars[1].size).toBe('1152921504606846976')
  })
})

describe('everything else is refused at its path', () => {
  it.each([
    ['the whole state null', null, [['', 'expected a vpci.migration.v1.MigrationState object, got null']]],
    ['the whole state a list', [PROTOJSON], [['', 'expected a vpci.migration.v1.MigrationState object, got an array of 1']]],
    ['an unknown field', { ...PROTOJSON, vmNam: 'x' }, [['vmNam', 'unknown field "vmNam" of vpci.migration.v1.MigrationState; expected one of: schemaVersion, vmName, functions, pasid']]],
    ['a field under both names', { ...PROTOJSON, vm_name: 'x' }, [['vm_name', 'field given twice, as "vmName" and "vm_name"']]],
    ['functions: [null]', { ...PROTOJSON, functions: [null] }, [['functions.0', 'null is not a list element']]],
    ['a function that is a string', { ...PROTOJSON, functions: ['00:05.0'] }, [['functions.0', 'expected a vpci.migration.v1.AssignedFunction object, got "00:05.0"']]],
    ['functions: an object', { ...PROTOJSON, functions: { 0: PROTOJSON.functions[0] } }, [['functions', 'expected an array, got an object']]],
    ['migrationStreams: a string', withFunction(PROTOJSON, 0, (f) => ({ ...f, persona: { ...(f.persona as object), migrationStreams: '1' } })), [['functions.0.persona.migrationStreams', 'expected an array, got "1"']]],
    ['a stream version past uint32', withFunction(PROTOJSON, 0, (f) => ({ ...f, persona: { ...(f.persona as object), migrationStreams: [2 ** 32] } })), [['functions.0.persona.migrationStreams.0', '4294967296 is outside uint32 (0 to 4294967295)']]],
    ['a fraction', { ...PROTOJSON, schemaVersion: 1.5 }, [['schemaVersion', 'expected a whole number (uint32), got 1.5']]],
    ['1e400 (Infinity once parsed)', { ...PROTOJSON, schemaVersion: Infinity }, [['schemaVersion', 'expected a whole number (uint32), got Infinity']]],
    ['a number with a sign in a string', { ...PROTOJSON, schemaVersion: '+1' }, [['schemaVersion', 'expected uint32 (a number or a decimal string), got "+1"']]],
    ['a 64-bit size past 2^53 as a JSON number', withBar((b) => ({ ...b, size: 2 ** 60 })), [['functions.1.layout.bars.1.size', '1152921504606847000 is past 2^53 as a JSON number and may have lost digits; write uint64 values as strings']]],
    ['a 64-bit size past 2^64', withBar((b) => ({ ...b, size: '18446744073709551616' })), [['functions.1.layout.bars.1.size', '"18446744073709551616" is outside uint64 (0 to 18446744073709551615)']]],
    ['an unknown enum name', withBar((b) => ({ ...b, kind: 'BAR_KIND_MEMORY128' })), [['functions.1.layout.bars.1.kind', 'unknown vpci.migration.v1.BarKind "BAR_KIND_MEMORY128"; expected one of: BAR_KIND_UNSPECIFIED, BAR_KIND_MEMORY32, BAR_KIND_MEMORY64, BAR_KIND_IO']]],
    ['a bool as a string', withBar((b) => ({ ...b, prefetchable: 'true' })), [['functions.1.layout.bars.1.prefetchable', 'expected true or false, got "true"']]],
    ['configImage: a number', withFunction(PROTOJSON, 0, (f) => ({ ...f, configImage: 0 })), [['functions.0.configImage', 'expected bytes as a base64 string, got 0']]],
    ['base64 with junk', withFunction(PROTOJSON, 0, (f) => ({ ...f, semanticDigest: `*${f.semanticDigest as string}` })), [['functions.0.semanticDigest', expect.stringMatching(/^expected bytes as base64 \(standard or URL-safe, padding optional\), got "\*/)]]],
    ['base64 mixing both alphabets', withFunction(PROTOJSON, 0, (f) => ({ ...f, semanticDigest: 'ab+_' })), [['functions.0.semanticDigest', 'expected bytes as base64 (standard or URL-safe, padding optional), got "ab+_"']]],
    ['base64 padding that does not fill the last quantum', withFunction(PROTOJSON, 0, (f) => ({ ...f, semanticDigest: 'abc==' })), [['functions.0.semanticDigest', 'expected bytes as base64 (standard or URL-safe, padding optional), got "abc=="']]],
    ['null inside a map', withLayout(0, (l) => ({ ...l, header: { fields: { busMaster: null } } })), [['functions.0.layout.header.fields.busMaster', 'null is not a map value']]],
    ['the same guest address twice', withFunction(PROTOJSON, 1, (f) => ({ ...f, guestAddress: '00:05.0' })), [['functions.1.guestAddress', '"00:05.0" appears twice (first at functions[0])']]],
    ['a digest of 31 bytes', withFunction(PROTOJSON, 0, (f) => ({ ...f, semanticDigest: Buffer.alloc(31).toString('base64') })), [['functions.0.semanticDigest', expect.stringMatching(/32/)]]],
  ])('%s', (_, raw, expected) => {
    expect(errors(raw).filter(([path]) => !path.startsWith('pasid'))).toEqual(expected)
  })

  it('a megabyte-long unknown key is named cut short', () => {
    const r = errors({ ...PROTOJSON, ['k'.repeat(1 << 20)]: 1 })
    expect(r).toHaveLength(1)
    expect(r[0]![0]).toBe(`${'k'.repeat(61)}...`)
    expect(r[0]![1].length).toBeLessThan(300)
  })

  it('10^6 wrong list elements: the first 100 listed, the rest counted, in one pass', () => {
    const r = migrationStateFromJson({ ...PROTOJSON, functions: Array.from({ length: 1_000_000 }, () => 7) })
    if (E.isRight(r)) throw new Error('refused')
    expect(r.left).toHaveLength(101)
    expect(r.left[99]).toEqual({ path: ['functions', 99], message: 'expected a vpci.migration.v1.AssignedFunction object, got 7' })
    expect(r.left[100]).toMatchObject({ path: [], omitted: 999_900 })
  })

  it('a value nested 10^5 deep where a number goes is refused without descending into it', () => {
    let deep: unknown = 1
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(errors({ ...PROTOJSON, schemaVersion: deep })).toEqual([['schemaVersion', 'expected uint32 (a number or a decimal string), got an array of 1']])
  })

  it('any JSON value anywhere in the ProtoJSON golden is a state or errors, never an exception', () => {
    const paths: Array<Array<string | number>> = []
    const walk = (v: unknown, path: Array<string | number>, depth: number): void => {
      paths.push(path)
      if (depth > 5 || v === null || typeof v !== 'object') return
      for (const [k, x] of Object.entries(v)) walk(x, [...path, Array.isArray(v) ? Number(k) : k], depth + 1)
    }
    walk(PROTOJSON, [], 0)
    const replaced = (path: ReadonlyArray<string | number>, value: unknown): unknown => {
      if (path.length === 0) return value
      const copy = structuredClone(PROTOJSON)
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

describe('generated states through ProtoJSON', () => {
  it('toJson, as text, then fromJson gives the same state, whose bytes are the original bytes', () => {
    fc.assert(
      fc.property(migrationState({ maxFunctions: 3, maxPasids: 32 }), (state) => {
        const back = right(migrationStateFromJson(JSON.parse(JSON.stringify(migrationStateToJson(state)))))
        expect(plain(back)).toEqual(plain(state))
        expect(Buffer.compare(encodeMigrationState(back), encodeMigrationState(state))).toBe(0)
      }),
      { numRuns: 40 },
    )
  })
})

describe('the old mirror, still read until its deprecation ends (issue 12 item 6)', () => {
  const errorsOf = (raw: unknown) => errors(raw).filter(([path]) => !path.startsWith('pasid'))
  it.each([
    ['functions: [null]', { ...MIRROR, functions: [null] }, [['functions.0', expect.stringMatching(/^expected .*guestAddress: string.*, got null$/)]]],
    ['persona.migrationStreams: beyond uint32', withFunction(MIRROR, 0, (f) => ({ ...f, persona: { ...(f.persona as object), migrationStreams: [2 ** 32] } })), [['functions.0.persona.migrationStreams.0', 'expected a stream version (0 to 2^32 − 1), got 4294967296']]],
    ['persona with an unknown key', withFunction(MIRROR, 0, (f) => ({ ...f, persona: { ...(f.persona as object), hw: 'V9' } })), [['functions.0.persona.hw', 'unknown key "hw"; expected one of: family, hardwareVersion, firmware, migrationStreams']]],
    ['a function with an unknown key', withFunction(MIRROR, 0, (f) => ({ ...f, configImg: f.configImage })), [['functions.0.configImg', expect.stringMatching(/^unknown key "configImg"/)]]],
    ['vmName: a number', { ...MIRROR, vmName: 17 }, [['vmName', 'expected string, got 17']]],
    ['the same guest address twice', withFunction(MIRROR, 1, (f) => ({ ...f, guestAddress: '00:05.0' })), [['functions.1.guestAddress', '"00:05.0" appears twice (first at functions[0])']]],
  ])('%s is refused at its path', (_, raw, expected) => {
    expect(errorsOf(raw)).toEqual(expected)
  })
})

describe('the protobuf decoder refuses what the JSON reader refuses', () => {
  it('the same guest address twice', () => {
    const twice: MigrationState = { ...GOLDEN, functions: GOLDEN.functions.map((f) => ({ ...f, guestAddress: '00:05.0' })) }
    const r = decodeMigrationState(encodeMigrationState(twice))
    expect(E.isLeft(r) && r.left.map((e) => [e.path.join('.'), e.message])).toContainEqual(['functions.1.guestAddress', '"00:05.0" appears twice (first at functions[0])'])
  })
})

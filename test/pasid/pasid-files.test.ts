/**
 * PASID state and host files, and `vpci remap`: decoding with paths, overlapping ranges refused,
 * and the plan for the example VM on example hosts (expected globals worked out by hand).
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeHostPasid, decodePasidState, encodePasidState, pasidStateFromData } from '../../src/pasid/pasid-files.js'
import { allocatedRanges } from '../../src/pasid/pasid-pool.js'
import { migrationStateFromJson } from '../../src/state/state-json.js'
import { vpci } from '../support/cli.js'
import { corpusPath, readCorpusText } from '../support/repo-corpus.js'

const assign = ['--assign', '00:05.0=0000:5a:00.0,00:06.0=0000:5e:00.0']

describe('PASID files', () => {
  it('the state file decodes and encodes back', () => {
    const state = decodePasidState(readCorpusText('pasid/vm-enqcmd.json'))
    if (E.isLeft(state)) throw new Error(JSON.stringify(state.left))
    expect(state.right.mode).toBe('global-split')
    expect(decodePasidState(encodePasidState(state.right))).toEqual(state)
  })

  it('the host file fills its pools from ranges', () => {
    const host = decodeHostPasid(readCorpusText('pasid/host-b.yaml'))
    if (E.isLeft(host)) throw new Error(JSON.stringify(host.left))
    expect(allocatedRanges(host.right.global)).toEqual([
      [0, 1], // PASID 0, reserved
      [64, 100],
      [101, 200],
    ])
    expect(host.right.functions.map((f) => [f.id, f.capabilityWidth])).toEqual([
      ['0000:5a:00.0', 20],
      ['0000:5e:00.0', 16],
    ])
  })

  it('overlapping ranges and wrong types are refused with their paths', () => {
    const overlap = decodeHostPasid(readCorpusText('pasid/bad-host-overlap.yaml'))
    expect(E.isLeft(overlap) && overlap.left.map((e) => [e.code, e.path])).toEqual([['RANGES_OVERLAP', ['pasid', 'globalAllocated', 1]]])
    const wrong = decodePasidState(readCorpusText('pasid/vm-enqcmd.json').replace('"width": 16', '"width": 21'))
    expect(E.isLeft(wrong) && wrong.left.map((e) => e.path)).toContainEqual(['functions', 1, 'capability', 'width'])
  })

  it('a bad entry deep in a long binding or local list is reported at its index (the lists have a fast path)', () => {
    const bindings = Array.from({ length: 5000 }, (_, i) => ({ function: 'a', pasid: 1 + i }))
    const state = (b: unknown[]) => ({ apiVersion: 'vpci/v1', kind: 'PasidState', mode: 'delegated', functions: [{ id: 'a', capability: { width: 20, execute: false, privileged: false }, enqcmd: false }], bindings: b })
    const ok = pasidStateFromData(state(bindings))
    expect(E.isRight(ok) && ok.right.mode === 'delegated' && ok.right.bindings.length).toBe(5000)
    const bad = pasidStateFromData(state(bindings.map((b, i) => (i === 4321 ? { ...b, pasid: 1 << 20 } : i === 4400 ? { ...b, function: 7 } : b))))
    // (The union's other member, global-split, adds its own complaints about mode and locals.)
    const paths = E.isLeft(bad) ? bad.left.map((e) => e.path) : []
    expect(paths.filter((p) => p[0] === 'bindings')).toEqual([
      ['bindings', 4321, 'pasid'],
      ['bindings', 4400, 'function'],
    ])
    const locals = Array.from({ length: 100 }, (_, i) => ({ local: 1 + i, functions: ['a'] }))
    locals[77] = { local: 78, functions: [3 as unknown as string] }
    const split = pasidStateFromData({ apiVersion: 'vpci/v1', kind: 'PasidState', mode: 'global-split', split: 128, functions: state([]).functions, locals })
    expect((E.isLeft(split) ? split.left.map((e) => e.path) : []).filter((p) => p[0] === 'locals')).toEqual([['locals', 77, 'functions', 0]])
  })
})

describe('PASID state files are closed: a misspelt key is refused, not skipped', () => {
  const base = JSON.parse(readCorpusText('pasid/vm-enqcmd.json')) as Record<string, unknown> & { functions: Array<Record<string, unknown>>; locals: Array<Record<string, unknown>> }
  const refused = (edit: (s: typeof base) => void): string[] => {
    const copy = structuredClone(base)
    edit(copy)
    const r = decodePasidState(JSON.stringify(copy))
    return E.isLeft(r) ? r.left.map((e) => `${e.path.join('.')}: ${e.message}`) : []
  }
  it.each([
    ['a function\'s pool typed "pol" (its default would apply)', (s: typeof base) => void (s.functions[0]!.pol = 'local'), 'functions.0.pol'],
    ['a key in a function\'s capability', (s: typeof base) => void ((s.functions[0]!.capability as Record<string, unknown>).exec = true), 'functions.0.capability.exec'],
    ['a key beside a local', (s: typeof base) => void (s.locals[0]!.function = '00:05.0'), 'locals.0.function'],
    ['a top-level key', (s: typeof base) => void (s.splt = 8), 'splt'],
  ])('%s', (_, edit, path) => {
    const errors = refused(edit)
    expect(errors.some((e) => e.startsWith(`${path}: unknown key`))).toBe(true)
  })

  it('a binding with an extra key, in a long list (the fast path), is refused at its index', () => {
    const bound = { apiVersion: 'vpci/v1', kind: 'PasidState', mode: 'delegated', functions: [{ id: 'f', capability: { width: 20, execute: false, privileged: false }, enqcmd: false }], bindings: Array.from({ length: 5000 }, (_, i) => ({ function: 'f', pasid: i + 1 })) }
    ;(bound.bindings[4321] as Record<string, unknown>).pasdi = 7
    const r = decodePasidState(JSON.stringify(bound))
    expect(E.isLeft(r) && r.left.map((e) => e.path.join('.'))).toContain('bindings.4321.pasdi')
    delete (bound.bindings[4321] as Record<string, unknown>).pasdi
    expect(E.isRight(decodePasidState(JSON.stringify(bound)))).toBe(true)
  })
})

describe('a PASID state is validated when it is decoded', () => {
  const vm = () => JSON.parse(readCorpusText('pasid/vm-enqcmd.json'))

  it('every structural rule, with paths, by the PASID file decoder and by the migration-state decoder', () => {
    // A local twice, a local at the split, PASID 0, a function named twice, a local listing a function twice, an unknown function.
    const bad = vm()
    bad.locals.push({ local: 5, functions: ['00:05.0'] }, { local: 64, functions: ['00:05.0'] }, { local: 0, functions: ['00:06.0'] }, { local: 7, functions: ['00:06.0', '00:06.0', 'zz'] })
    bad.functions.push({ ...bad.functions[0] })
    const expected = [
      ['DUPLICATE_FUNCTION', ['functions', 2, 'id']],
      ['DUPLICATE_LOCAL', ['locals', 3, 'local']],
      ['LOCAL_OUT_OF_RANGE', ['locals', 4, 'local']],
      ['PASID_ZERO', ['locals', 5, 'local']],
      ['DUPLICATE_ATTACHMENT', ['locals', 6, 'functions', 1]],
      ['UNKNOWN_FUNCTION', ['locals', 6, 'functions', 2]],
    ]
    const decoded = pasidStateFromData(bad)
    expect(E.isLeft(decoded) && decoded.left.map((e) => [e.code, e.path])).toEqual(expected)
    const state = JSON.parse(readCorpusText('state/vm-17-schema-v1.json'))
    const migration = migrationStateFromJson({ ...state, pasid: bad })
    expect(E.isLeft(migration) && migration.left.filter((e) => e.path[0] === 'pasid').map((e) => e.path)).toEqual(expected.map(([, path]) => ['pasid', ...path!]))
  })

  it('a state of 200,000 bad bindings lists the first 100 errors and counts the rest, for bad values and for bad shapes', () => {
    const functions = [{ id: 'a', capability: { width: 20, execute: false, privileged: false }, enqcmd: false }]
    const of = (bindings: unknown[]) => pasidStateFromData({ apiVersion: 'vpci/v1', kind: 'PasidState', mode: 'delegated', functions, bindings })
    const unknown = of(Array.from({ length: 200_000 }, (_, i) => ({ function: 'zz', pasid: 1 + i })))
    expect(E.isLeft(unknown) && unknown.left.length).toBe(101)
    expect(E.isLeft(unknown) && unknown.left[99]).toMatchObject({ code: 'UNKNOWN_FUNCTION', path: ['bindings', 99, 'function'] })
    expect(E.isLeft(unknown) && unknown.left[100]).toMatchObject({ code: 'MORE_ERRORS', omitted: 199_900 })
    const shape = of(Array.from({ length: 200_000 }, (_, i) => ({ function: 'a', pasid: `p${i}` })))
    const listed = E.isLeft(shape) ? shape.left.filter((e) => e.path[0] === 'bindings') : []
    expect(listed).toHaveLength(100)
    expect(listed[99]!.path).toEqual(['bindings', 99, 'pasid'])
    expect(E.isLeft(shape) && shape.left.find((e) => e.code === 'MORE_ERRORS')).toMatchObject({ omitted: 199_900 })
  })
})

describe('vpci remap', () => {
  it('host B: a plan; locals bounded by the 16-bit function are served first', async () => {
    // Globals free from 64: 100, then 200, 201, ... Locals 3 and 9 touch the 16-bit function
    // (limit 65536), local 5 only the 20-bit one: 3 → 100, 9 → 200, then 5 → 201.
    const r = await vpci('remap', corpusPath('pasid/vm-enqcmd.json'), '--host', corpusPath('pasid/host-b.yaml'), ...assign, '--json')
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.plan.map).toEqual([
      { local: 3, global: 100 },
      { local: 5, global: 201 },
      { local: 9, global: 200 },
    ])
    // The CPU table holds the locals on the ENQCMD function 00:05.0: 3 and 5.
    expect(json.plan.cpuTable).toEqual([
      { local: 3, global: 100 },
      { local: 5, global: 201 },
    ])
    expect(json.plan.pools.global).toEqual([
      [0, 1],
      [64, 202],
    ])
  })

  it.each([
    ['host-c-split-low.yaml', 'PASID_SPLIT'],
    ['host-d-no-translation.yaml', 'PASID_NO_TRANSLATION'],
  ])('%s: refused (exit 1) with %s', async (host, code) => {
    const r = await vpci('remap', corpusPath('pasid/vm-enqcmd.json'), '--host', corpusPath(`pasid/${host}`), ...assign, '--json')
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout)).toMatchObject({ compatible: false, plan: null, reasons: [{ code }] })
  })

  it.each([
    [['remap', corpusPath('pasid/bad-duplicate-local.json'), '--host', corpusPath('pasid/host-b.yaml'), ...assign], /locals\[3\]\.local: local PASID 5 appears again/],
    [['remap', corpusPath('pasid/vm-enqcmd.json'), '--host', corpusPath('pasid/bad-host-overlap.yaml'), ...assign], /pasid\.globalAllocated\[1\]: \[90, 120\) overlaps/],
    [['remap', corpusPath('pasid/vm-enqcmd.json')], /remap takes a STATE file and --host HOST/],
    [['remap', corpusPath('pasid/vm-enqcmd.json'), '--host', corpusPath('pasid/host-b.yaml'), '--assign', 'nonsense'], /--assign takes GUEST=HOST pairs/],
  ])('%j: exit 2, one line', async (argv, message) => {
    const r = await vpci(...argv)
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')).toHaveLength(2)
    expect(r.stderr).toMatch(message)
  })
})

/**
 * PASID remapping: one test per refusal of DESIGN.md §5's table, each set up so exactly that
 * rule is broken; then properties over generated states and pools.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { HostPasid, HostPasidFunction } from '../../src/pasid/host-pasid.js'
import { isAllocated, pasidPool, type PasidRange, samePool } from '../../src/pasid/pasid-pool.js'
import type { PasidFunction, PasidState } from '../../src/pasid/pasid-state.js'
import type { Pasid, PasidWidth } from '../../src/pasid/pasid.js'
import { checkPasids, releasePlan, remapPasids } from '../../src/pasid/remap.js'

const w = (n: number) => n as PasidWidth
const p = (n: number) => n as Pasid

const hostFunction = (id: string, width: number, extra: Partial<HostPasidFunction> = {}): HostPasidFunction => ({
  id,
  capabilityWidth: w(width),
  execute: true,
  privileged: true,
  pasidEnabled: true,
  isVf: false,
  pool: pasidPool(w(width)),
  ...extra,
})
const host = (extra: Partial<HostPasid> = {}, functions = [hostFunction('a', 20), hostFunction('b', 20)]): HostPasid => ({
  iommuWidth: w(20),
  cpuTranslation: true,
  split: 64,
  global: pasidPool(w(20)),
  functions,
  ...extra,
})
const fn = (id: string, width = 20, extra: Partial<PasidFunction> = {}): PasidFunction => ({
  id,
  capability: { width: w(width), execute: false, privileged: false },
  enqcmd: false,
  ...extra,
})

const codes = (state: PasidState, h: HostPasid): string[] => {
  const r = checkPasids(state, h)
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
  return r.right.map((x) => x.code)
}

describe('delegated: refusals', () => {
  const state = (functions: PasidFunction[], pasids: number[]): PasidState => ({ mode: 'delegated', functions, bindings: pasids.map((x) => ({ function: functions[0]!.id, pasid: p(x) })) })

  it('destination width below the advertised one', () => {
    expect(codes(state([fn('a', 16)], [5]), host({}, [hostFunction('a', 14)]))).toEqual(['PASID_WIDTH'])
  })
  it('the IOMMU limits the width too', () => {
    expect(codes(state([fn('a', 16)], [5]), host({ iommuWidth: w(10) }, [hostFunction('a', 20)]))).toEqual(['PASID_WIDTH'])
  })
  it('a PASID at or above the destination count', () => {
    // Width 16 advertised and supported, but the IOMMU allows 2^12: PASID 5000 cannot exist there.
    expect(codes(state([fn('a', 12)], [4000]), host({ iommuWidth: w(12) }, [hostFunction('a', 20)]))).toEqual([])
    expect(codes(state([fn('a', 16)], [5000]), host({ iommuWidth: w(12) }, [hostFunction('a', 20)]))).toEqual(['PASID_WIDTH', 'PASID_WIDTH'])
  })
  it('execute or privileged shown to the guest but unsupported', () => {
    const f = fn('a', 16, { capability: { width: w(16), execute: true, privileged: true } })
    expect(codes(state([f], [5]), host({}, [hostFunction('a', 20, { execute: false, privileged: false })]))).toEqual(['PASID_FEATURES', 'PASID_FEATURES'])
  })
  it('a VF whose PF has PASID disabled', () => {
    expect(codes(state([fn('a', 16)], [5]), host({}, [hostFunction('a', 20, { isVf: true, pasidEnabled: false })]))).toEqual(['PASID_PF_DISABLED'])
  })
  it('PASID 0 bound is a malformed state, with the path of the binding', () => {
    const r = remapPasids(state([fn('a', 16)], [0]), host())
    expect(E.isLeft(r) && r.left).toEqual([{ code: 'PASID_ZERO', path: ['bindings', 0, 'pasid'], message: expect.any(String) }])
  })
})

describe('per-rid: refusals', () => {
  it('the parent\'s pool is too small', () => {
    // Width 2: PASIDs 1–3 usable; 2 and 3 already taken by the host: one free for two vPASIDs.
    const parent = hostFunction('a', 2, { pool: pasidPool(w(2), [[2, 4]]) })
    const state: PasidState = { mode: 'per-rid', functions: [fn('a', 8)], bindings: [{ function: 'a', pasid: p(7) }, { function: 'a', pasid: p(9) }] }
    expect(codes(state, host({}, [parent]))).toEqual(['PASID_POOL_EXHAUSTED'])
  })
})

describe('global-split: refusals', () => {
  const split = (n: number, locals: Array<[number, string[]]>, functions = [fn('a', 20, { enqcmd: true }), fn('b', 20)]): PasidState => ({
    mode: 'global-split',
    split: n,
    functions,
    locals: locals.map(([local, fs]) => ({ local: p(local), functions: fs })),
  })

  it('a destination split point lower than the source\'s', () => {
    expect(codes(split(64, [[3, ['a']]]), host({ split: 32 }))).toEqual(['PASID_SPLIT'])
  })
  it('a local PASID occupied on the destination', () => {
    expect(codes(split(64, [[3, ['a']]]), host({ global: pasidPool(w(20), [[3, 4]]) }))).toEqual(['PASID_LOCAL_OCCUPIED'])
  })
  it('fewer free globals below the smallest attached limit than locals needing them', () => {
    // Function b is 7 bits wide: globals for locals attached to it must lie in [64, 128).
    // The host has allocated all of [64, 127): one free global for two locals.
    const functions = [hostFunction('a', 20), hostFunction('b', 7)]
    const state = split(64, [[3, ['a', 'b']], [4, ['b']]], [fn('a', 20, { enqcmd: true }), fn('b', 7)])
    expect(codes(state, host({ global: pasidPool(w(20), [[64, 127]]) }, functions))).toEqual(['PASID_POOL_EXHAUSTED'])
    // With [64, 126) taken there are two: it fits.
    expect(codes(state, host({ global: pasidPool(w(20), [[64, 126]]) }, functions))).toEqual([])
  })
  it('no PASID translation on the destination CPU for ENQCMD functions', () => {
    expect(codes(split(64, [[3, ['a']]]), host({ cpuTranslation: false }))).toEqual(['PASID_NO_TRANSLATION'])
  })
  it('a non-ENQCMD function on a narrower destination is refused only when a local or its global does not fit below the destination limit', () => {
    // DESIGN.md §5 lists global-split's refusals: N' < N, an occupied local, too few free globals
    // below each local's bound, no CPU translation. The guest was shown 20 bits on b; the
    // destination's b has 12 (limit 4096). That b's PASIDs are narrower than the guest saw is the
    // layout's business (realize's FIELD_CAPACITY), not the remap's.
    const functions = [fn('a', 20, { enqcmd: true }), fn('b', 20)]
    const narrow = [hostFunction('a', 20), hostFunction('b', 12)]
    const state = split(64, [[3, ['a', 'b']], [9, ['b']]], functions)
    const r = remapPasids(state, host({ global: pasidPool(w(20), [[64, 4000]]) }, narrow))
    expect(E.isRight(r) && r.right.plan?.map).toEqual([
      { local: 3, global: 4000 },
      { local: 9, global: 4001 },
    ])
    // Its locals fit below 4096, but only one free global does: too few globals below the bound.
    expect(codes(state, host({ global: pasidPool(w(20), [[64, 4095]]) }, narrow))).toEqual(['PASID_POOL_EXHAUSTED'])
    // A destination limit of 8 (3 bits): local 9, programmed as it is on b, does not fit.
    expect(codes(state, host({}, [hostFunction('a', 20), hostFunction('b', 3)]))).toEqual(['PASID_WIDTH'])
  })
  it('a local at or above N is a malformed state', () => {
    const r = remapPasids(split(64, [[64, ['a']]]), host())
    expect(E.isLeft(r) && r.left.map((e) => [e.code, e.path])).toEqual([['LOCAL_OUT_OF_RANGE', ['locals', 0, 'local']]])
  })
  it('duplicate locals and unknown functions are malformed states', () => {
    const r = remapPasids(split(64, [[3, ['a']], [3, ['zz']]]), host())
    expect(E.isLeft(r) && r.left.map((e) => [e.code, e.path])).toEqual([
      ['DUPLICATE_LOCAL', ['locals', 1, 'local']],
      ['UNKNOWN_FUNCTION', ['locals', 1, 'functions', 0]],
    ])
  })

  it('the plan: one global per local shared by its functions, CPU table for ENQCMD, both entries for the others', () => {
    const r = remapPasids(split(64, [[3, ['a', 'b']], [5, ['b']]]), host({ global: pasidPool(w(20), [[64, 65]]) }))
    if (E.isLeft(r) || r.right.plan === null) throw new Error(JSON.stringify(r))
    const plan = r.right.plan
    expect(plan.map).toEqual([
      { local: 3, global: 65 },
      { local: 5, global: 66 },
    ])
    expect(plan.cpuTable).toEqual([{ local: 3, global: 65 }]) // only local 3 is on the ENQCMD function a
    expect(plan.entries).toEqual([
      { function: 'a', pasid: 65, guest: 3, kind: 'global' },
      { function: 'b', pasid: 3, guest: 3, kind: 'local' },
      { function: 'b', pasid: 65, guest: 3, kind: 'global' },
      { function: 'b', pasid: 5, guest: 5, kind: 'local' },
      { function: 'b', pasid: 66, guest: 5, kind: 'global' },
    ])
  })
})

describe('global-split properties over generated states and pools', () => {
  const scenario = fc
    .record({
      split: fc.integer({ min: 2, max: 64 }),
      widths: fc.array(fc.integer({ min: 7, max: 10 }), { minLength: 1, maxLength: 4 }),
      taken: fc.array(fc.tuple(fc.integer({ min: 1, max: 1023 }), fc.integer({ min: 1, max: 60 })), { maxLength: 12 }),
    })
    .chain(({ split, widths, taken }) =>
      fc.record({
        split: fc.constant(split),
        widths: fc.constant(widths),
        taken: fc.constant(taken.map(([s, n]): PasidRange => [Math.max(s, split), Math.max(s, split) + n])),
        locals: fc.uniqueArray(
          fc.record({ local: fc.integer({ min: 1, max: split - 1 }), functions: fc.uniqueArray(fc.nat({ max: widths.length - 1 }), { minLength: 1, maxLength: widths.length }) }),
          { selector: (l) => l.local, maxLength: 40 },
        ),
        enqcmd: fc.array(fc.boolean(), { minLength: widths.length, maxLength: widths.length }),
      }),
    )

  it('never reuses a global or gives one twice; one global per local, shared; refusals leave pools identical; release restores', () => {
    fc.assert(
      fc.property(scenario, ({ split, widths, taken, locals, enqcmd }) => {
        const functions = widths.map((_, i) => fn(`f${i}`, 20, { enqcmd: enqcmd[i]! }))
        // Non-ENQCMD functions program locals as they are: keep their locals below their width.
        const state: PasidState = {
          mode: 'global-split',
          split,
          functions,
          locals: locals
            .map((l) => ({ local: p(l.local), functions: l.functions.map((i) => `f${i}`) }))
            .filter((l) => l.functions.every((id) => enqcmd[Number(id.slice(1))] || l.local < 1 << widths[Number(id.slice(1))]!)),
        }
        const h = host({ split, global: pasidPool(w(10), taken) }, widths.map((width, i) => hostFunction(`f${i}`, width)))
        const snapshot = pasidPool(w(10), taken)
        const r = remapPasids(state, h)
        if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
        expect(samePool(h.global, snapshot)).toBe(true) // the input pool is never changed
        if (!r.right.compatible) {
          expect(r.right.plan).toBeNull()
          return
        }
        const plan = r.right.plan!
        const globals = plan.map.map((m) => m.global)
        expect(new Set(globals).size).toBe(globals.length)
        for (const m of plan.map) {
          expect(isAllocated(snapshot, m.global)).toBe(false)
          expect(m.global).toBeGreaterThanOrEqual(split)
          const l = state.locals.find((x) => x.local === m.local)!
          for (const id of l.functions) expect(m.global).toBeLessThan(1 << widths[Number(id.slice(1))]!)
          // every function attached to the local got the same global
          expect(new Set(plan.entries.filter((e) => e.guest === m.local && e.kind === 'global').map((e) => e.pasid))).toEqual(new Set([m.global]))
        }
        expect(plan.map.map((m) => m.local).sort((a, b) => a - b)).toEqual(state.locals.map((l) => l.local).sort((a, b) => a - b))
        expect(samePool(releasePlan(plan, h).global, snapshot)).toBe(true)
      }),
      { numRuns: 500 },
    )
  })
})

describe('plans of the other modes, and release', () => {
  it('delegated: the same numbers re-attached, marked used in the function\'s space; a taken one is refused', () => {
    const state: PasidState = { mode: 'delegated', functions: [fn('a', 16)], bindings: [{ function: 'a', pasid: p(9) }, { function: 'a', pasid: p(4) }] }
    const h = host({}, [hostFunction('a', 16)])
    const r = remapPasids(state, h)
    if (E.isLeft(r) || r.right.plan === null) throw new Error(JSON.stringify(r))
    expect(r.right.plan.entries.map((e) => [e.pasid, e.kind])).toEqual([
      [9, 'hardware'],
      [4, 'hardware'],
    ])
    expect(isAllocated(r.right.plan.host.functions[0]!.pool, 9)).toBe(true)
    expect(samePool(releasePlan(r.right.plan, h).functions[0]!.pool, h.functions[0]!.pool)).toBe(true)
    expect(codes(state, host({}, [hostFunction('a', 16, { pool: pasidPool(w(16), [[9, 10]]) })]))).toEqual(['PASID_OCCUPIED'])
  })

  it('per-rid: a fresh pPASID per vPASID from the parent\'s pool, lowest free first', () => {
    const state: PasidState = { mode: 'per-rid', functions: [fn('a', 8)], bindings: [{ function: 'a', pasid: p(200) }, { function: 'a', pasid: p(100) }] }
    const h = host({}, [hostFunction('a', 8, { pool: pasidPool(w(8), [[1, 3]]) })])
    const r = remapPasids(state, h)
    if (E.isLeft(r) || r.right.plan === null) throw new Error(JSON.stringify(r))
    expect(r.right.plan.map).toEqual([
      { local: 100, global: 3, function: 'a' },
      { local: 200, global: 4, function: 'a' },
    ])
    expect(samePool(releasePlan(r.right.plan, h).functions[0]!.pool, h.functions[0]!.pool)).toBe(true)
  })

  it('global-per-function: global functions share a fresh global per guest PASID; local ones keep theirs', () => {
    const state: PasidState = {
      mode: 'global-per-function',
      functions: [fn('a', 20, { enqcmd: true, pool: 'global' }), fn('b', 10, { pool: 'local' })],
      bindings: [{ function: 'a', pasid: p(7) }, { function: 'b', pasid: p(7) }],
    }
    const h = host({ split: null, global: pasidPool(w(20), [[1, 10]]) }, [hostFunction('a', 20), hostFunction('b', 10)])
    const r = remapPasids(state, h)
    if (E.isLeft(r) || r.right.plan === null) throw new Error(JSON.stringify(r))
    expect(r.right.plan.entries).toEqual([
      { function: 'b', pasid: 7, guest: 7, kind: 'hardware' },
      { function: 'a', pasid: 10, guest: 7, kind: 'global' },
    ])
    expect(r.right.plan.cpuTable).toEqual([{ local: 7, global: 10 }])
    const bad = remapPasids({ ...state, functions: [fn('a', 20, { enqcmd: true, pool: 'local' }), state.functions[1]!] }, h)
    expect(E.isLeft(bad) && bad.left.map((e) => e.code)).toEqual(['ENQCMD_LOCAL'])
  })
})

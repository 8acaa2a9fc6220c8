/**
 * Feasibility on range pools against the planner on bitmap pools: over generated states of every
 * mode and generated hosts, `pasidFeasibility` refuses exactly when `remapPasids` does, with the
 * same set of reason codes. The planner is the oracle: it allocates PASID by PASID; feasibility
 * only counts. Range pools are checked against bitmap pools the same way.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { type HostPasid, withBitmapPools } from '../../src/pasid/host-pasid.js'
import { compilePasids, pasidFeasibility, pasidsFeasible } from '../../src/pasid/pasid-feasibility.js'
import { freeCount, isAllocated, pasidPool, type PasidRange, samePool } from '../../src/pasid/pasid-pool.js'
import { pasidRanges, type PasidRanges, poolToRanges, rangesAllocated, rangesFree, rangesToPool } from '../../src/pasid/pasid-ranges.js'
import type { PasidFunction, PasidMode, PasidState } from '../../src/pasid/pasid-state.js'
import type { Pasid, PasidWidth } from '../../src/pasid/pasid.js'
import { remapPasids } from '../../src/pasid/remap.js'
import { validatePasidState } from '../../src/pasid/validate-state.js'

const w = (n: number) => n as PasidWidth
const ranges = (max: number) => fc.array(fc.tuple(fc.nat({ max }), fc.integer({ min: 0, max: 40 })).map(([s, n]): PasidRange => [s, s + n]), { maxLength: 8 })

describe('range pools', () => {
  it('answer as the bitmap pool with the same ranges does: allocated, free counts, round trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), ranges(1100), fc.nat({ max: 1100 }), fc.nat({ max: 1100 }), (width, allocated, a, b) => {
        const bitmap = pasidPool(w(width), allocated)
        const r = pasidRanges(w(width), allocated)
        for (const p of [a, b, 0, 1, (1 << width) - 1, 1 << width]) expect(rangesAllocated(r, p)).toBe(isAllocated(bitmap, p))
        expect(rangesFree(r, Math.min(a, b), Math.max(a, b))).toBe(freeCount(bitmap, Math.min(a, b), Math.max(a, b)))
        expect(samePool(rangesToPool(r), bitmap)).toBe(true)
        expect(poolToRanges(bitmap)).toEqual(r)
      }),
      { numRuns: 500 },
    )
  })
  it('merge touching and overlapping ranges and always hold PASID 0', () => {
    // Triples: start, end, PASIDs allocated in earlier ranges.
    expect(pasidRanges(w(8), [[5, 9], [1, 3], [3, 5], [20, 30], [25, 26]]).ranges).toEqual([0, 9, 0, 20, 30, 9])
    expect(pasidRanges(w(4), [[10, 100]]).ranges).toEqual([0, 1, 0, 10, 16, 1])
  })
})

/** A state of `mode` over 1–3 functions with small widths, so every refusal is reachable. */
const stateOf = (mode: PasidMode): fc.Arbitrary<PasidState> =>
  fc
    .array(fc.record({ width: fc.integer({ min: 3, max: 7 }), enqcmd: fc.boolean(), global: fc.boolean(), execute: fc.boolean(), privileged: fc.boolean() }), { minLength: 1, maxLength: 3 })
    .chain((fs) => {
      const functions: PasidFunction[] = fs.map((f, i) => ({
        id: `f${i}`,
        capability: { width: w(f.width), execute: f.execute, privileged: f.privileged },
        enqcmd: f.enqcmd,
        ...(mode === 'global-per-function' ? { pool: f.global || f.enqcmd ? ('global' as const) : ('local' as const) } : {}),
      }))
      if (mode === 'global-split') {
        return fc.integer({ min: 2, max: 40 }).chain((split) =>
          fc
            .uniqueArray(fc.record({ local: fc.integer({ min: 1, max: split - 1 }), functions: fc.uniqueArray(fc.nat({ max: functions.length - 1 }), { minLength: 1, maxLength: functions.length }) }), {
              selector: (l) => l.local,
              maxLength: 24,
            })
            .map((locals): PasidState => ({ mode, split, functions, locals: locals.map((l) => ({ local: l.local as Pasid, functions: l.functions.map((i) => `f${i}`) })) })),
        )
      }
      return fc
        .uniqueArray(fc.tuple(fc.nat({ max: functions.length - 1 }), fc.integer({ min: 1, max: 127 })), { selector: ([f, p]) => `${f}/${p}`, maxLength: 24 })
        .map((bindings): PasidState => ({ mode, functions, bindings: bindings.map(([f, pasid]) => ({ function: `f${f}`, pasid: pasid as Pasid })) }))
    })
    .filter((s) => validatePasidState(s).length === 0)

/** `value` three times in four, else anything `other` gives. */
const likely = <T,>(value: T, other: fc.Arbitrary<T>): fc.Arbitrary<T> => fc.oneof({ weight: 3, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: other })

/** A host for a state of `n` functions: each may be missing, narrow, featureless or a VF with PASID off. */
const hostFor = (n: number): fc.Arbitrary<HostPasid<PasidRanges>> =>
  fc.record({
    iommuWidth: likely(8, fc.integer({ min: 3, max: 8 })),
    cpuTranslation: likely(true, fc.boolean()),
    split: fc.option(likely(40, fc.integer({ min: 1, max: 48 })), { freq: 6 }),
    global: ranges(300),
    functions: fc.array(
      fc.record({
        present: fc.integer({ min: 0, max: 15 }),
        width: likely(8, fc.integer({ min: 0, max: 8 })),
        execute: likely(true, fc.boolean()),
        privileged: likely(true, fc.boolean()),
        pasidEnabled: likely(true, fc.boolean()),
        isVf: fc.boolean(),
        pool: ranges(160),
      }),
      { minLength: n, maxLength: n },
    ),
  }).map((h) => ({
    iommuWidth: w(h.iommuWidth),
    cpuTranslation: h.cpuTranslation,
    split: h.split,
    global: pasidRanges(w(h.iommuWidth), h.global),
    functions: h.functions.flatMap((f, i) =>
      f.present === 0 ? [] : [{ id: `f${i}`, capabilityWidth: w(f.width), execute: f.execute, privileged: f.privileged, pasidEnabled: f.pasidEnabled, isVf: f.isVf, pool: pasidRanges(w(f.width), f.pool) }],
    ),
  }))

describe('feasibility agrees with the planner', () => {
  for (const mode of ['delegated', 'per-rid', 'global-per-function', 'global-split'] as const) {
    it(`${mode}: refused exactly when remapPasids refuses, with the same reason codes; the allocation-free decision agrees`, () => {
      let accepted = 0
      let refused = 0
      fc.assert(
        fc.property(
          stateOf(mode).chain((s) => fc.tuple(fc.constant(s), hostFor(s.functions.length))),
          ([state, host]) => {
            const planned = remapPasids(state, withBitmapPools(host))
            if (E.isLeft(planned)) throw new Error('generated states are valid')
            const compiled = compilePasids(state)
            if (E.isLeft(compiled)) throw new Error('generated states are valid')
            const assigned = state.functions.map((f) => host.functions.find((h) => h.id === f.id))
            const found = pasidFeasibility(compiled.right, host, assigned)
            expect(found.length === 0).toBe(planned.right.compatible)
            expect(pasidsFeasible(compiled.right, host, assigned)).toBe(planned.right.compatible)
            expect([...new Set(found.map((r) => r.code))].sort()).toEqual([...new Set(planned.right.reasons.map((r) => r.code))].sort())
            if (planned.right.compatible) accepted++
            else refused++
          },
        ),
        { numRuns: 600 },
      )
      // Both outcomes must be exercised, or the agreement says little.
      expect(accepted).toBeGreaterThan(30)
      expect(refused).toBeGreaterThan(30)
    })
  }
  it('global-split: exhaustion is decided per bound (a narrow function\'s locals need globals below its limit)', () => {
    // Globals from 16; f1's limit is 32, so locals touching f1 need globals in [16, 32): 3 are free there.
    const state: PasidState = {
      mode: 'global-split',
      split: 16,
      functions: [
        { id: 'f0', capability: { width: w(8), execute: false, privileged: false }, enqcmd: true },
        { id: 'f1', capability: { width: w(5), execute: false, privileged: false }, enqcmd: false },
      ],
      locals: [1, 2, 3, 4].map((l) => ({ local: l as Pasid, functions: ['f0', 'f1'] })),
    }
    const host = (taken: PasidRange[]): HostPasid<PasidRanges> => ({
      iommuWidth: w(8),
      cpuTranslation: true,
      split: 16,
      global: pasidRanges(w(8), taken),
      functions: [
        { id: 'f0', capabilityWidth: w(8), execute: false, privileged: false, pasidEnabled: true, isVf: false, pool: pasidRanges(w(8)) },
        { id: 'f1', capabilityWidth: w(5), execute: false, privileged: false, pasidEnabled: true, isVf: false, pool: pasidRanges(w(5)) },
      ],
    })
    const compiled = compilePasids(state)
    if (E.isLeft(compiled)) throw new Error('valid')
    const codes = (h: HostPasid<PasidRanges>) => pasidFeasibility(compiled.right, h, h.functions).map((r) => r.code)
    expect(codes(host([[16, 29]]))).toEqual(['PASID_POOL_EXHAUSTED']) // 29, 30, 31 free: 3 < 4
    expect(codes(host([[16, 28]]))).toEqual([]) // 28–31 free: 4
    expect(codes(host([[16, 28], [100, 256]]))).toEqual([]) // occupancy above the bound does not matter
  })
})

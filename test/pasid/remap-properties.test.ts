/**
 * Plans over hostile scenarios (`pasid-scenario.ts`): states of all four modes, some malformed;
 * destinations with occupied pools, some listing a function id twice; assignments one-to-one,
 * many-to-one or partial. Whatever the input: no plan hands out a PASID twice on one function,
 * a global twice, one already allocated, 0, or one outside [split, limit); the feasibility check
 * on range pools and the planner on bitmap pools give the same verdict and the same reasons; a
 * state the planner refuses as malformed is refused by the decoder too; the host is never written.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { withBitmapPools } from '../../src/pasid/host-pasid.js'
import { compilePasids, pasidFeasibility, pasidsFeasible } from '../../src/pasid/pasid-feasibility.js'
import { decodePasidState, encodePasidState, hostPasidFromData } from '../../src/pasid/pasid-files.js'
import { allocatedRanges, isAllocated } from '../../src/pasid/pasid-pool.js'
import type { PasidMode } from '../../src/pasid/pasid-state.js'
import { remapPasids } from '../../src/pasid/remap.js'
import { hostPasidData, pasidScenario, planViolations } from './pasid-scenario.js'

const MODES: readonly PasidMode[] = ['delegated', 'per-rid', 'global-per-function', 'global-split']

describe('PASID plans over hostile scenarios', () => {
  for (const mode of MODES) {
    it(`${mode}: no PASID twice, no global twice, none allocated, 0 or outside [split, limit); feasibility and planner agree`, () => {
      const seen = { planned: 0, refused: 0, malformed: 0, shared: 0, duplicateHost: 0 }
      fc.assert(
        fc.property(pasidScenario(mode), ({ state, host, assignment }) => {
          const bitmap = withBitmapPools(host)
          const pools = JSON.stringify([allocatedRanges(bitmap.global), ...bitmap.functions.map((f) => allocatedRanges(f.pool))])
          const planned = remapPasids(state, bitmap, { assignment })
          const compiled = compilePasids(state)
          // Malformed exactly when the decoder says so.
          expect(E.isLeft(planned)).toBe(E.isLeft(compiled))
          expect(E.isLeft(decodePasidState(encodePasidState(state)))).toBe(E.isLeft(compiled))
          const repeated = new Set(host.functions.map((f) => f.id)).size < host.functions.length
          expect(E.isLeft(hostPasidFromData(hostPasidData(host)))).toBe(repeated)
          if (E.isLeft(planned) || E.isLeft(compiled)) {
            seen.malformed++
            return
          }
          const verdict = planned.right
          const assigned = state.functions.map((f) => host.functions.find((h) => h.id === (assignment.get(f.id) ?? f.id)))
          const reasons = pasidFeasibility(compiled.right, host, assigned)
          expect(reasons).toEqual(verdict.reasons)
          expect(pasidsFeasible(compiled.right, host, assigned)).toBe(verdict.compatible)
          expect(verdict.compatible).toBe(verdict.reasons.length === 0)
          // The destination handed in is never written, whatever the verdict.
          expect(JSON.stringify([allocatedRanges(bitmap.global), ...bitmap.functions.map((f) => allocatedRanges(f.pool))])).toBe(pools)
          if (repeated) {
            seen.duplicateHost++
            expect(verdict.reasons.map((r) => r.code)).toContain('PASID_DUPLICATE_FUNCTION')
          }
          if (verdict.reasons.some((r) => r.code === 'PASID_SHARED_FUNCTION')) seen.shared++
          if (verdict.plan === null) {
            seen.refused++
            return
          }
          seen.planned++
          expect(planViolations(state, bitmap, assignment, verdict.plan)).toEqual([])
        }),
        { numRuns: 1500 },
      )
      // Every kind of input was met, or the agreement says little.
      expect(seen.planned).toBeGreaterThan(60)
      expect(seen.refused).toBeGreaterThan(60)
      expect(seen.shared).toBeGreaterThan(20)
      expect(seen.duplicateHost).toBeGreaterThan(20)
      if (mode !== 'delegated' && mode !== 'per-rid') expect(seen.malformed).toBeGreaterThan(10)
    })
  }

  it('never hands out a global that is already allocated', () => {
    // DESIGN.md §5: a global already allocated would let one VM's DMA reach another's address space.
    let globals = 0
    fc.assert(
      fc.property(fc.constantFrom<PasidMode>('global-per-function', 'global-split').chain(pasidScenario), ({ state, host, assignment }) => {
        const before = withBitmapPools(host)
        const r = remapPasids(state, before, { assignment })
        if (E.isLeft(r) || r.right.plan === null) return
        for (const e of r.right.plan.entries) {
          if (e.kind !== 'global') continue
          globals++
          expect(isAllocated(before.global, e.pasid)).toBe(false)
          expect(isAllocated(r.right.plan.host.global, e.pasid)).toBe(true)
        }
      }),
      { numRuns: 1500 },
    )
    expect(globals).toBeGreaterThan(500)
  })
})

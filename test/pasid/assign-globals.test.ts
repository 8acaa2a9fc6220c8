/**
 * Global assignment against an independent oracle: a plan exists exactly when, for every bound
 * b, the locals bounded by b number at most the free globals in [from, b) (DESIGN.md §5). The
 * oracle below counts that directly; the planner must agree, and its plans must be valid.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { assignGlobals, type GlobalDemand } from '../../src/pasid/assign-globals.js'
import { isAllocated, pasidPool, samePool } from '../../src/pasid/pasid-pool.js'
import type { Pasid, PasidWidth } from '../../src/pasid/pasid.js'

const w = (n: number) => n as PasidWidth
const p = (n: number) => n as Pasid

/** Hall's condition for nested intervals [from, b): counted by brute force. */
const planExists = (allocated: ReadonlySet<number>, from: number, demands: readonly GlobalDemand[], count: number): boolean =>
  demands.every((d) => {
    const needed = demands.filter((o) => o.bound <= d.bound).length
    let free = 0
    for (let g = Math.max(from, 1); g < Math.min(d.bound, count); g++) if (!allocated.has(g)) free++
    return needed <= free
  })

const scenario = fc
  .record({ width: fc.integer({ min: 2, max: 7 }), from: fc.integer({ min: 1, max: 20 }) })
  .chain(({ width, from }) => {
    const count = 1 << width
    return fc.record({
      width: fc.constant(width),
      from: fc.constant(Math.min(from, count - 1)),
      allocated: fc.uniqueArray(fc.integer({ min: 1, max: count - 1 }), { maxLength: count }),
      demands: fc.uniqueArray(fc.record({ local: fc.integer({ min: 1, max: 1000 }), bound: fc.integer({ min: 1, max: count }) }), { selector: (d) => d.local, maxLength: 24 }),
    })
  })

describe('assignGlobals', () => {
  it('finds a plan exactly when one exists; plans are valid; refusals leave the pool alone', () => {
    fc.assert(
      fc.property(scenario, ({ width, from, allocated, demands }) => {
        const pool = pasidPool(w(width), allocated.map((a) => [a, a + 1] as const))
        const before = pasidPool(w(width), allocated.map((a) => [a, a + 1] as const))
        const ds = demands.map((d) => ({ local: p(d.local), bound: d.bound }))
        const result = assignGlobals(pool, from, ds)
        expect(E.isRight(result)).toBe(planExists(new Set(allocated), from, ds, 1 << width))
        expect(samePool(pool, before)).toBe(true)
        if (E.isLeft(result)) return
        const globals = result.right.assignments.map((a) => a.global)
        expect(new Set(globals).size).toBe(globals.length) // never twice
        for (const a of result.right.assignments) {
          const bound = ds.find((d) => d.local === a.local)!.bound
          expect(a.global).toBeGreaterThanOrEqual(from)
          expect(a.global).toBeLessThan(bound)
          expect(a.global).not.toBe(0)
          expect(isAllocated(pool, a.global)).toBe(false) // never a global allocated before
          expect(isAllocated(result.right.pool, a.global)).toBe(true)
        }
        expect(result.right.assignments.map((a) => a.local).sort((x, y) => x - y)).toEqual(ds.map((d) => d.local).sort((x, y) => x - y))
      }),
      { numRuns: 2000 },
    )
  })

  it('serves the tightest bound first: numeric order would give the only usable global to the wrong local', () => {
    // Free globals from 4: only 4 and 5. Local 1 may use any global below 8; local 2 only below 5.
    // In numeric order local 1 would take 4 and leave local 2 nothing.
    const pool = pasidPool(w(3), [[6, 8]])
    const result = assignGlobals(pool, 4, [
      { local: p(1), bound: 8 },
      { local: p(2), bound: 5 },
    ])
    expect(E.isRight(result) && result.right.assignments).toEqual([
      { local: 1, global: 5 },
      { local: 2, global: 4 },
    ])
  })

  it('says which bound runs short, and by how much', () => {
    const result = assignGlobals(pasidPool(w(3), [[5, 8]]), 4, [
      { local: p(1), bound: 8 },
      { local: p(2), bound: 8 },
    ])
    expect(E.isLeft(result) && result.left).toEqual({ local: 2, bound: 8, needed: 2, available: 1 })
  })
})

/**
 * Assigning fresh global PASIDs to guest PASIDs (global-split's locals, global-per-function's
 * global functions). Each one's global must lie in [from, bound), bound being the smallest PASID
 * limit of the functions it is attached to, so demands share a lower end and differ in upper
 * bounds. A plan exists exactly when, for every bound b, the demands bounded by b fit in the free
 * globals below b; serving the tightest bound first and taking the lowest free global each time
 * always finds one then. (Serving locals in numeric order does not: a wide local can take the
 * only global a narrow one could use.) Deterministic: the same pool and demands give the same
 * plan. Linear: demands are ordered by radix (bounds and locals are below 2^21), and the lowest
 * free global only moves up, so the pool is scanned once.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { PasidPool } from './pasid-pool.js'
import { type Pasid, pasidCount } from './pasid.js'
import { stableOrder } from './stable-order.js'

export interface GlobalDemand {
  readonly local: Pasid
  /** The global must be below this (the smallest limit among the local's functions). */
  readonly bound: number
}

export interface GlobalAssignment {
  readonly local: Pasid
  readonly global: Pasid
}

/** Why no plan exists: the locals bounded by `bound` outnumber the free globals below it. */
export interface Shortfall {
  readonly local: Pasid
  /** The bound that runs short (clipped to the pool). */
  readonly bound: number
  /** Locals whose globals must lie below `bound`. */
  readonly needed: number
  /** Free globals in [from, bound). */
  readonly available: number
}

/**
 * A distinct free global in [from, bound) for every demand, tightest bound first, lowest free
 * first; the assignments in ascending local order, and the pool with them allocated. Left when
 * impossible, the pool untouched. Never PASID 0, never one allocated in `pool`, never one twice.
 */
export const assignGlobals = (
  pool: PasidPool,
  from: number,
  demands: readonly GlobalDemand[],
  countSteps?: (steps: number) => void,
): E.Either<Shortfall, { readonly assignments: readonly GlobalAssignment[]; readonly pool: PasidPool }> =>
  assignGlobalsTo(
    pool,
    from,
    demands.map((d) => d.local),
    demands.map((d) => d.bound),
    countSteps,
  )

/** `assignGlobals` on demands held as two arrays: demand k is `locals[k]` below `bounds[k]`. */
export const assignGlobalsTo = (
  pool: PasidPool,
  from: number,
  locals: ArrayLike<number>,
  bounds: ArrayLike<number>,
  countSteps?: (steps: number) => void,
): E.Either<Shortfall, { readonly assignments: readonly GlobalAssignment[]; readonly pool: PasidPool }> => {
  const n = locals.length
  const count = pasidCount(pool.width)
  const bound = new Int32Array(n)
  for (let k = 0; k < n; k++) bound[k] = Math.max(0, Math.min(Math.floor(bounds[k]!), count))
  const byLocal = stableOrder(locals, undefined, countSteps)
  const order = stableOrder(bound, byLocal, countSteps)
  /** Each demand's place in local order: where its assignment goes. */
  const place = new Int32Array(n)
  for (let k = 0; k < n; k++) place[byLocal[k]!] = k
  const bits = pool.bits.slice()
  const free = (p: number): boolean => ((bits[p >>> 3]! >>> (p & 7)) & 1) === 0
  const assignments: GlobalAssignment[] = new Array(n)
  const start = Math.max(from, 1)
  let cursor = start
  let steps = 3 * n + bits.length
  for (let k = 0; k < n; k++) {
    const d = order[k]!
    const end = bound[d]!
    // Every earlier assignment took the lowest free global, so none lies free below the cursor.
    const before = cursor
    while (cursor < end && !free(cursor)) cursor += (cursor & 7) === 0 && bits[cursor >>> 3] === 0xff ? 8 : 1
    steps += cursor - before
    if (cursor >= end) {
      let available = 0
      for (let p = start; p < end; p++) if (((pool.bits[p >>> 3]! >>> (p & 7)) & 1) === 0) available++
      let needed = 0
      for (let j = 0; j < n; j++) if (bound[j]! <= end) needed++
      countSteps?.(steps + Math.max(0, end - start) + n)
      return E.left({ local: locals[d]! as Pasid, bound: end, needed, available })
    }
    bits[cursor >>> 3]! |= 1 << (cursor & 7)
    assignments[place[d]!] = { local: locals[d]! as Pasid, global: cursor as Pasid }
    cursor++
  }
  countSteps?.(steps)
  return E.right({ assignments, pool: { _tag: 'PasidPool', width: pool.width, bits } })
}

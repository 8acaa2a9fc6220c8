/**
 * Assigning fresh global PASIDs to guest-local ones (ENQCMD global-split mode). Each local's
 * global must lie in [from, bound), bound being the smallest PASID limit of the functions it is
 * attached to, so locals share a lower end and differ in upper bounds. A plan exists exactly
 * when, for every bound b, the locals bounded by b fit in the free globals below b; serving the
 * tightest bound first and taking the lowest free global each time always finds one then.
 * (Serving locals in numeric order does not: a wide local can take the only global a narrow one
 * could use.) Deterministic: the same pool and demands give the same plan.
 */
import * as E from 'fp-ts/lib/Either.js'
import { type PasidPool, pasidPool } from './pasid-pool.js'
import { type Pasid, pasidCount } from './pasid.js'

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
  readonly bound: number
  /** Locals whose globals must lie below `bound`. */
  readonly needed: number
  /** Free globals in [from, bound). */
  readonly available: number
}

/**
 * A distinct free global in [from, bound) for every demand, tightest bound first, lowest free
 * first; and the pool with them allocated. Left when impossible, the pool untouched.
 */
export const assignGlobals = (
  pool: PasidPool,
  from: number,
  demands: readonly GlobalDemand[],
): E.Either<Shortfall, { readonly assignments: readonly GlobalAssignment[]; readonly pool: PasidPool }> => {
  const order = [...demands].sort((a, b) => a.bound - b.bound || a.local - b.local)
  const bits = pool.bits.slice()
  const count = pasidCount(pool.width)
  const free = (p: number): boolean => p > 0 && p < count && ((bits[p >>> 3]! >>> (p & 7)) & 1) === 0
  const assignments: GlobalAssignment[] = []
  let cursor = Math.max(from, 1)
  for (let k = 0; k < order.length; k++) {
    const d = order[k]!
    const end = Math.min(d.bound, count)
    // Every earlier assignment took the lowest free global, so none lies free below the cursor.
    while (cursor < end && !free(cursor)) cursor += (cursor & 7) === 0 && bits[cursor >>> 3] === 0xff ? 8 : 1
    if (cursor >= end) {
      let available = 0
      for (let p = Math.max(from, 1); p < end; p++) if (((pool.bits[p >>> 3]! >>> (p & 7)) & 1) === 0) available++
      const needed = order.filter((o) => o.bound <= d.bound).length
      return E.left({ local: d.local, bound: d.bound, needed, available })
    }
    bits[cursor >>> 3]! |= 1 << (cursor & 7)
    assignments.push({ local: d.local, global: cursor as Pasid })
    cursor++
  }
  // Tightest-first order is local order whenever bounds are equal: sort only when it is not.
  if (assignments.some((a, i) => i > 0 && a.local < assignments[i - 1]!.local)) assignments.sort((a, b) => a.local - b.local)
  return E.right({ assignments, pool: { ...pasidPool(pool.width), bits } })
}

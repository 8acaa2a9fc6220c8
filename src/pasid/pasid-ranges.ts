/**
 * A PASID pool as sorted allocated ranges: memory proportional to the number of ranges, not to
 * the width (a fleet of 10^6 hosts cannot each hold a 128 KiB bitmap). Answers the questions a
 * feasibility check asks — is p allocated, how many are free in [from, to) — by binary search.
 * The bitmap pool (`PasidPool`) is what plans allocate from; `rangesToPool` and `poolToRanges`
 * move between the two.
 */
import { type PasidPool, pasidPool, type PasidRange } from './pasid-pool.js'
import { type PasidWidth, pasidCount } from './pasid.js'

export interface PasidRanges {
  readonly _tag: 'PasidRanges'
  readonly width: PasidWidth
  /** Allocated ranges, flat: [start0, end0, start1, end1, ...], sorted, disjoint, non-adjacent, within [0, 1 << width); PASID 0 always included. */
  readonly bounds: readonly number[]
  /** How many PASIDs are allocated before range i (prefix sums of the lengths). */
  readonly before: readonly number[]
}

/** A range pool of `width` bits with `allocated` taken (PASID 0 always). Ranges may overlap, touch or come in any order; they are clipped to the pool. */
export const pasidRanges = (width: PasidWidth, allocated: readonly PasidRange[] = []): PasidRanges => {
  const count = pasidCount(width)
  const sorted = [[0, 1] as PasidRange, ...allocated]
    .map(([s, e]): PasidRange => [Math.max(0, s), Math.min(e, count)])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0])
  const bounds: number[] = []
  for (const [s, e] of sorted) {
    const last = bounds.length - 1
    if (last > 0 && s <= bounds[last]!) bounds[last] = Math.max(bounds[last]!, e)
    else bounds.push(s, e)
  }
  const before: number[] = []
  let total = 0
  for (let i = 0; i < bounds.length; i += 2) {
    before.push(total)
    total += bounds[i + 1]! - bounds[i]!
  }
  return { _tag: 'PasidRanges', width, bounds, before }
}

/** Index of the last range starting at or before p, or -1. */
const rangeAtOrBefore = (r: PasidRanges, p: number): number => {
  let lo = 0
  let hi = r.before.length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    if (r.bounds[mid * 2]! <= p) {
      found = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  return found
}

/** Whether p is allocated (everything at or beyond the width counts as allocated). */
export const rangesAllocated = (r: PasidRanges, p: number): boolean => {
  if (p < 0 || p >= pasidCount(r.width)) return true
  const i = rangeAtOrBefore(r, p)
  return i >= 0 && p < r.bounds[i * 2 + 1]!
}

/** How many PASIDs of [0, x) are allocated. */
const allocatedBelow = (r: PasidRanges, x: number): number => {
  const i = rangeAtOrBefore(r, x - 1)
  if (i < 0) return 0
  return r.before[i]! + Math.min(x, r.bounds[i * 2 + 1]!) - r.bounds[i * 2]!
}

/** How many PASIDs of [from, to) are free (clipped to the pool). */
export const rangesFree = (r: PasidRanges, from: number, to: number): number => {
  const start = Math.max(from, 0)
  const end = Math.min(to, pasidCount(r.width))
  if (end <= start) return 0
  return end - start - (allocatedBelow(r, end) - allocatedBelow(r, start))
}

/** The allocated ranges of [from, to), as pairs (for messages and overlap checks). */
export const rangesWithin = (r: PasidRanges, from: number, to: number): PasidRange[] => {
  const out: PasidRange[] = []
  for (let i = Math.max(0, rangeAtOrBefore(r, from)); i < r.before.length; i++) {
    const s = Math.max(r.bounds[i * 2]!, from)
    const e = Math.min(r.bounds[i * 2 + 1]!, to)
    if (r.bounds[i * 2]! >= to) break
    if (e > s) out.push([s, e])
  }
  return out
}

/** The bitmap pool with the same PASIDs allocated. */
export const rangesToPool = (r: PasidRanges): PasidPool => {
  const ranges: PasidRange[] = []
  for (let i = 0; i < r.bounds.length; i += 2) ranges.push([r.bounds[i]!, r.bounds[i + 1]!])
  return pasidPool(r.width, ranges)
}

/** The range pool with the same PASIDs allocated (scans the bitmap a byte at a time). */
export const poolToRanges = (pool: PasidPool): PasidRanges => {
  const ranges: PasidRange[] = []
  const count = pasidCount(pool.width)
  let start = -1
  for (let p = 0; p < count; p++) {
    const byte = pool.bits[p >>> 3]!
    if ((p & 7) === 0 && (byte === 0 || byte === 0xff) && p + 8 <= count) {
      if (byte === 0xff && start < 0) start = p
      if (byte === 0 && start >= 0) {
        ranges.push([start, p])
        start = -1
      }
      p += 7
      continue
    }
    const set = ((byte >>> (p & 7)) & 1) === 1
    if (set && start < 0) start = p
    if (!set && start >= 0) {
      ranges.push([start, p])
      start = -1
    }
  }
  if (start >= 0) ranges.push([start, count])
  return pasidRanges(pool.width, ranges)
}

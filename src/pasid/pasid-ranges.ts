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
  /**
   * Allocated ranges as triples [start, end, allocatedBefore, ...]: sorted, disjoint,
   * non-adjacent, within [0, 1 << width), PASID 0 always included; allocatedBefore is how many
   * PASIDs the earlier ranges hold. One flat array: a fleet holds 10^6 of these.
   */
  readonly ranges: readonly number[]
}

/** Pools with nothing but PASID 0 allocated, one per width (most function pools are these). */
const EMPTY: readonly PasidRanges[] = Array.from({ length: 21 }, (_, w) => ({ _tag: 'PasidRanges', width: w as PasidWidth, ranges: [0, 1, 0] }))

/** A range pool of `width` bits with `allocated` taken (PASID 0 always). Ranges may overlap, touch or come in any order; they are clipped to the pool. */
export const pasidRanges = (width: PasidWidth, allocated: readonly PasidRange[] = []): PasidRanges => {
  const count = pasidCount(width)
  // Files list ranges in order (10^5 and more in a large inventory): sorted only when they are not.
  const inOrder = allocated.every((r, i) => i === 0 || allocated[i - 1]![0] <= r[0])
  const sorted = inOrder ? allocated : [...allocated].sort((a, b) => a[0] - b[0])
  const merged: number[] = [0, 1]
  for (const range of sorted) {
    const s = Math.max(1, range[0])
    const e = Math.min(range[1], count)
    if (e <= s) continue
    const last = merged.length - 1
    if (s <= merged[last]!) merged[last] = Math.max(merged[last]!, e)
    else merged.push(s, e)
  }
  if (merged.length === 2 && merged[1] === 1 && EMPTY[width] !== undefined) return EMPTY[width]
  // Exact length: arrays grown by push keep spare capacity, which a fleet pays 10^6 times.
  const ranges: number[] = new Array((merged.length / 2) * 3)
  let total = 0
  for (let i = 0, j = 0; i < merged.length; i += 2, j += 3) {
    ranges[j] = merged[i]!
    ranges[j + 1] = merged[i + 1]!
    ranges[j + 2] = total
    total += merged[i + 1]! - merged[i]!
  }
  return { _tag: 'PasidRanges', width, ranges }
}

/** Index of the last range starting at or before p, or -1. */
const rangeAtOrBefore = (r: PasidRanges, p: number): number => {
  const a = r.ranges
  let lo = 0
  let hi = a.length / 3 - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid * 3]! <= p) {
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
  return i >= 0 && p < r.ranges[i * 3 + 1]!
}

/** How many PASIDs of [0, x) are allocated. */
const allocatedBelow = (r: PasidRanges, x: number): number => {
  const i = rangeAtOrBefore(r, x - 1)
  if (i < 0) return 0
  const a = r.ranges
  return a[i * 3 + 2]! + Math.min(x, a[i * 3 + 1]!) - a[i * 3]!
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
  const a = r.ranges
  for (let i = Math.max(0, rangeAtOrBefore(r, from)); i < a.length / 3; i++) {
    if (a[i * 3]! >= to) break
    const s = Math.max(a[i * 3]!, from)
    const e = Math.min(a[i * 3 + 1]!, to)
    if (e > s) out.push([s, e])
  }
  return out
}

/** The bitmap pool with the same PASIDs allocated. */
export const rangesToPool = (r: PasidRanges): PasidPool => {
  const ranges: PasidRange[] = []
  for (let i = 0; i < r.ranges.length; i += 3) ranges.push([r.ranges[i]!, r.ranges[i + 1]!])
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

/** The index of the first of the sorted `values` at or above x. */
const firstAtOrAbove = (values: readonly number[], x: number): number => {
  let lo = 0
  let hi = values.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (values[mid]! < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** How many of the sorted `values` lie in [from, to). */
export const countIn = (values: readonly number[], from: number, to: number): number => (to <= from ? 0 : firstAtOrAbove(values, to) - firstAtOrAbove(values, from))

/** Whether any of the sorted `values` is allocated in `pool` (at or beyond its width counts). Allocates nothing. */
export const anyAllocatedIn = (values: readonly number[], pool: PasidRanges): boolean => {
  if (values.length === 0) return false
  const last = values[values.length - 1]!
  if (last >= pasidCount(pool.width)) return true
  const a = pool.ranges
  for (let i = 0; i < a.length; i += 3) {
    if (a[i]! > last) break
    if (a[i + 1]! > values[0]! && countIn(values, a[i]!, a[i + 1]!) > 0) return true
  }
  return false
}

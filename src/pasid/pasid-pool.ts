/**
 * A PASID pool: which PASIDs of [0, 1 << width) are allocated, as a bitmap — memory is
 * width-proportional (2^20 bits = 128 KiB), never proportional to the number allocated. Pools
 * are values: allocation returns a new pool and leaves the old one as it was.
 */
import { type Pasid, type PasidWidth, pasidCount } from './pasid.js'

export interface PasidPool {
  readonly _tag: 'PasidPool'
  readonly width: PasidWidth
  /** Bit p set when PASID p is allocated; PASID 0 is always set (reserved). */
  readonly bits: Uint8Array
}

/** A half-open range [start, end) of PASIDs. */
export type PasidRange = readonly [start: number, end: number]

/** A pool of `width` bits with `allocated` ranges taken (PASID 0 always). Ranges are clipped to the pool. */
export const pasidPool = (width: PasidWidth, allocated: readonly PasidRange[] = []): PasidPool => {
  const count = pasidCount(width)
  const bits = new Uint8Array(Math.max(1, count >>> 3))
  bits[0]! |= 1
  for (const [start, end] of allocated) for (let p = Math.max(0, start); p < Math.min(end, count); p++) bits[p >>> 3]! |= 1 << (p & 7)
  return { _tag: 'PasidPool', width, bits }
}

export const isAllocated = (pool: PasidPool, p: number): boolean => p >= pasidCount(pool.width) || ((pool.bits[p >>> 3]! >>> (p & 7)) & 1) === 1

/** The lowest free PASID in [from, to), or null. Skips whole allocated bytes. */
export const lowestFree = (pool: PasidPool, from: number, to: number): Pasid | null => {
  const end = Math.min(to, pasidCount(pool.width))
  let p = Math.max(from, 0)
  while (p < end) {
    if ((p & 7) === 0 && pool.bits[p >>> 3] === 0xff) {
      p += 8
      continue
    }
    if (!isAllocated(pool, p)) return p as Pasid
    p++
  }
  return null
}

/** How many PASIDs of [from, to) are free. */
export const freeCount = (pool: PasidPool, from: number, to: number): number => {
  let n = 0
  const end = Math.min(to, pasidCount(pool.width))
  for (let p = Math.max(from, 0); p < end; p++) if (!isAllocated(pool, p)) n++
  return n
}

/** A copy of `pool` with `pasids` set (allocate) or cleared (release). PASID 0 stays reserved. */
export const withPasids = (pool: PasidPool, pasids: readonly number[], allocated: boolean): PasidPool => {
  const bits = pool.bits.slice()
  for (const p of pasids) {
    if (p <= 0 || p >= pasidCount(pool.width)) continue
    if (allocated) bits[p >>> 3]! |= 1 << (p & 7)
    else bits[p >>> 3]! &= ~(1 << (p & 7))
  }
  return { _tag: 'PasidPool', width: pool.width, bits }
}

/** The allocated PASIDs as sorted ranges (for files and messages). */
export const allocatedRanges = (pool: PasidPool): PasidRange[] => {
  const ranges: Array<[number, number]> = []
  const count = pasidCount(pool.width)
  for (let p = 0; p < count; p++) {
    if (!isAllocated(pool, p)) continue
    const last = ranges[ranges.length - 1]
    if (last !== undefined && last[1] === p) last[1] = p + 1
    else ranges.push([p, p + 1])
  }
  return ranges
}

/** True when both pools have the same width and the same PASIDs allocated. */
export const samePool = (a: PasidPool, b: PasidPool): boolean => a.width === b.width && a.bits.length === b.bits.length && a.bits.every((x, i) => x === b.bits[i])

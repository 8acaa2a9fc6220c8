/**
 * Free extended config space for a synthesised capability: dword-aligned, at or above 0x100,
 * ending by 0x1000, clear of every exposed capability, of the device's quirk ranges (bytes a
 * device uses outside any capability, places a VMM gives its own capabilities; the table is
 * src/device/quirks.ts) and, when the operator gives usable ranges, inside one.
 */
import { type QuirkIdentity, quirksOf } from '../device/quirks.js'

/** A half-open byte range [start, end). */
export type ByteRange = readonly [start: number, end: number]

/** The ranges `identity`'s quirks (src/device/quirks.ts) keep for the device or its VMM: never free. */
export const quirkRanges = (identity: QuirkIdentity): ByteRange[] => quirksOf(identity).flatMap((q) => q.ranges)

const overlaps = (a: ByteRange, b: ByteRange): boolean => a[0] < b[1] && b[0] < a[1]

/** Why `[at, at + length)` cannot hold a capability, or null when it can. */
export const whyNotFree = (
  at: number,
  length: number,
  taken: readonly ByteRange[],
  usable: readonly ByteRange[] | null,
): string | null => {
  const range: ByteRange = [at, at + length]
  if (at % 4 !== 0) return 'not dword-aligned'
  if (at < 0x100 || at + length > 0x1000) return 'outside extended space (0x100–0xfff)'
  if (taken.some((t) => overlaps(t, range))) return 'overlaps a capability or a range the device uses'
  if (usable !== null && !usable.some(([s, e]) => at >= s && at + length <= e)) return 'outside the usable ranges given'
  return null
}

/**
 * The highest free dword-aligned offset for `length` bytes, searching down from 0x1000 − length
 * (QEMU's default vPASID offset is 0xFF8, the top of extended space); null when none is free.
 */
export const findFreeSpace = (length: number, taken: readonly ByteRange[], usable: readonly ByteRange[] | null): number | null => {
  for (let at = (0x1000 - length) & ~3; at >= 0x100; at -= 4) if (whyNotFree(at, length, taken, usable) === null) return at
  return null
}

/**
 * Byte arrays carved from shared slabs. Allocating an ArrayBuffer per config image costs more
 * than reading and walking it; views into a 256 KiB slab do not (an ArrayBuffer costs a fixed
 * few microseconds besides its zeroing: a 64 KiB slab, four prepared functions' worth, cost
 * 2.3 µs per function, a 256 KiB one 1.3 µs). A slab lives as long as any array carved from it,
 * so a function kept alone keeps at most 256 KiB. Arrays are zero-filled and dword-aligned.
 */

const SLAB_BYTES = 256 * 1024
let slab = new ArrayBuffer(SLAB_BYTES)
let used = 0

/** A zero-filled array of `length` bytes (larger ones get their own buffer), starting on a dword boundary. */
export const slabBytes = (length: number): Uint8Array => {
  if (length > SLAB_BYTES) return new Uint8Array(length)
  if (used + length > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES)
    used = 0
  }
  const bytes = new Uint8Array(slab, used, length)
  used += (length + 3) & ~3
  return bytes
}

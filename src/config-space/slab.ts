/**
 * Byte arrays carved from shared slabs. Allocating an ArrayBuffer per config image costs more
 * than reading and walking it; views into a 64 KiB slab do not. A slab lives as long as any
 * array carved from it. Arrays are zero-filled and dword-aligned.
 */

const SLAB_BYTES = 64 * 1024
let slab = new ArrayBuffer(SLAB_BYTES)
let used = 0

/** A zero-filled array of `length` bytes (at most 64 KiB), starting on a dword boundary. */
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

/**
 * The config space image of one PCI function: 64, 256 or 4096 bytes, immutable once made.
 *
 * 64 bytes is what an unprivileged read of sysfs `config` or `lspci -x` gives; 256 bytes is
 * conventional PCI space; 4096 bytes includes PCI Express extended space. All multi-byte
 * registers are little-endian.
 */

import { slabBytes } from './slab.js'

/** The sizes a config space image can have. */
export type ConfigSpaceSize = 64 | 256 | 4096

/** Every size a config space image can have, smallest first. */
export const CONFIG_SPACE_SIZES: readonly ConfigSpaceSize[] = [64, 256, 4096]

/** Where conventional (256-byte) space ends and PCI Express extended space begins. */
export const EXTENDED_SPACE_START = 0x100

/** A byte array that cannot be written through this type. */
export type ReadonlyBytes = Omit<Uint8Array, 'set' | 'fill' | 'copyWithin' | 'reverse' | 'sort'> & {
  readonly [index: number]: number
}

/** An immutable config space image. Make one with {@link configSpace}. */
export interface ConfigSpace {
  readonly _tag: 'ConfigSpace'
  readonly size: ConfigSpaceSize
  readonly bytes: ReadonlyBytes
}

/** True when `n` is a size a config space image can have. */
export const isConfigSpaceSize = (n: number): n is ConfigSpaceSize => n === 64 || n === 256 || n === 4096

const copyOf = (bytes: Uint8Array): Uint8Array => {
  const copy = slabBytes(bytes.length)
  copy.set(bytes)
  return copy
}

/**
 * A config space image holding a copy of `bytes` (later changes to `bytes` do not reach it).
 * Returns `undefined` when the length is not 64, 256 or 4096; readers turn that into a typed error.
 */
export const configSpace = (bytes: Uint8Array): ConfigSpace | undefined =>
  isConfigSpaceSize(bytes.length) ? { _tag: 'ConfigSpace', size: bytes.length, bytes: copyOf(bytes) } : undefined

/** True when `offset .. offset + width - 1` lies inside the image. */
export const inImage = (space: ConfigSpace, offset: number, width = 1): boolean =>
  Number.isInteger(offset) && offset >= 0 && offset + width <= space.size

const check = (space: ConfigSpace, offset: number, width: number): void => {
  // Callers bound their reads by the image size; a read outside it is a bug in the caller.
  if (!inImage(space, offset, width)) {
    throw new RangeError(`config read of ${width} byte(s) at 0x${offset.toString(16)} outside a ${space.size}-byte image`)
  }
}

/** The byte at `offset`. The offset must lie inside the image. */
export const readU8 = (space: ConfigSpace, offset: number): number => {
  check(space, offset, 1)
  return space.bytes[offset]!
}

/** The little-endian 16-bit word at `offset`. The word must lie inside the image. */
export const readU16 = (space: ConfigSpace, offset: number): number => {
  check(space, offset, 2)
  const b = space.bytes
  return b[offset]! | (b[offset + 1]! << 8)
}

/** The little-endian 32-bit dword at `offset`, unsigned. The dword must lie inside the image. */
export const readU32 = (space: ConfigSpace, offset: number): number => {
  check(space, offset, 4)
  const b = space.bytes
  return (b[offset]! | (b[offset + 1]! << 8) | (b[offset + 2]! << 16) | (b[offset + 3]! << 24)) >>> 0
}

/** True when every byte of the image reads 0xFF: the function is absent, powered off or unreachable. */
export const isAllOnes = (space: ConfigSpace): boolean => {
  const b = space.bytes
  for (let i = 0; i < b.length; i++) if (b[i] !== 0xff) return false
  return true
}

/**
 * Every number a layout holds and the register it fills, as one table: `build` checks layouts
 * against it (whether read from a file, a migration state or made in memory) and the JSON
 * Schema is generated from it, so the schema refuses the values the decoder refuses. A value
 * that does not fit its register is refused, never truncated.
 */
import type { Space } from '../capability/capability.js'
import type { BarKind, FunctionLayout, Identity } from './function-layout.js'
import { type LayoutError, layoutError } from './layout-error.js'

export interface Bound {
  readonly min: number
  readonly max: number
  /** The register, for messages: `Vendor ID (16 bits)`. */
  readonly register: string
}

const bits = (register: string, n: number, min = 0): Bound => ({ min, max: n === 32 ? 0xffffffff : 2 ** n - 1, register: `${register} (${n} bits)` })

/**
 * The identity registers (PCI Local Bus spec, type 0 header). 0xFFFF is what a read of an absent
 * function returns and what a VF's Vendor ID reads (SR-IOV spec), never a vendor's ID.
 */
export const IDENTITY_BOUNDS: Readonly<Record<keyof Identity, Bound>> = {
  vendorId: { min: 0, max: 0xfffe, register: 'Vendor ID (16 bits; 0xffff is no vendor: an absent function or a VF reads it)' },
  deviceId: bits('Device ID', 16),
  revisionId: bits('Revision ID', 8),
  classCode: bits('Class Code', 24),
  subsystemVendorId: bits('Subsystem Vendor ID', 16),
  subsystemId: bits('Subsystem ID', 16),
}

/** Extended capability version: header bits 19:16. */
export const VERSION_BOUND: Bound = bits('Capability Version', 4)

/** Migration stream versions travel as uint32 (proto/vpci/migration/v1/layout.proto). */
export const STREAM_BOUND: Bound = bits('migration stream version', 32)

/** A raw byte. */
export const BYTE_BOUND: Bound = bits('a byte', 8)

/** Where each list's capabilities may start (dword-aligned, header inside the space). */
export const OFFSET_BOUNDS: Readonly<Record<Space, Bound>> = {
  standard: { min: 0x40, max: 0xfc, register: 'standard capability space (0x40–0xfc)' },
  extended: { min: 0x100, max: 0xffc, register: 'extended capability space (0x100–0xffc)' },
}

/** A capability ID's width per list. */
export const ID_BOUNDS: Readonly<Record<Space, Bound>> = { standard: bits('standard capability ID', 8), extended: bits('extended capability ID', 16) }

/** BAR numbers: 0–5 in a type 0 header, 0–1 in a type 1 header. */
export const BAR_INDEX_BOUNDS: Readonly<Record<0 | 1, Bound>> = {
  0: { min: 0, max: 5, register: 'a BAR number of a type 0 header (0–5)' },
  1: { min: 0, max: 1, register: 'a BAR number of a type 1 header (0–1)' },
}

/**
 * Sizes a BAR or the expansion ROM can decode, as powers of two [low, high]: sizing reveals a
 * size by the address bits that read back 0, so it is a power of two from the first address bit
 * up. Memory BARs: address bits from 4 (bits 3:0 say the type), up to bit 31 (32-bit) or 63
 * (64-bit); I/O BARs from bit 2, at most 256 bytes (PCI Local Bus spec, Base Address Registers);
 * the ROM BAR's address bits are 31:11.
 */
export const SIZE_LOG2: Readonly<Record<BarKind | 'rom', readonly [number, number]>> = {
  io: [2, 8],
  memory32: [4, 31],
  memory64: [4, 63],
  rom: [11, 31],
}

const outOf = (b: Bound, value: number): boolean => !Number.isSafeInteger(value) || value < b.min || value > b.max
const show = (n: number): string => (n > 9 ? `0x${n.toString(16)}` : String(n))

/** VALUE_TOO_WIDE when `value` is outside `bound`. */
export const boundError = (bound: Bound, value: number, path: LayoutError['path']): LayoutError | null =>
  outOf(bound, value) ? layoutError('VALUE_TOO_WIDE', path, `${show(value)} does not fit ${bound.register}: ${show(bound.min)}–${show(bound.max)}`) : null

/** Why `size` cannot be what a BAR of `kind` decodes, or null. */
export const sizeError = (kind: BarKind | 'rom', size: bigint, path: LayoutError['path']): LayoutError | null => {
  const [lo, hi] = SIZE_LOG2[kind]
  const power = size > 0n && (size & (size - 1n)) === 0n
  if (power && size >= 1n << BigInt(lo) && size <= 1n << BigInt(hi)) return null
  const what = kind === 'rom' ? 'an expansion ROM' : `a ${kind} BAR`
  return layoutError('VALUE_TOO_WIDE', path, `${size} bytes is not a size ${what} can decode: a power of two from ${2 ** lo} to 2^${hi}`)
}

/** Every number of `layout` outside its register (identity, versions, BARs, ROM, persona, raw bytes, hidden capabilities). */
export const boundsErrors = (layout: FunctionLayout): LayoutError[] => {
  const errors: Array<LayoutError | null> = []
  for (const key of Object.keys(IDENTITY_BOUNDS) as Array<keyof Identity>) errors.push(boundError(IDENTITY_BOUNDS[key], layout.identity[key], ['identity', key]))
  layout.persona?.migrationStreams.forEach((s, i) => errors.push(boundError(STREAM_BOUND, s, ['persona', 'migrationStreams', i])))
  const headerLayout = layout.header.fields.headerLayout === 1 ? 1 : 0
  layout.bars.forEach((b, i) => {
    errors.push(boundError(BAR_INDEX_BOUNDS[headerLayout], b.index, ['bars', i, 'index']))
    if (b.size !== null) errors.push(sizeError(b.kind, b.size, ['bars', i, 'size']))
  })
  if (layout.rom?.size !== null && layout.rom?.size !== undefined) errors.push(sizeError('rom', layout.rom.size, ['rom', 'size']))
  layout.capabilities.forEach((c, i) => {
    errors.push(boundError(ID_BOUNDS[c.space], c.id, ['capabilities', i, 'id']))
    if (c.version !== null) errors.push(boundError(VERSION_BOUND, c.version, ['capabilities', i, 'version']))
  })
  const runs: Array<[LayoutError['path'], readonly { bytes: readonly number[] }[]]> = [
    [['header', 'bytes'], layout.header.bytes],
    [['unclaimed'], layout.unclaimed],
    ...layout.capabilities.map((c, i): [LayoutError['path'], typeof c.bytes] => [['capabilities', i, 'bytes'], c.bytes]),
  ]
  for (const [path, list] of runs) {
    list.forEach((r, k) => {
      const bad = r.bytes.findIndex((b) => outOf(BYTE_BOUND, b))
      if (bad >= 0) errors.push(boundError(BYTE_BOUND, r.bytes[bad]!, [...path, k, 'hex']))
    })
  }
  layout.hidden.forEach((h, i) => {
    errors.push(boundError(ID_BOUNDS[h.space], h.id, ['hidden', i, 'id']))
    if (h.offset !== null) errors.push(boundError(OFFSET_BOUNDS[h.space], h.offset, ['hidden', i, 'offset']))
  })
  return errors.filter((e): e is LayoutError => e !== null)
}

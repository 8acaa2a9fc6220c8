/**
 * How the registry states a capability's length: fixed, computed from the capability's own
 * fields, or inferred from where the next capability begins.
 */
import { type ConfigSpace, inImage } from '../config-space/config-space.js'
import type { FunctionFacts } from './function-facts.js'

/**
 * What a computed length rule may look at. The relative readers return 0 for bytes beyond the
 * image, so a rule never fails; a capability whose fields lie past the end is then reported by
 * the walker as running past the end of its space.
 */
export interface LengthContext {
  readonly offset: number
  /** Extended capability version; null for standard capabilities. */
  readonly version: number | null
  readonly facts: FunctionFacts
  /** The byte at `offset + at`. */
  readonly u8: (at: number) => number
  /** The little-endian word at `offset + at`. */
  readonly u16: (at: number) => number
  /** The little-endian dword at `offset + at`, unsigned. */
  readonly u32: (at: number) => number
}

export type LengthRule =
  | { readonly _tag: 'Fixed'; readonly bytes: number }
  | {
      readonly _tag: 'Computed'
      /** The rule in words, for documentation and the JSON Schema. */
      readonly rule: string
      /** The length in bytes, or null when the facts it needs are absent (the length is then inferred). */
      readonly compute: (ctx: LengthContext) => number | null
    }
  | { readonly _tag: 'Inferred' }

/** A length the spec fixes. */
export const fixed = (bytes: number): LengthRule => ({ _tag: 'Fixed', bytes })

/** A length computed from the capability's own fields (or the function's facts). */
export const computed = (rule: string, compute: (ctx: LengthContext) => number | null): LengthRule => ({
  _tag: 'Computed',
  rule,
  compute,
})

/** No length stated anywhere: bounded by the next capability's start or the end of the space. */
export const inferred: LengthRule = { _tag: 'Inferred' }

/** The context a computed rule sees for the capability at `offset`. */
export const lengthContext = (
  space: ConfigSpace,
  offset: number,
  version: number | null,
  facts: FunctionFacts,
): LengthContext => {
  const b = space.bytes
  const byte = (at: number): number => (inImage(space, offset + at) ? b[offset + at]! : 0)
  return {
    offset,
    version,
    facts,
    u8: byte,
    u16: (at) => byte(at) | (byte(at + 1) << 8),
    u32: (at) => (byte(at) | (byte(at + 1) << 8) | (byte(at + 2) << 16) | (byte(at + 3) << 24)) >>> 0,
  }
}

/** Rounds a byte count up to whole dwords: capabilities start dword-aligned. */
export const dwordAligned = (bytes: number): number => (bytes + 3) & ~3

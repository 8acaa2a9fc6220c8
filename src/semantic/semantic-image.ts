/**
 * The semantic image of a function: per byte, the read-only value the guest sees, the bits it
 * may write (`wmask`) and the bits it clears by writing 1 (`w1cmask`), all derived from the
 * registry's field tables. Two functions present the same config space to a guest exactly when
 * their semantic images are equal.
 *
 * Bits no field table describes count as read-only: unknown bytes are compared, never assumed
 * writable.
 */
import type { Capability } from '../capability/capability.js'
import { type FieldSpec, fieldMask } from '../capability/field.js'
import { type FieldContext, fieldsFor } from '../capability/fields/field-context.js'
import { lengthContext } from '../capability/length-rule.js'
import { headerFields, lookupCapability } from '../capability/registry.js'
import type { Walk } from '../capability/walk.js'
import type { ConfigSpace, ConfigSpaceSize } from '../config-space/config-space.js'

/** A field of the header or of one capability, placed in the image. */
export interface FieldInstance {
  /** The capability holding it; null for the config header. */
  readonly capability: Capability | null
  readonly spec: FieldSpec
  /** Absolute offset of the field's register. */
  readonly offset: number
}

export interface SemanticImage {
  readonly _tag: 'SemanticImage'
  readonly size: ConfigSpaceSize
  /**
   * `3 × size` bytes: the read-only value of each byte (its bits outside both masks), then the
   * write mask, then the write-1-to-clear mask. One buffer so equality is one comparison.
   */
  readonly packed: Uint8Array
  /** Every field of the header and of every capability, header first, in chain order. */
  readonly fields: readonly FieldInstance[]
}

/** The read-only value bytes of a semantic image. */
export const readOnlyBytes = (s: SemanticImage): Uint8Array => s.packed.subarray(0, s.size)
/** The guest write mask of a semantic image. */
export const writeMask = (s: SemanticImage): Uint8Array => s.packed.subarray(s.size, 2 * s.size)
/** The write-1-to-clear mask of a semantic image. */
export const writeOneToClearMask = (s: SemanticImage): Uint8Array => s.packed.subarray(2 * s.size, 3 * s.size)

/** The fields of the header and every capability the walk found, placed at absolute offsets. */
export const placeFields = (config: ConfigSpace, walk: Walk): FieldInstance[] => {
  const placed: FieldInstance[] = []
  const add = (capability: Capability | null, base: number, fields: readonly FieldSpec[]): void => {
    for (const spec of fields) placed.push({ capability, spec, offset: base + spec.at })
  }
  const headerLength = Math.min(config.size, 0x40)
  const header: FieldContext = { ...lengthContext(config, 0, null, walk.facts), length: headerLength }
  add(null, 0, fieldsFor(headerFields(walk.facts.headerLayout), header))
  for (const cap of walk.capabilities) {
    const table = lookupCapability(cap.space, cap.id)?.fields
    if (table === undefined) continue
    const ctx: FieldContext = { ...lengthContext(config, cap.offset, cap.version, walk.facts), length: cap.length }
    add(cap, cap.offset, fieldsFor(table, ctx))
  }
  return placed
}

/** The semantic image of `config`, given its walk. */
export const semanticImage = (config: ConfigSpace, walk: Walk): SemanticImage => {
  const size = config.size
  const packed = new Uint8Array(3 * size)
  const fields = placeFields(config, walk)
  for (const f of fields) {
    if (f.spec.access !== 'RW' && f.spec.access !== 'RW1C') continue
    const plane = f.spec.access === 'RW' ? size : 2 * size
    const mask = fieldMask(f.spec)
    for (let k = 0; k < f.spec.width; k++) {
      const at = f.offset + k
      if (at < size) packed[plane + at]! |= (mask >>> (8 * k)) & 0xff
    }
  }
  const bytes = config.bytes
  for (let i = 0; i < size; i++) packed[i] = bytes[i]! & ~(packed[size + i]! | packed[2 * size + i]!)
  return { _tag: 'SemanticImage', size, packed, fields }
}

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
import type { FieldSpec } from '../capability/field.js'
import type { Walk } from '../capability/walk.js'
import type { ConfigSpace, ConfigSpaceSize } from '../config-space/config-space.js'
import { slabBytes } from '../config-space/slab.js'
import { type LayoutSkeleton, layoutSkeleton } from './layout-skeleton.js'

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

/**
 * The fields of one capability (null: the header). Matched by place, not identity: functions of
 * one device model share their field instances.
 */
export const fieldsOfCapability = (s: SemanticImage, cap: Pick<Capability, 'space' | 'offset'> | null): FieldInstance[] =>
  s.fields.filter((f) => (cap === null ? f.capability === null : f.capability?.offset === cap.offset && f.capability.space === cap.space))

/** The read-only value bytes of a semantic image. */
export const readOnlyBytes = (s: SemanticImage): Uint8Array => s.packed.subarray(0, s.size)
/** The guest write mask of a semantic image. */
export const writeMask = (s: SemanticImage): Uint8Array => s.packed.subarray(s.size, 2 * s.size)
/** The write-1-to-clear mask of a semantic image. */
export const writeOneToClearMask = (s: SemanticImage): Uint8Array => s.packed.subarray(2 * s.size, 3 * s.size)

/** The semantic image of `config`, given its walk. */
export const semanticImage = (config: ConfigSpace, walk: Walk): SemanticImage => semanticImageOf(config, layoutSkeleton(config, walk))

/** The semantic image of `config` over a skeleton already found for it. */
export const semanticImageOf = (config: ConfigSpace, skeleton: LayoutSkeleton): SemanticImage => {
  const size = config.size
  const packed = slabBytes(3 * size)
  packed.set(skeleton.masks, size)
  // Read-only values, a dword at a time: images and planes are dword-aligned and sized.
  const words = new Uint32Array(packed.buffer, packed.byteOffset, size >>> 2)
  const source = new Uint32Array(config.bytes.buffer, config.bytes.byteOffset, size >>> 2)
  const readOnly = skeleton.readOnly
  for (let i = 0; i < readOnly.length; i++) words[i] = source[i]! & readOnly[i]!
  return { _tag: 'SemanticImage', size, packed, fields: skeleton.fields }
}

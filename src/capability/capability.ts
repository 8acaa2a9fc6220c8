/**
 * A capability found in a config space image: where it is, what it is, and how long it is.
 */

/** The two capability lists: standard (0x40–0xFF) and PCI Express extended (0x100–0xFFF). */
export type Space = 'standard' | 'extended'

/**
 * How a capability's length was obtained: `fixed` by the spec, `computed` from its own fields
 * (or the function's PCI Express capability), or `inferred` from where the next capability
 * starts (or the end of its space) because nothing in the capability states it.
 */
export type LengthKind = 'fixed' | 'computed' | 'inferred'

export interface Capability {
  readonly space: Space
  /** Offset of the capability header in the image. */
  readonly offset: number
  /** 8-bit standard or 16-bit extended capability ID. */
  readonly id: number
  /** Extended capability version (bits 19:16 of the header); null for standard capabilities. */
  readonly version: number | null
  /** The registry's name, or `Unknown capability 0x..` for an ID the registry does not know. */
  readonly name: string
  /** Bytes the capability occupies, starting at `offset`. */
  readonly length: number
  readonly lengthKind: LengthKind
  /** The next pointer exactly as stored (reserved low bits included). */
  readonly next: number
  /** False for an ID the registry does not know: kept as an opaque capability, never dropped. */
  readonly known: boolean
}

/**
 * True for an extended header with ID 0: the placeholder vfio leaves where it hid the first
 * extended capability (its chain continues). Never part of a layout.
 */
export const isHiddenPlaceholder = (c: Pick<Capability, 'space' | 'id'>): boolean => c.space === 'extended' && c.id === 0

/** The first byte past the space a capability lives in. */
export const spaceEnd = (space: Space): number => (space === 'standard' ? 0x100 : 0x1000)

/** `[0x40] MSI-X` / `[0x100 v1] AER`: how people refer to a capability in messages. */
export const capabilityLabel = (cap: Pick<Capability, 'offset' | 'version' | 'name'>): string =>
  cap.version === null
    ? `${cap.name} at 0x${cap.offset.toString(16)}`
    : `${cap.name} v${cap.version} at 0x${cap.offset.toString(16)}`

/**
 * The bits of a config space its structure and fields own: the header's registers (all of them
 * when the header layout has no field table), each capability's header (ID, version, next
 * pointer), every field of the registry, and the first dword of extended space, where the
 * extended list starts whether or not it has capabilities. The rest is what raw byte runs may
 * fill: vendor registers no field describes. Raw bytes confined to it cannot write a
 * capability, a pointer or a value a judgement reads by field.
 */
import { type Capability, capabilityLabel } from '../capability/capability.js'
import { fieldMask } from '../capability/field.js'
import { headerFields } from '../capability/registry.js'
import type { Walk } from '../capability/walk.js'
import type { ConfigSpace } from '../config-space/config-space.js'
import { layoutSkeleton } from '../semantic/layout-skeleton.js'
import type { FieldInstance } from '../semantic/semantic-image.js'

/** The config header: the 64 bytes before the standard capability space. */
export const HEADER_END = 0x40
/** The extended list's first header (PCIe Base spec: extended capabilities start at 0x100). */
export const EXTENDED_HEAD: readonly [number, number] = [0x100, 0x104]

export interface OwnedBits {
  /** Per byte, the bits structure or a field owns. */
  readonly bits: Uint8Array
  /** What owns byte `at`, for messages: `the header of MSI-X at 0x50`, `Command: Bus Master Enable`. */
  readonly ownerOf: (at: number, value: number) => string
}

export const capabilityHeaderLength = (c: Pick<Capability, 'space'>): number => (c.space === 'standard' ? 2 : 4)

const fieldBitsAt = (f: FieldInstance, at: number): number => {
  const k = at - f.offset
  return k >= 0 && k < f.spec.width ? (fieldMask(f.spec) >>> (8 * k)) & 0xff : 0
}

/** The owned bits of `config`, walked as `walk`. */
export const ownedBits = (config: ConfigSpace, walk: Walk): OwnedBits => {
  const size = config.size
  const bits = new Uint8Array(size)
  const headerless = headerFields(walk.facts.headerLayout) === undefined
  if (headerless) bits.fill(0xff, 0, Math.min(HEADER_END, size))
  if (size > EXTENDED_HEAD[0]) bits.fill(0xff, EXTENDED_HEAD[0], EXTENDED_HEAD[1])
  for (const c of walk.capabilities) bits.fill(0xff, c.offset, Math.min(c.offset + capabilityHeaderLength(c), size))
  const fields = layoutSkeleton(config, walk).fields
  for (const f of fields) for (let k = 0; k < f.spec.width && f.offset + k < size; k++) bits[f.offset + k]! |= fieldBitsAt(f, f.offset + k)
  const ownerOf = (at: number, value: number): string => {
    const cap = walk.capabilities.find((c) => at >= c.offset && at < c.offset + capabilityHeaderLength(c))
    if (cap !== undefined) return `the header (ID, version, next pointer) of ${capabilityLabel(cap)}`
    if (at >= EXTENDED_HEAD[0] && at < EXTENDED_HEAD[1]) return 'the first extended capability header (0x100), where the extended list starts'
    if (at < HEADER_END && headerless) return `the config header (header layout ${walk.facts.headerLayout} has no field table)`
    const f = fields.find((x) => (fieldBitsAt(x, at) & (value === 0 ? 0xff : value)) !== 0)
    if (f === undefined) return 'a register'
    const what = f.spec.register === f.spec.name ? f.spec.name : `${f.spec.register}: ${f.spec.name}`
    return `${f.capability === null ? 'the config header' : capabilityLabel(f.capability)}, ${what} (field ${f.spec.key})`
  }
  return { bits, ownerOf }
}

/**
 * A named field of a function's capability, read through the registry's field tables (no
 * offsets or bits here): what a scan needs of a function's PASID and SR-IOV capabilities.
 */
import type { Space } from '../capability/capability.js'
import { fieldValue } from '../capability/field.js'
import { lookupCapability } from '../capability/registry.js'
import { readU8, readU16, readU32 } from '../config-space/config-space.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'

/**
 * The value of field `field` of the first capability in chain order whose registry key is
 * `capability`; null when the function has no such capability or it lacks the field.
 */
export const capabilityField = (p: PreparedFunction, space: Space, capability: string, field: string): number | null => {
  const cap = p.walk.capabilities.find((c) => c.space === space && lookupCapability(c.space, c.id)?.key === capability)
  if (cap === undefined) return null
  const x = p.semantic.fields.find((f) => f.capability?.offset === cap.offset && f.capability.space === space && f.spec.key === field)
  if (x === undefined) return null
  const w = x.spec.width
  return fieldValue(x.spec, w === 1 ? readU8(p.config, x.offset) : w === 2 ? readU16(p.config, x.offset) : readU32(p.config, x.offset))
}

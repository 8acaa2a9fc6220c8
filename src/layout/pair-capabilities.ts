/**
 * Which physical capability backs which virtual one: the same kind (space, ID and the registry's
 * identifying fields, a VSEC's ID), wherever each side has it. `realize` judges the pairs; the
 * report joins them on its map.
 */
import { type Capability } from '../capability/capability.js'
import { fieldValue } from '../capability/field.js'
import { inImage, readU8, readU16, readU32 } from '../config-space/config-space.js'
import { lookupCapability } from '../capability/registry.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'
import { fieldsOfCapability } from '../semantic/semantic-image.js'

/** A register of `f`; registers past the image read as 0xff bytes, as absent config space does. */
export const readRegister = (f: PreparedFunction, at: number, width: 1 | 2 | 4): number => {
  if (!inImage(f.config, at, width)) return width === 4 ? 0xffffffff : (1 << (8 * width)) - 1
  return width === 1 ? readU8(f.config, at) : width === 2 ? readU16(f.config, at) : readU32(f.config, at)
}

/** What makes two capabilities the same kind: space, ID, and the registry's identifying fields (a VSEC's ID). */
export const kindOf = (f: PreparedFunction, c: Capability): string => {
  let kind = `${c.space}:${c.id}`
  for (const key of lookupCapability(c.space, c.id)?.identifiedBy ?? []) {
    const field = fieldsOfCapability(f.semantic, c).find((x) => x.spec.key === key)
    kind += `/${field === undefined ? '-' : fieldValue(field.spec, readRegister(f, field.offset, field.spec.width))}`
  }
  return kind
}

/**
 * Pairs each virtual capability with a physical one of the same kind: first those at the same
 * offset, then the rest in chain order, so a capability missing on one side is reported where
 * it is and not as a shift of its siblings.
 */
export const pairCapabilities = (virtual: PreparedFunction, physical: PreparedFunction): Map<Capability, Capability> => {
  const pairs = new Map<Capability, Capability>()
  const used = new Set<Capability>()
  for (const v of virtual.walk.capabilities) {
    const p = physical.walk.capabilities.find((c) => c.space === v.space && c.offset === v.offset && kindOf(physical, c) === kindOf(virtual, v))
    if (p !== undefined) {
      pairs.set(v, p)
      used.add(p)
    }
  }
  for (const v of virtual.walk.capabilities) {
    if (pairs.has(v)) continue
    const p = physical.walk.capabilities.find((c) => !used.has(c) && c.space === v.space && kindOf(physical, c) === kindOf(virtual, v))
    if (p !== undefined) {
      pairs.set(v, p)
      used.add(p)
    }
  }
  return pairs
}


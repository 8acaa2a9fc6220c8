/**
 * What a function's semantic image depends on besides its byte values: the header layout, the
 * capability chain (space, ID, offset, version, length, next pointer) and the field table each
 * part gets. Functions with the same skeleton (the same device model) share their field
 * placement, write masks, owner table and obligation plan, so those are built once per
 * skeleton and kept in a bounded cache.
 */
import type { Capability } from '../capability/capability.js'
import type { FieldSpec } from '../capability/field.js'
import { type FieldContext, type FieldTable, fieldsFor } from '../capability/fields/field-context.js'
import { lengthContext } from '../capability/length-rule.js'
import { headerFields, lookupCapability } from '../capability/registry.js'
import type { Walk } from '../capability/walk.js'
import type { ConfigSpace } from '../config-space/config-space.js'
import { capabilityOwners, type Obligation, planObligations } from './obligation-plan.js'
import type { FieldInstance } from './semantic-image.js'

/** A byte holding optional writable bits (see `FieldSpec.optional`), and the field they belong to. */
export interface OptionalByte {
  readonly at: number
  readonly bits: number
  readonly field: FieldInstance
}

export interface LayoutSkeleton {
  readonly key: string
  readonly fields: readonly FieldInstance[]
  /** Bytes with optional writable bits, in offset order. */
  readonly optional: readonly OptionalByte[]
  /** The write mask then the write-1-to-clear mask, `size` bytes each. */
  readonly masks: Uint8Array
  readonly owner: Int16Array
  readonly obligations: readonly Obligation[]
  /** The masks as the digest encodes them: (offset low, offset high, wmask, w1cmask) per masked byte. */
  readonly maskEncoding: Uint8Array
}

/** Skeletons kept at most; a fleet has far fewer device models than this. */
const CACHE_LIMIT = 4096
const cache = new Map<string, LayoutSkeleton>()

const tableIds = new WeakMap<readonly FieldSpec[], number>()
let nextTableId = 1
/** A number naming a field table's contents (tables are shared and immutable). */
const tableId = (fields: readonly FieldSpec[]): number => {
  let id = tableIds.get(fields)
  if (id === undefined) {
    id = nextTableId++
    tableIds.set(fields, id)
  }
  return id
}

interface Part {
  readonly capability: Capability | null
  readonly base: number
  readonly fields: readonly FieldSpec[]
}

const tableFor = (table: FieldTable | undefined, config: ConfigSpace, walk: Walk, offset: number, version: number | null, length: number): readonly FieldSpec[] =>
  table === undefined
    ? []
    : typeof table === 'function'
      ? fieldsFor(table, { ...lengthContext(config, offset, version, walk.facts), length })
      : fieldsFor(table, { length } as FieldContext)

const parts = (config: ConfigSpace, walk: Walk): Part[] => {
  const list: Part[] = [
    { capability: null, base: 0, fields: tableFor(headerFields(walk.facts.headerLayout), config, walk, 0, null, Math.min(config.size, 0x40)) },
  ]
  for (const cap of walk.capabilities) {
    const table = lookupCapability(cap.space, cap.id)?.fields
    if (table !== undefined) list.push({ capability: cap, base: cap.offset, fields: tableFor(table, config, walk, cap.offset, cap.version, cap.length) })
  }
  return list
}

/** (offset low, offset high, write mask, write-1-to-clear mask) for each byte with a mask bit. */
const encodeMasks = (masks: Uint8Array, size: number): Uint8Array => {
  const out: number[] = []
  for (let i = 0; i < size; i++) {
    const w = masks[i]!
    const c = masks[size + i]!
    if (w | c) out.push(i & 0xff, i >>> 8, w, c)
  }
  return Uint8Array.from(out)
}

const build = (key: string, size: number, walk: Walk, list: readonly Part[]): LayoutSkeleton => {
  const fields: FieldInstance[] = []
  for (const p of list) for (const spec of p.fields) fields.push({ capability: p.capability, spec, offset: p.base + spec.at })
  const masks = new Uint8Array(2 * size)
  for (const f of fields) {
    if (f.spec.access !== 'RW' && f.spec.access !== 'RW1C') continue
    const plane = f.spec.access === 'RW' ? 0 : size
    const mask = f.spec.hi - f.spec.lo === 31 ? 0xffffffff : (((1 << (f.spec.hi - f.spec.lo + 1)) - 1) << f.spec.lo) >>> 0
    for (let k = 0; k < f.spec.width; k++) {
      const at = f.offset + k
      if (at < size) masks[plane + at]! |= (mask >>> (8 * k)) & 0xff
    }
  }
  const optional: OptionalByte[] = []
  for (const f of fields) {
    if (f.spec.optional === undefined || f.spec.access !== 'RW') continue
    for (let k = 0; k < f.spec.width; k++) {
      const bits = (f.spec.optional >>> (8 * k)) & 0xff
      if (bits !== 0 && f.offset + k < size) optional.push({ at: f.offset + k, bits, field: f })
    }
  }
  optional.sort((x, y) => x.at - y.at)
  const owner = capabilityOwners(walk, size)
  return { key, fields, masks, optional, owner, obligations: planObligations(walk, fields, owner), maskEncoding: encodeMasks(masks, size) }
}

/** The skeleton of `config` given its walk, from the cache when the model was seen before. */
export const layoutSkeleton = (config: ConfigSpace, walk: Walk): LayoutSkeleton => {
  const list = parts(config, walk)
  let key = `${config.size}/${walk.facts.headerLayout}/${tableId(list[0]!.fields)}`
  for (const c of walk.capabilities) key += `|${c.space === 'standard' ? 's' : 'e'}${c.offset}:${c.id}:${c.version}:${c.length}:${c.next}`
  for (let i = 1; i < list.length; i++) key += `|${list[i]!.base}#${tableId(list[i]!.fields)}`
  const hit = cache.get(key)
  if (hit !== undefined) return hit
  const skeleton = build(key, config.size, walk, list)
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!)
  cache.set(key, skeleton)
  return skeleton
}

/** Empties the skeleton cache (for measuring cold preparation). */
export const clearSkeletonCache = (): void => cache.clear()

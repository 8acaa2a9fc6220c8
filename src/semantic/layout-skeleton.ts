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
  /** Per dword of the image, the bits neither mask covers (the read-only value is config AND this). */
  readonly readOnly: Uint32Array
  /** What the key says, as numbers (`signature`): compared to find the skeleton without building the key. */
  readonly signature: Int32Array
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

/** The table of a part no registry entry describes (a header layout other than 0 and 1): one array, so its skeleton is found again. */
const NO_FIELDS: readonly FieldSpec[] = Object.freeze([])

const tableFor = (table: FieldTable | undefined, config: ConfigSpace, walk: Walk, offset: number, version: number | null, length: number): readonly FieldSpec[] =>
  table === undefined
    ? NO_FIELDS
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

const build = (key: string, size: number, walk: Walk, list: readonly Part[], signature: Int32Array): LayoutSkeleton => {
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
  const words = new Uint32Array(masks.buffer, masks.byteOffset, (2 * size) >>> 2)
  const readOnly = new Uint32Array(size >>> 2)
  for (let i = 0; i < readOnly.length; i++) readOnly[i] = ~(words[i]! | words[readOnly.length + i]!)
  return { key, fields, masks, optional, owner, obligations: planObligations(walk, fields, owner), maskEncoding: encodeMasks(masks, size), readOnly, signature }
}

/**
 * The key's facts as numbers, into `out` (grown as needed): size, header layout, and per
 * capability its space, offset, ID, version, length and next pointer, then per part its base and
 * field table. Equal signatures, equal keys.
 */
const signatureOf = (size: number, walk: Walk, list: readonly Part[], out: Int32Array): Int32Array => {
  const n = 3 + 6 * walk.capabilities.length + 2 * (list.length - 1)
  const sig = out.length >= n + 1 ? out : new Int32Array(2 * (n + 1))
  let at = 0
  sig[at++] = n
  sig[at++] = size
  sig[at++] = walk.facts.headerLayout
  sig[at++] = tableId(list[0]!.fields)
  for (const c of walk.capabilities) {
    sig[at++] = c.space === 'standard' ? 0 : 1
    sig[at++] = c.offset
    sig[at++] = c.id
    sig[at++] = c.version ?? -1
    sig[at++] = c.length
    sig[at++] = c.next
  }
  for (let i = 1; i < list.length; i++) {
    sig[at++] = list[i]!.base
    sig[at++] = tableId(list[i]!.fields)
  }
  return sig
}

/** A hash of a signature (its first `sig[0] + 1` numbers). */
const hashOf = (sig: Int32Array): number => {
  let h = 0x811c9dc5
  for (let i = 0; i <= sig[0]!; i++) h = Math.imul(h ^ sig[i]!, 0x01000193)
  return h >>> 0
}

const sameSignature = (a: Int32Array, b: Int32Array): boolean => {
  if (a[0] !== b[0]) return false
  for (let i = 1; i <= a[0]!; i++) if (a[i] !== b[i]) return false
  return true
}

/** Skeletons by the hash of their signature (a few share a hash at most). */
const bySignature = new Map<number, LayoutSkeleton[]>()
let scratch: Int32Array = new Int32Array(64)

/**
 * The skeleton of `config` given its walk, from the cache when the model was seen before. Found
 * by its signature's numbers (a function of a known model builds no key text); the key is made
 * only for a skeleton built anew.
 */
export const layoutSkeleton = (config: ConfigSpace, walk: Walk): LayoutSkeleton => {
  const list = parts(config, walk)
  const sig = (scratch = signatureOf(config.size, walk, list, scratch))
  const hash = hashOf(sig)
  const candidates = bySignature.get(hash)
  if (candidates !== undefined) for (const c of candidates) if (sameSignature(c.signature, sig)) return c
  let key = `${config.size}/${walk.facts.headerLayout}/${tableId(list[0]!.fields)}`
  for (const c of walk.capabilities) key += `|${c.space === 'standard' ? 's' : 'e'}${c.offset}:${c.id}:${c.version}:${c.length}:${c.next}`
  for (let i = 1; i < list.length; i++) key += `|${list[i]!.base}#${tableId(list[i]!.fields)}`
  const skeleton = cache.get(key) ?? build(key, config.size, walk, list, sig.slice(0, sig[0]! + 1))
  if (!cache.has(key)) {
    if (cache.size >= CACHE_LIMIT) forget(cache.values().next().value!)
    cache.set(key, skeleton)
    const list2 = bySignature.get(hash)
    if (list2 === undefined) bySignature.set(hash, [skeleton])
    else list2.push(skeleton)
  }
  return skeleton
}

/** Drops a skeleton from both indexes (the oldest, when the cache is full). */
const forget = (skeleton: LayoutSkeleton): void => {
  cache.delete(skeleton.key)
  const hash = hashOf(skeleton.signature)
  const rest = (bySignature.get(hash) ?? []).filter((c) => c !== skeleton)
  if (rest.length === 0) bySignature.delete(hash)
  else bySignature.set(hash, rest)
}

/** Empties the skeleton cache (for measuring cold preparation). */
export const clearSkeletonCache = (): void => {
  cache.clear()
  bySignature.clear()
}

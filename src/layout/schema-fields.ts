/**
 * What the layout JSON Schema knows of the registry's field tables: every key an instance of a
 * table can have, the largest value each can hold, and the bytes where raw runs may go (those a
 * field leaves bits of free). Tables that depend on the instance (MSI's flags, BAR types, a
 * length) are probed with register patterns and the longest length their space allows, and
 * their answers joined, so the schema refuses only what no instance accepts; what depends on a
 * particular instance stays the decoder's to check. Keys numbered by a length (ST table
 * entries, egress vectors) become one pattern per family.
 */
import { type FieldSpec, fieldMask } from '../capability/field.js'
import { type FieldContext, type FieldTable, fieldsFor } from '../capability/fields/field-context.js'

export interface TableKeys {
  /** Field key (a regex source matching exactly the keys it stands for) → largest value. */
  readonly keys: ReadonlyArray<readonly [pattern: string, max: number]>
  /** Ranges [first, last] of offsets (relative to the table's base) where some bit is free for raw bytes, within [from, to). */
  readonly free: ReadonlyArray<readonly [number, number]>
}

/** Register contents the probes fill an instance with: flag combinations of MSI, BAR types (I/O, 32-, 64-bit). */
const PATTERNS = [0x00, 0xff, 0x55, 0xaa, 0x04, 0x0c, 0x01, 0x80]

const probe = (fill: number, length: number): FieldContext => ({
  offset: 0,
  version: 1,
  facts: { headerLayout: 0, express: { offset: 0x40, version: 2, portType: 0, maxLinkWidth: 32 } },
  u8: () => fill,
  u16: () => fill | (fill << 8),
  u32: () => (fill * 0x01010101) >>> 0,
  length,
})

/** Every instance the probes find of `table` within `length` bytes. */
export const instancesOf = (table: FieldTable, length: number): ReadonlyArray<readonly FieldSpec[]> =>
  // Tables that depend on the instance only through its length give the same array for every pattern.
  typeof table === 'function' ? [...new Set(PATTERNS.map((p) => fieldsFor(table, probe(p, length))))] : [fieldsFor(table, probe(0, length))]

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** A regex source matching the decimal numbers 0..n exactly (no leading zeros). */
export const upTo = (n: number): string => {
  const digits = String(n)
  const parts: string[] = []
  for (let len = 1; len < digits.length; len++) parts.push(len === 1 ? '[0-9]' : `[1-9][0-9]{${len - 1}}`)
  // Numbers of n's length: a smaller digit at some place after n's prefix, then anything.
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[i])
    const low = i === 0 && digits.length > 1 ? 1 : 0
    if (d > low) parts.push(`${digits.slice(0, i)}[${low}-${d - 1}]${digits.length - i - 1 > 0 ? `[0-9]{${digits.length - i - 1}}` : ''}`)
  }
  parts.push(digits)
  return `(?:${parts.join('|')})`
}

/** Families of at least this many numbered keys become one pattern. */
const FAMILY = 16

/** The keys of `instances` with their largest values, numbered families folded into patterns. */
const keysOf = (instances: ReadonlyArray<readonly FieldSpec[]>): Array<readonly [string, number]> => {
  const max = new Map<string, number>()
  for (const fields of instances) for (const f of fields) max.set(f.key, Math.max(max.get(f.key) ?? 0, f.hi - f.lo === 31 ? 0xffffffff : 2 ** (f.hi - f.lo + 1) - 1))
  const families = new Map<string, number[]>()
  for (const key of max.keys()) {
    const m = /^([A-Za-z]*?)(0|[1-9][0-9]*)$/.exec(key)
    if (m !== null) families.set(m[1]!, [...(families.get(m[1]!) ?? []), Number(m[2])])
  }
  const out: Array<readonly [string, number]> = []
  const folded = new Set<string>()
  for (const [prefix, numbers] of families) {
    const n = numbers.length - 1
    if (numbers.length < FAMILY || !numbers.every((k) => k <= n)) continue
    const keys = numbers.map((k) => `${prefix}${k}`)
    keys.forEach((k) => folded.add(k))
    out.push([`${escape(prefix)}${upTo(n)}`, Math.max(...keys.map((k) => max.get(k)!))])
  }
  for (const [key, m] of max) if (!folded.has(key)) out.push([escape(key), m])
  return out
}

/** Ranges of relative offsets in [from, to) where some instance leaves a bit free of fields. */
const freeOf = (instances: ReadonlyArray<readonly FieldSpec[]>, from: number, to: number): Array<readonly [number, number]> => {
  const free = new Uint8Array(Math.max(0, to))
  for (const fields of instances) {
    const owned = new Uint8Array(Math.max(0, to))
    for (const f of fields) for (let k = 0; k < f.width; k++) if (f.at + k < to) owned[f.at + k]! |= (fieldMask(f) >>> (8 * k)) & 0xff
    for (let at = from; at < to; at++) if (owned[at] !== 0xff) free[at] = 1
  }
  const ranges: Array<[number, number]> = []
  for (let at = from; at < to; at++) {
    if (!free[at]) continue
    const last = ranges[ranges.length - 1]
    if (last !== undefined && last[1] === at - 1) last[1] = at
    else ranges.push([at, at])
  }
  return ranges
}

/** What the schema states of `table` for instances of `length` bytes whose raw bytes may lie in [from, to). */
export const tableKeys = (table: FieldTable | undefined, length: number, from: number, to: number): TableKeys => {
  const instances = table === undefined ? [] : instancesOf(table, length)
  return { keys: keysOf(instances), free: table === undefined ? (to > from ? [[from, to - 1]] : []) : freeOf(instances, from, to) }
}

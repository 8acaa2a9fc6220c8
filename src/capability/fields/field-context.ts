/**
 * Field tables that depend on the instance (MSI's 64-bit flag, BAR types, the number of
 * Resizable BARs) are functions of this context; fixed tables are plain arrays.
 */
import type { FieldSpec } from '../field.js'
import type { LengthContext } from '../length-rule.js'

export interface FieldContext extends LengthContext {
  /** The capability's length as the walker measured it. */
  readonly length: number
}

export type FieldTable = readonly FieldSpec[] | ((ctx: FieldContext) => readonly FieldSpec[])

const trimmed = new WeakMap<readonly FieldSpec[], Map<number, readonly FieldSpec[]>>()
const extents = new WeakMap<readonly FieldSpec[], number>()

/** The first byte past the table's last register. */
const extent = (fields: readonly FieldSpec[]): number => {
  let end = extents.get(fields)
  if (end === undefined) {
    end = fields.reduce((e, f) => Math.max(e, f.at + f.width), 0)
    extents.set(fields, end)
  }
  return end
}

/** `fields` without those reaching past `length`; the same array for the same inputs. */
const within = (fields: readonly FieldSpec[], length: number): readonly FieldSpec[] => {
  if (extent(fields) <= length) return fields
  let byLength = trimmed.get(fields)
  if (byLength === undefined) {
    byLength = new Map()
    trimmed.set(fields, byLength)
  }
  let kept = byLength.get(length)
  if (kept === undefined) {
    kept = fields.filter((f) => f.at + f.width <= length)
    byLength.set(length, kept)
  }
  return kept
}

/**
 * The fields of a table for one instance, keeping only those that lie inside its length. Equal
 * inputs give the identical array, so callers may key caches on it.
 */
export const fieldsFor = (table: FieldTable | undefined, ctx: FieldContext): readonly FieldSpec[] =>
  table === undefined ? [] : within(typeof table === 'function' ? table(ctx) : table, ctx.length)

/**
 * A field table that depends on the instance only through `keyOf` (a few bits, a count, a
 * length), built once per key. Field specs are immutable, so sharing them is safe.
 */
export const memoTable = (keyOf: (ctx: FieldContext) => number, build: (ctx: FieldContext) => readonly FieldSpec[]): FieldTable => {
  const cache = new Map<number, readonly FieldSpec[]>()
  return (ctx) => {
    const key = keyOf(ctx)
    let fields = cache.get(key)
    if (fields === undefined) {
      fields = build(ctx)
      cache.set(key, fields)
    }
    return fields
  }
}

/** The low three bits (I/O flag, memory type) of `count` consecutive BARs from `at`: all a BAR field table depends on. */
export const barTypeKey = (ctx: LengthContext, at: number, count: number): number => {
  let key = 0
  for (let i = 0; i < count; i++) key = key * 8 + (ctx.u32(at + 4 * i) & 0x7)
  return key
}

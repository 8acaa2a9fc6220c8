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

/** The fields of a table for one instance, keeping only those that lie inside its length. */
export const fieldsFor = (table: FieldTable | undefined, ctx: FieldContext): readonly FieldSpec[] => {
  if (table === undefined) return []
  const fields = typeof table === 'function' ? table(ctx) : table
  return fields.every((f) => f.at + f.width <= ctx.length) ? fields : fields.filter((f) => f.at + f.width <= ctx.length)
}

/**
 * Sets of related functions, as a fleet has: one generated device model and variants of it, each
 * with a few of the changes hardware revisions and firmware make — a capability gone, a
 * capacity lower, feature bits cleared — built from the model's layout so each is a function the
 * library reads like any other. Shrinks toward fewer variants and fewer changes.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { functionLayout } from '../../src/arbitraries/index.js'
import { build } from '../../src/layout/build.js'
import type { FunctionLayout } from '../../src/layout/function-layout.js'
import { type PreparedFunction, prepareFunction } from '../../src/semantic/prepared-function.js'

type Change = { readonly kind: 'drop' | 'lower' | 'clear'; readonly pick: number; readonly value: number }

const change: fc.Arbitrary<Change> = fc.record({ kind: fc.constantFrom('drop', 'lower', 'clear'), pick: fc.nat(), value: fc.nat() })

/** Read-only capacity and features fields of `layout`'s capabilities, with their values. */
const tunable = (layout: FunctionLayout, rule: 'capacity' | 'features'): Array<{ offset: number; key: string; value: number }> => {
  const built = build(layout)
  if (E.isLeft(built)) return []
  return prepareFunction(built.right)
    .semantic.fields.filter((f) => f.capability !== null && f.spec.rule === rule && f.spec.access !== 'RW' && f.spec.access !== 'RW1C')
    .flatMap((f) => {
      const c = layout.capabilities.find((x) => x.offset === f.capability!.offset)
      const value = c?.fields[f.spec.key] ?? 0
      return c === undefined || value === 0 ? [] : [{ offset: c.offset, key: f.spec.key, value }]
    })
}

/** `layout` with one change made, or unchanged where the change would leave no valid layout. */
const apply = (layout: FunctionLayout, ch: Change): FunctionLayout => {
  let next = layout
  if (ch.kind === 'drop' && layout.capabilities.length > 0) {
    const k = ch.pick % layout.capabilities.length
    next = { ...layout, capabilities: layout.capabilities.filter((_, i) => i !== k) }
  } else if (ch.kind !== 'drop') {
    const fields = tunable(layout, ch.kind === 'lower' ? 'capacity' : 'features')
    if (fields.length === 0) return layout
    const f = fields[ch.pick % fields.length]!
    const value = ch.kind === 'lower' ? ch.value % f.value : (f.value & ch.value) >>> 0
    next = { ...layout, capabilities: layout.capabilities.map((c) => (c.offset === f.offset ? { ...c, fields: { ...c.fields, [f.key]: value } } : c)) }
  }
  return E.isRight(build(next)) ? next : layout
}

/** A related function's layout, built and prepared under `name`. */
export const prepared = (layout: FunctionLayout, name: string): PreparedFunction => {
  const built = build(layout)
  if (E.isLeft(built)) throw new Error(`a related function did not build: ${built.left[0]!.message}`)
  return { ...prepareFunction(built.right), name }
}

/** The layouts of a model and 1–3 variants of it (2–4 functions); `prepared` makes them functions. */
export const relatedLayouts = (): fc.Arbitrary<FunctionLayout[]> =>
  fc
    .record({ model: functionLayout({ size: 4096 }), variants: fc.array(fc.array(change, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }) })
    .map(({ model, variants }) => [model, ...variants.map((changes) => changes.reduce(apply, model))])

/** A model and its variants as functions, named `model` and `variant N`. */
export const relatedFunctions = (layouts: readonly FunctionLayout[]): PreparedFunction[] => layouts.map((l, k) => prepared(l, k === 0 ? 'model' : `variant ${k}`))

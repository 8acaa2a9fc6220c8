/**
 * An io-ts codec for an object with a fixed set of keys that refuses any other key, naming it
 * and the keys expected. io-ts's own `t.strict`/`t.exact` strip unknown keys silently, so a
 * typo (`fre: false` for `free: false`) would vanish and the default apply: operator files are
 * read with this instead, at every level.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'

/** The message of an unknown-key error (`error.message` of the io-ts error). */
export const unknownKeyMessage = (key: string, expected: readonly string[]): string => `unknown key "${key}"; expected one of: ${expected.join(', ')}`

/** Stands in the error context for the unknown key (its name is what `expectedName` reports). */
const NoSuchKey = new t.Type<never, never, unknown>('no such key', (_): _ is never => false, (u, c) => t.failure(u, c), (x) => x)

/** True for the error `closedStruct` gives for an unknown key (decoders with their own unknown-key report skip it). */
export const isUnknownKeyError = (e: t.ValidationError): boolean => e.context[e.context.length - 1]?.type === NoSuchKey

/**
 * `required` keys must be present, `optional` keys may be; any other key is an error at its own
 * path (`functions[0].fre`). Valid values decode to the same object as `t.type`/`t.partial` would.
 */
export const closedStruct = <P extends t.Props, O extends t.Props = Record<never, never>>(required: P, optional?: O, name?: string) => {
  const inner = optional === undefined ? t.type(required) : t.intersection([t.type(required), t.partial(optional)])
  const expected = [...Object.keys(required), ...Object.keys(optional ?? {})]
  const allowed = new Set(expected)
  type A = t.TypeOf<t.TypeC<P>> & Partial<t.TypeOf<t.PartialC<O>>>
  return new t.Type<A, unknown, unknown>(
    name ?? inner.name,
    (u): u is A => inner.is(u) && Object.keys(u as object).every((k) => allowed.has(k)),
    (u, c) => {
      if (u === null || typeof u !== 'object' || Array.isArray(u)) return t.failure(u, c)
      const last = c[c.length - 1]
      // The inner codec reports as this codec's place, so its error paths are the same as ours.
      const own: t.Context = last === undefined ? c : [...c.slice(0, -1), { ...last, type: inner }]
      const shape = inner.validate(u, own)
      const unknown: t.ValidationError[] = []
      for (const k of Object.keys(u)) {
        if (allowed.has(k)) continue
        const value = (u as Record<string, unknown>)[k]
        unknown.push({ value, context: [...c, { key: k, type: NoSuchKey, actual: value }], message: unknownKeyMessage(k, expected) })
      }
      if (unknown.length === 0) return shape as t.Validation<A>
      return t.failures([...(E.isLeft(shape) ? shape.left : []), ...unknown])
    },
    (a) => a,
  )
}

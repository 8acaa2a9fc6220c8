/**
 * Where in a file an io-ts validation error points: the path of object keys and array indices,
 * without the numbered members intersections and unions add to io-ts's context.
 */
import type * as t from 'io-ts'

export const errorPath = (e: t.ValidationError): Array<string | number> => {
  const path: Array<string | number> = []
  e.context.forEach((c, i) => {
    const parent = (e.context[i - 1]?.type as { _tag?: string } | undefined)?._tag
    if (i === 0 || parent === 'IntersectionType' || parent === 'UnionType') return
    path.push(parent === 'ArrayType' || parent === 'TupleType' ? Number(c.key) : c.key)
  })
  return path
}

/** The name of the type the error expected at its path. */
export const expectedName = (e: t.ValidationError): string => e.context[e.context.length - 1]?.type.name ?? 'a value'

/** One error per path, in order: unions and intersections report a failure once per member. */
export const firstPerPath = (errors: t.Errors): Array<{ readonly path: Array<string | number>; readonly error: t.ValidationError }> => {
  const seen = new Set<string>()
  const out: Array<{ path: Array<string | number>; error: t.ValidationError }> = []
  for (const error of errors) {
    const path = errorPath(error)
    const key = JSON.stringify(path)
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ path, error })
  }
  return out
}

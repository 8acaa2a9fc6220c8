/**
 * How many reasons (or errors) a report shows: the first `limit` of a list and a count of the
 * rest. One function, so the CLI and every other adapter cut the same way and say how much
 * they left out; a report of 10^7 reasons is then as cheap to render as one of 100.
 */

/** Reasons shown per list unless the caller asks for all of them. */
export const REASON_LIMIT = 100

export interface Limited<T> {
  /** The first `limit` items, in order. */
  readonly shown: readonly T[]
  /** How many more the list holds. */
  readonly omitted: number
}

/** The first `limit` items of `items` and how many were left out; `limit` null keeps all. */
export const limitReasons = <T>(items: readonly T[], limit: number | null = REASON_LIMIT): Limited<T> =>
  limit === null || items.length <= limit ? { shown: items, omitted: 0 } : { shown: items.slice(0, limit), omitted: items.length - limit }

/** `… and 99,900 more reasons` for a count line, or null when nothing was left out. */
export const omittedLine = (omitted: number, what: string): string | null =>
  omitted === 0 ? null : `… and ${omitted} more ${what}${omitted === 1 ? '' : /(s|sh|ch|x)$/.test(what) ? 'es' : 's'}`

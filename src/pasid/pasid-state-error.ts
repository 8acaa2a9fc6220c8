/**
 * What makes a PASID state (or a host's PASID pools) malformed, with the path of the entry.
 * Decoders report at most `MAX_PASID_ERRORS` of them and then one `MORE_ERRORS` entry counting
 * the rest: a state of 10^7 bad bindings costs one counter, not 10^7 error objects.
 */

export type PasidStateErrorCode =
  | 'DUPLICATE_LOCAL'
  | 'LOCAL_OUT_OF_RANGE'
  | 'PASID_BEYOND_WIDTH'
  | 'PASID_ZERO'
  | 'UNKNOWN_FUNCTION'
  | 'DUPLICATE_BINDING'
  /** A function id given twice (in a state's functions, or in a host's PASID functions). */
  | 'DUPLICATE_FUNCTION'
  /** A local listing the same function twice. */
  | 'DUPLICATE_ATTACHMENT'
  | 'ENQCMD_LOCAL'
  | 'RANGES_OVERLAP'
  | 'WRONG_TYPE'
  /** Not an error of its own: how many more were found and not listed. */
  | 'MORE_ERRORS'

export interface PasidStateError {
  readonly code: PasidStateErrorCode
  readonly path: ReadonlyArray<string | number>
  readonly message: string
  /** `MORE_ERRORS` only: how many errors it stands for. */
  readonly omitted?: number
}

/** How many errors a decoder or validator lists before it only counts. */
export const MAX_PASID_ERRORS = 100

/** The entry that stands for `count` errors found and not listed. */
export const moreErrors = (count: number): PasidStateError => ({
  code: 'MORE_ERRORS',
  path: [],
  message: `and ${count} more error${count === 1 ? '' : 's'} not listed`,
  omitted: count,
})

/** An error list that keeps the first `MAX_PASID_ERRORS` (each made only when kept) and counts the rest. */
export interface ErrorList {
  readonly add: (make: () => PasidStateError) => void
  readonly size: () => number
  /** The kept errors, then a `MORE_ERRORS` entry when any were only counted. */
  readonly done: () => PasidStateError[]
}

export const errorList = (): ErrorList => {
  const kept: PasidStateError[] = []
  let dropped = 0
  return {
    add: (make) => {
      if (kept.length < MAX_PASID_ERRORS) kept.push(make())
      else dropped++
    },
    size: () => kept.length + dropped,
    done: () => (dropped === 0 ? kept : [...kept, moreErrors(dropped)]),
  }
}

/** `errors` capped as an `ErrorList` would keep them (for lists already made and bounded by input size). */
export const capErrors = (errors: readonly PasidStateError[]): PasidStateError[] => {
  const listed = errors.filter((e) => e.code !== 'MORE_ERRORS')
  const counted = errors.reduce((n, e) => n + (e.omitted ?? 0), 0)
  const dropped = Math.max(0, listed.length - MAX_PASID_ERRORS) + counted
  return dropped === 0 ? listed : [...listed.slice(0, MAX_PASID_ERRORS), moreErrors(dropped)]
}

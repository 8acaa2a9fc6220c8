/**
 * Orderings of PASID-sized keys in linear time. PASIDs, bounds and function ranks are integers
 * below 2^21, so a least-significant-digit radix sort (10 bits a pass, at most three passes)
 * orders a million of them in time proportional to their number: a comparison sort would make
 * remapping 10^6 bindings cost n log n, and each PASID path promises bindings + pool size.
 */

/** One pass's digit width: 1,024 buckets. */
const DIGIT = 10
const BUCKETS = 1 << DIGIT
/** Up to this many keys, insertion sort (at most SMALL^2 steps, a constant). */
const SMALL = 32

/**
 * The indices of `keys` (or of `within`, a previous order) ordered by key, stably: equal keys keep
 * the order they had in `within` (default: index order). Keys must be integers in [0, 2^30);
 * anything else is a broken invariant of the caller. `countSteps` is told the work done.
 */
export const stableOrder = (keys: ArrayLike<number>, within?: ArrayLike<number>, countSteps?: (steps: number) => void): Int32Array => {
  const n = within === undefined ? keys.length : within.length
  let src = new Int32Array(n)
  if (within === undefined) for (let i = 0; i < n; i++) src[i] = i
  else src.set(within)
  let max = 0
  let sorted = true
  for (let i = 0; i < n; i++) {
    const k = keys[src[i]!]!
    if (!(Number.isInteger(k) && k >= 0 && k < 2 ** 30)) throw new Error(`stableOrder: key ${k} is not an integer in [0, 2^30)`)
    if (k < max) sorted = false
    else max = k
  }
  // Already in order (locals as a guest allocates them, one bound for all): nothing to move.
  if (sorted) {
    countSteps?.(n)
    return src
  }
  if (n <= SMALL) {
    // Insertion sort: stable, and cheaper than the buckets for a handful of keys.
    for (let i = 1; i < n; i++) {
      const x = src[i]!
      let j = i
      for (; j > 0 && keys[src[j - 1]!]! > keys[x]!; j--) src[j] = src[j - 1]!
      src[j] = x
    }
    countSteps?.(n * n)
    return src
  }
  let dst = new Int32Array(n)
  const start = new Int32Array(BUCKETS + 1)
  let passes = 0
  for (let shift = 0; shift === 0 || max >>> shift > 0; shift += DIGIT) {
    passes++
    start.fill(0)
    for (let i = 0; i < n; i++) start[((keys[src[i]!]! >>> shift) & (BUCKETS - 1)) + 1]!++
    for (let b = 0; b < BUCKETS; b++) start[b + 1]! += start[b]!
    for (let i = 0; i < n; i++) {
      const x = src[i]!
      dst[start[(keys[x]! >>> shift) & (BUCKETS - 1)]!++] = x
    }
    const t = src
    src = dst
    dst = t
  }
  countSteps?.(n + passes * (2 * n + BUCKETS))
  return src
}

/** `values` sorted ascending (integers in [0, 2^30)), in linear time. */
export const sortedValues = (values: readonly number[], countSteps?: (steps: number) => void): number[] => {
  if (values.length < 2) return [...values]
  const order = stableOrder(values, undefined, countSteps)
  const out: number[] = new Array(values.length)
  for (let i = 0; i < order.length; i++) out[i] = values[order[i]!]!
  return out
}

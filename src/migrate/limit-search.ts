/**
 * Which PASID limits the VM's functions should get, when fresh global PASIDs are at stake and a
 * function's free candidates differ in limit. A guest PASID needing a global is bounded by the
 * smallest limit of its functions, so which VM function takes a low-limit host function
 * matters; choosing them so the PASIDs touched fit is a minimum-k-union problem (NP-hard), so
 * no polynomial algorithm is known. What makes it small in practice:
 *
 * - the decision depends on limits only, and a larger limit never hurts (monotone). With every
 *   function at its best candidate limit and the PASIDs still short, no assignment fits: refused
 *   with that shortfall. When every function's candidates share one limit, that is the decision;
 * - capacity: with only c free functions above limit b, all but c of the functions whose best
 *   is above b get at most b, and the guest PASIDs they touch need globals below b: at least
 *   the smallest equal shares of them (a group shared by s functions charges each 1/s of its
 *   PASIDs). Short even so: refused at the root with that proof, or the branch dropped. When
 *   each function's PASIDs are its own and all compete for the same candidates, the root check
 *   refuses exactly the hosts no assignment fits;
 * - otherwise each function with a choice is given a threshold (it may take only candidates at
 *   or above it), tried from its best limit down, depth first. A threshold under which the
 *   PASIDs are short even with the undecided functions at their best ends the tries of that
 *   function (lower ones are shorter still); one under which no perfect matching remains is
 *   skipped (one augmenting path from the matching of the level above decides it, O(n·m));
 *   a node whose matching's own limits fit is the answer;
 * - functions with the same candidates whose exchange maps the PASID groups onto themselves are
 *   interchangeable: their thresholds are tried in non-increasing order only, so k such
 *   functions over L limits cost C(k + L − 1, L − 1) nodes rather than L^k.
 *
 * The search stops after `budget` steps (edges examined, matchings copied entry by entry, and
 * per shortfall check its groups): a stated bound proportional to the time spent, and the
 * caller refuses as unproved when it is hit (never accepts).
 */
import type { GlobalShortfall } from '../pasid/pasid-limits.js'
import type { EdgeTest, Matching } from './bipartite-matching.js'

export interface LimitProblem {
  readonly n: number
  readonly m: number
  /** Holds a perfect matching under `edge`; left holding the answer when one is found. */
  readonly matching: Matching
  readonly edge: EdgeTest
  /** The PASID limit of free host function k. */
  readonly hostLimit: (k: number) => number
  /** The VM functions whose limit bounds some fresh global. */
  readonly bounded: readonly number[]
  /** The shortfall with each VM function at the given limit (only `bounded` ones are read), or null when the PASIDs fit. */
  readonly shortfall: (limits: Float64Array) => GlobalShortfall | null
  /** Whether two VM functions play the same part in the PASID groups. */
  readonly interchangeable: (i: number, i2: number) => boolean
  /** What one `shortfall` costs, in steps (the groups it sorts and counts). */
  readonly shortfallCost: number
  /**
   * The guest PASIDs needing fresh globals, grouped as the VM's functions see them: the VM
   * functions a group's PASIDs serve, how many PASIDs, and the smallest limit of the group's
   * functions the VM does not assign (the host function of their own id; 2^20 when none).
   */
  readonly groups: ReadonlyArray<{ readonly vms: readonly number[]; readonly count: number; readonly fixedBound: number }>
  /** The free globals a fresh one may take below `bound` (from `from` up). */
  readonly freeBelow: (bound: number) => number
  readonly from: number
  readonly budget: number
}

/** Too few free functions above `bound`: `forced` functions get at most it, and their own PASIDs do not fit below it. */
export interface CapacityShortfall extends GlobalShortfall {
  readonly forced: number
  readonly above: number
}

export type LimitOutcome =
  | { readonly kind: 'found'; readonly steps: number }
  /** Short with every function at its best limit, or short of functions with limits high enough. */
  | { readonly kind: 'short'; readonly shortfall: GlobalShortfall | CapacityShortfall; readonly steps: number }
  /** Every choice of thresholds tried; none fits. */
  | { readonly kind: 'none'; readonly choices: number; readonly steps: number }
  | { readonly kind: 'bound'; readonly choices: number; readonly steps: number }

export const searchLimits = (p: LimitProblem): LimitOutcome => {
  const { n, m, matching: mt, edge, bounded } = p
  const base = mt.steps
  let own = 0
  const steps = (): number => own + mt.steps - base
  // Each bounded function's candidate limits, best first.
  const values: number[][] = bounded.map((i) => {
    const set = new Set<number>()
    for (let k = 0; k < m; k++) if ((own++, edge(i, k))) set.add(p.hostLimit(k))
    return [...set].sort((a, b) => b - a)
  })
  const t = new Float64Array(n)
  bounded.forEach((i, x) => (t[i] = values[x]![0]!))
  const best = p.shortfall(t)
  own += p.shortfallCost
  if (best !== null) return { kind: 'short', shortfall: best, steps: steps() }

  // Capacity: every free function's limit, which bounded functions are undecided, and each
  // VM function's groups.
  const hostLimits = Float64Array.from({ length: m }, (_, k) => p.hostLimit(k)).sort()
  const levels = [...new Set(values.flat())].sort((a, b) => a - b)
  const undecided = new Uint8Array(n)
  bounded.forEach((i, x) => (undecided[i] = values[x]!.length > 1 ? 1 : 0))
  const groupsOf: number[][] = Array.from({ length: n }, () => [])
  p.groups.forEach((g, x) => g.vms.forEach((i) => groupsOf[i]!.push(x)))
  const counted = new Uint8Array(p.groups.length)
  const shares: number[] = []
  /**
   * The first level b at which the functions forced to a limit of at most b (too few free
   * functions above it) touch more guest PASIDs than there are free globals below b. Groups
   * already bounded by b are counted whole; the rest are charged to the functions they touch
   * in equal shares (a set of functions touching a group pays at most its count), and the
   * forced functions pay the smallest shares there are.
   */
  const capacityShort = (): CapacityShortfall | null => {
    for (const b of levels) {
      own += n + p.groups.length
      let above = 0
      for (let k = hostLimits.length - 1; k >= 0 && hostLimits[k]! > b; k--) above++
      let needed = 0
      p.groups.forEach((g, x) => {
        let bound = g.fixedBound
        for (const i of g.vms) bound = Math.min(bound, t[i]!)
        counted[x] = bound <= b ? 1 : 0
        if (bound <= b) needed += g.count
      })
      shares.length = 0
      for (const i of bounded) {
        if (t[i]! <= b) continue
        if (undecided[i] === 0) {
          above--
          continue
        }
        let share = 0
        for (const x of groupsOf[i]!) if (counted[x] === 0) share += p.groups[x]!.count / p.groups[x]!.vms.length
        shares.push(share)
      }
      const forced = shares.length - Math.max(0, above)
      if (forced <= 0) continue
      shares.sort((a, b) => a - b)
      for (let x = 0; x < forced; x++) needed += shares[x]!
      needed = Math.ceil(needed - 1e-9)
      const available = p.freeBelow(b)
      if (needed > available) return { needed, bound: b, available, from: p.from, forced, above: Math.max(0, above) }
    }
    return null
  }
  const root = capacityShort()
  if (root !== null) return { kind: 'short', shortfall: root, steps: steps() }

  // The functions with a choice, interchangeable ones next to each other.
  const sameRow = (i: number, i2: number): boolean => {
    for (let k = 0; k < m; k++) if ((own++, edge(i, k) !== edge(i2, k))) return false
    return true
  }
  const classes: number[][] = []
  for (let x = 0; x < bounded.length; x++) {
    const i = bounded[x]!
    if (values[x]!.length < 2) continue
    if (steps() >= p.budget) return { kind: 'bound', choices: 0, steps: steps() }
    const c = classes.find((c) => (own++, p.interchangeable(bounded[c[0]!]!, i)) && sameRow(bounded[c[0]!]!, i))
    if (c === undefined) classes.push([x])
    else c.push(x)
  }
  const order = classes.flat()
  const twinOfPrevious = classes.flatMap((c) => c.map((_, y) => y > 0))
  const depth = order.length

  const threshold = new Float64Array(n)
  const restricted: EdgeTest = (i, k) => edge(i, k) && p.hostLimit(k) >= threshold[i]!
  const actual = new Float64Array(n)
  const matchingFits = (): boolean => {
    for (const i of bounded) actual[i] = p.hostLimit(mt.vmMate[i]!)
    own += bounded.length + p.shortfallCost
    return p.shortfall(actual) === null
  }
  const width = n + m
  const saved = new Int32Array((depth + 1) * width)
  const slot = (d: number): Int32Array => saved.subarray(d * width, (d + 1) * width)
  const next = new Int32Array(depth + 1)
  let choices = 0
  let d = 0
  mt.save(slot(0))
  while (d >= 0) {
    if (d === depth) return { kind: 'found', steps: steps() }
    const x = order[d]!
    const i = bounded[x]!
    const cap = twinOfPrevious[d] ? threshold[bounded[order[d - 1]!]!]! : Infinity
    let descended = false
    while (next[d]! < values[x]!.length) {
      const v = values[x]![next[d]!]!
      next[d]!++
      if (v > cap) continue
      if (steps() >= p.budget) return { kind: 'bound', choices, steps: steps() }
      choices++
      t[i] = v
      own += p.shortfallCost
      if (p.shortfall(t) !== null) {
        next[d] = values[x]!.length
        break
      }
      undecided[i] = 0
      if (capacityShort() !== null) {
        undecided[i] = 1
        continue
      }
      threshold[i] = v
      mt.restore(slot(d))
      own += width
      if (p.hostLimit(mt.vmMate[i]!) < v) {
        mt.release(i)
        if (!mt.augment(i, restricted)) continue
      }
      if (matchingFits()) return { kind: 'found', steps: steps() }
      d++
      next[d] = 0
      mt.save(slot(d))
      own += width
      descended = true
      break
    }
    if (descended) continue
    threshold[i] = 0
    undecided[i] = 1
    t[i] = values[x]![0]!
    mt.restore(slot(d))
    d--
  }
  return { kind: 'none', choices, steps: steps() }
}

/**
 * The PASID decision split in the two halves an assignment search needs (`pasidsFeasible` is
 * their conjunction, with `hostAdmitsPasids`):
 *
 * - per state function and destination function (`pasidFunctionLimit`): capability, width,
 *   features, PF enabled, and the function's own pool (delegated and local PASIDs unallocated
 *   and below the limit; per-rid enough free below it). It depends on that pair alone, so it is
 *   an edge of the assignment graph;
 * - per vector of limits (`globalShortfall`): the fresh globals of global-split and of
 *   global-per-function's global functions. Each guest PASID needing one is bounded by the
 *   smallest limit of its functions; it fits exactly when, for every bound b, those bounded by
 *   b fit in the free globals of [from, b). The decision depends on the functions' limits only,
 *   and a larger limit never hurts.
 *
 * Allocation-free after `pasidLimits` (scratch per compiled state; judging is synchronous).
 */
import type { CompiledPasids } from './pasid-feasibility.js'
import type { HostPasid, HostPasidFunction } from './host-pasid.js'
import { anyAllocatedIn, type PasidRanges, rangesFree } from './pasid-ranges.js'

/** A compiled state's global groups arranged for limit vectors, with their scratch. */
export interface PasidLimits {
  readonly compiled: CompiledPasids
  /** Per state function: whether its limit bounds any fresh global (it belongs to a group). */
  readonly bounds: readonly boolean[]
  /** Each group's count by its functions (sorted, joined by commas). */
  readonly counts: ReadonlyMap<string, number>
  /** Per state function, the groups it belongs to. */
  readonly groupsOf: ReadonlyArray<readonly number[]>
  /** Per group, its bound; groups ordered by bound (scratch). */
  readonly boundScratch: Float64Array
  readonly orderScratch: Int32Array
}

export const pasidLimits = (compiled: CompiledPasids): PasidLimits => {
  const bounds = compiled.state.functions.map(() => false)
  const groupsOf: number[][] = compiled.state.functions.map(() => [])
  compiled.groups.forEach((g, x) => {
    for (const j of g.functions) {
      bounds[j] = true
      groupsOf[j]!.push(x)
    }
  })
  const counts = new Map(compiled.groups.map((g) => [g.functions.join(','), g.count]))
  return { compiled, bounds, counts, groupsOf, boundScratch: new Float64Array(compiled.groups.length), orderScratch: new Int32Array(compiled.groups.length) }
}

/**
 * The PASID limit state function `j` gets on destination function `h` (1 << its usable width)
 * when `h` can serve it, else 0: no function, no PASID capability, too narrow for PASIDs the
 * hardware sees as they are, a feature the guest was shown missing, a VF whose PF has PASID
 * off, or its own pool unable to hold the function's PASIDs.
 */
export const pasidFunctionLimit = (compiled: CompiledPasids, host: Pick<HostPasid<unknown>, 'iommuWidth'>, j: number, h: HostPasidFunction<PasidRanges> | undefined): number => {
  if (h === undefined || h.capabilityWidth === 0) return 0
  const mode = compiled.state.mode
  const f = compiled.state.functions[j]!
  const width = Math.min(h.capabilityWidth, host.iommuWidth)
  if (compiled.widthChecked[j] && width < f.capability.width) return 0
  if ((f.capability.execute && !h.execute) || (f.capability.privileged && !h.privileged) || (h.isVf && !h.pasidEnabled)) return 0
  const limit = 1 << width
  const pasids = compiled.pasidsOf[j]!
  if (pasids.length === 0) return limit
  if (mode === 'per-rid') return pasids.length > rangesFree(h.pool, 1, limit) ? 0 : limit
  // PASIDs programmed as they are (delegated, local functions, global-split's non-ENQCMD locals): below the limit, and free where they use the function's own pool.
  if (!compiled.asIs[j]) return limit
  return pasids[pasids.length - 1]! >= limit || (compiled.ownPool[j] && anyAllocatedIn(pasids, h.pool)) ? 0 : limit
}

/** The guest PASIDs bounded by `bound` outnumber the free globals of [from, bound). */
export interface GlobalShortfall {
  readonly needed: number
  readonly bound: number
  readonly available: number
  readonly from: number
}

/**
 * The tightest bound whose guest PASIDs do not fit in the destination's free globals, or null
 * when all fit; `limits` holds each state function's limit (only those in `bounds` are read).
 * Fresh globals start at the destination's split (global-split) or at 1.
 */
export const globalShortfall = (l: PasidLimits, host: HostPasid<PasidRanges>, limits: ArrayLike<number>): GlobalShortfall | null =>
  globalShortfallWith(l, limits, globalsFrom(l, host), (from, bound) => rangesFree(host.global, from, bound))

/** `globalShortfall` with fresh globals from `from`, and `free(from, bound)` the free globals of [from, bound) however the pool is held. */
export const globalShortfallWith = (l: PasidLimits, limits: ArrayLike<number>, from: number, free: (from: number, bound: number) => number): GlobalShortfall | null => {
  const { groups } = l.compiled
  const bounds = l.boundScratch
  const order = l.orderScratch
  for (let g = 0; g < groups.length; g++) {
    let bound = 1 << 20
    for (const j of groups[g]!.functions) bound = Math.min(bound, limits[j]!)
    bounds[g] = bound
    let k = g
    for (; k > 0 && bounds[order[k - 1]!]! > bound; k--) order[k] = order[k - 1]!
    order[k] = g
  }
  let needed = 0
  for (let k = 0; k < groups.length; k++) {
    needed += groups[order[k]!]!.count
    const bound = bounds[order[k]!]!
    if (k + 1 < groups.length && bounds[order[k + 1]!] === bound) continue
    const available = free(from, bound)
    if (needed > available) return { needed, bound, available, from }
  }
  return null
}

/**
 * Whether exchanging state functions `j` and `j2` maps the global groups (with their counts)
 * onto themselves: then a destination function with one's limit and another with the other's
 * serve the state equally well either way round.
 */
export const swapsGroups = (l: PasidLimits, j: number, j2: number): boolean => {
  if (j === j2) return true
  for (const x of [...l.groupsOf[j]!, ...l.groupsOf[j2]!]) {
    const g = l.compiled.groups[x]!
    const swapped = g.functions.map((y) => (y === j ? j2 : y === j2 ? j : y)).sort((a, b) => a - b)
    if (l.counts.get(swapped.join(',')) !== g.count) return false
  }
  return true
}

/** The first global a fresh one may take: the destination's split (global-split) or 1. */
export const globalsFrom = (l: PasidLimits, host: HostPasid<PasidRanges>): number => Math.max(1, l.compiled.state.mode === 'global-split' ? (host.split ?? 1) : 1)

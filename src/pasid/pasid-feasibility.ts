/**
 * Whether a destination can take a VM's PASID state, decided on range pools without making a
 * plan: the question a scheduler asks of 10^6 hosts. Compiled once per state (`compilePasids`);
 * each host then costs a few binary searches per pool range and a pass over the state's groups.
 * Agrees with `remapPasids` — refused exactly when it refuses, with the same reasons (one per
 * kind and function). The plan itself (`remapPasids`) is made for the chosen host only.
 *
 * Global PASIDs are feasible exactly when, for every bound b (the smallest limit among a PASID's
 * functions), the PASIDs bounded by b fit in the free globals of [from, b): the same condition
 * `assignGlobals` meets by serving the tightest bound first. Limits are powers of two, so there
 * are at most 22 distinct bounds, and groups are bucketed by bound rather than sorted.
 */
import type { Reason } from '../proof/reason.js'
import type { CompiledPasids } from './compile-pasids.js'
import { assignmentReasons, repeatedHostFunction, sharedHostFunction } from './function-assignment.js'
import { type HostPasid, type HostPasidFunction, pasidLimit } from './host-pasid.js'
import {
  beyondLimitReason,
  functionReasons,
  globalsExhaustedReason,
  localsOccupiedReason,
  occupiedReason,
  parentExhaustedReason,
  splitReasons,
} from './pasid-reasons.js'
import { pasidFunctionLimit } from './pasid-limits.js'
import { anyAllocatedIn, countIn, rangesFree, type PasidRanges, rangesWithin } from './pasid-ranges.js'
import type { PasidFunction } from './pasid-state.js'
import { MAX_PASID_WIDTH } from './pasid.js'

export { compilePasids, type CompiledPasids } from './compile-pasids.js'

/** How many of the sorted `values` are allocated in `pool` (at or beyond its width counts), and the first. */
const occupied = (values: readonly number[], pool: PasidRanges): { count: number; first: number | null } => {
  if (values.length === 0) return { count: 0, first: null }
  const beyond = countIn(values, 1 << pool.width, Infinity)
  let count = beyond
  let first: number | null = null
  for (const [s, e] of rangesWithin(pool, values[0]!, values[values.length - 1]! + 1)) {
    const n = countIn(values, s, e)
    if (n === 0) continue
    count += n
    first ??= values[countIn(values, 0, s)]!
  }
  return { count, first: first ?? (beyond > 0 ? values[values.length - beyond]! : null) }
}

/** Each state function's destination function, by index (undefined: none). */
export type PasidAssignment = ReadonlyArray<HostPasidFunction<PasidRanges> | undefined>

/**
 * What no assignment can change: the host lists each PASID function once; ENQCMD needs the
 * CPU's translation; in global-split the host must leave guests the state's locals, none of them
 * allocated. False means every assignment is refused (`pasidFeasibility` says why).
 */
export const hostAdmitsPasids = (compiled: CompiledPasids, host: HostPasid<PasidRanges>): boolean => {
  if (repeatedHostFunction(host) !== null) return false
  if (compiled.anyEnqcmd && !host.cpuTranslation) return false
  const state = compiled.state
  if (state.mode !== 'global-split') return true
  return host.split !== null && host.split >= state.split && !anyAllocatedIn(compiled.locals, host.global)
}

/**
 * Whether the host can take the state under `assigned`: the decision alone, without allocating
 * (a scheduler asks it of every host). Equal to `pasidFeasibility(...).length === 0`.
 */
export const pasidsFeasible = (compiled: CompiledPasids, host: HostPasid<PasidRanges>, assigned: PasidAssignment): boolean => {
  if (!hostAdmitsPasids(compiled, host) || sharedHostFunction(assigned) !== null) return false
  const { state } = compiled
  const n = state.functions.length
  const limits = compiled.scratch
  // Each function on its own (the same rule the assignment search uses for its edges).
  for (let i = 0; i < n; i++) if ((limits[i] = pasidFunctionLimit(compiled, host, i, assigned[i])) === 0) return false
  if (state.mode === 'delegated' || state.mode === 'per-rid') return true
  return globalShortfall(compiled, host, limits, state.mode === 'global-split' ? host.split! : 1) === null
}

/** Locals bounded by `bound` outnumber the free globals below it. */
interface Shortfall {
  readonly needed: number
  readonly bound: number
  readonly available: number
}

/** Bucket of a bound: 0 for 0, w + 1 for 2^w (limits are powers of two; 2^20 the widest). */
const bucketOf = (bound: number): number => (bound <= 0 ? 0 : 32 - Math.clz32(bound))

/**
 * The first bound b (tightest first) whose PASIDs do not fit in the free globals of [from, b),
 * or null when every group fits; `limits` holds each function's PASID limit. Allocates nothing:
 * the groups' counts are summed per bound in the compiled scratch.
 */
const globalShortfall = (compiled: CompiledPasids, host: HostPasid<PasidRanges>, limits: Float64Array, from: number): Shortfall | null => {
  const { groups, boundScratch: needed } = compiled
  needed.fill(0)
  for (let g = 0; g < groups.length; g++) {
    let bound = 1 << MAX_PASID_WIDTH
    for (const i of groups[g]!.functions) bound = Math.min(bound, limits[i]!)
    needed[bucketOf(bound)]! += groups[g]!.count
  }
  let total = 0
  for (let b = 0; b < needed.length; b++) {
    if (needed[b] === 0) continue
    total += needed[b]!
    const bound = b === 0 ? 0 : 2 ** (b - 1)
    const available = rangesFree(host.global, Math.max(from, 1), bound)
    if (total > available) return { needed: total, bound, available }
  }
  return null
}

/**
 * Every kind of reason the host cannot take the state under `assigned`; empty when a plan
 * exists. The same reasons as `remapPasids`.
 */
export const pasidFeasibility = (compiled: CompiledPasids, host: HostPasid<PasidRanges>, assigned: PasidAssignment): Reason[] => {
  const { state, pasidsOf, indexOf } = compiled
  const structural = assignmentReasons(state, host, assigned)
  if (structural.length > 0) return structural
  const byFunction = (f: PasidFunction): HostPasidFunction<PasidRanges> | undefined => assigned[indexOf.get(f)!]
  const usable = (i: number): HostPasidFunction<PasidRanges> | null => {
    const h = assigned[i]
    return h === undefined || h.capabilityWidth === 0 ? null : h
  }
  const limitOf = (i: number): number => {
    const h = usable(i)
    return h === null ? 0 : pasidLimit(host, h)
  }
  const reasons = functionReasons(state, host, byFunction, (f) => compiled.widthChecked[indexOf.get(f)!]!)

  if (state.mode === 'global-split') {
    reasons.push(...splitReasons(state.split, host))
    const taken = occupied(compiled.locals, host.global)
    if (taken.count > 0) reasons.push(localsOccupiedReason(taken.count, taken.first!))
  }

  // PASIDs programmed as they are: below the destination function's limit, and free in its pool.
  state.functions.forEach((f, i) => {
    const h = usable(i)
    const pasids = pasidsOf[i]!
    if (!compiled.asIs[i] || h === null || pasids.length === 0) return
    const limit = pasidLimit(host, h)
    const beyond = countIn(pasids, limit, Infinity)
    if (beyond > 0) reasons.push(beyondLimitReason(f.id, h.id, beyond, pasids[pasids.length - beyond]!, limit))
    if (!compiled.ownPool[i]) return
    const taken = occupied(pasids.slice(0, pasids.length - beyond), h.pool)
    if (taken.count > 0) reasons.push(occupiedReason(f.id, h.id, taken.count, taken.first!))
  })

  if (state.mode === 'per-rid') {
    // Functions in id order; the plan stops at the first pool that runs out.
    const order = state.functions.map((f, i) => [f.id, i] as const).sort((a, b) => a[0].localeCompare(b[0]))
    for (const [id, i] of order) {
      const h = usable(i)
      if (h === null || pasidsOf[i]!.length === 0) continue
      const available = rangesFree(h.pool, 1, pasidLimit(host, h))
      if (pasidsOf[i]!.length > available) {
        reasons.push(parentExhaustedReason(id, h.id, pasidsOf[i]!.length, available, pasidLimit(host, h)))
        break
      }
    }
  }

  if ((state.mode === 'global-per-function' || state.mode === 'global-split') && reasons.length === 0) {
    const from = state.mode === 'global-split' ? host.split! : 1
    for (let i = 0; i < state.functions.length; i++) compiled.scratch[i] = limitOf(i)
    const short = globalShortfall(compiled, host, compiled.scratch, from)
    if (short !== null) reasons.push(globalsExhaustedReason(short.needed, short.bound, short.available, from))
  }
  return reasons
}

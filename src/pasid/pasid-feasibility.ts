/**
 * Whether a destination can take a VM's PASID state, decided on range pools without making a
 * plan: the question a scheduler asks of 10^6 hosts. Compiled once per state (`compilePasids`:
 * validated, locals grouped by the functions they are attached to, bindings sorted); each host
 * then costs a few binary searches per pool range and per distinct bound. Agrees with
 * `remapPasids` — refused exactly when it refuses, with the same reason codes — but gives one
 * reason per kind and function rather than one per PASID. The plan itself (`remapPasids`) is
 * made for the chosen host only.
 *
 * Global PASIDs are feasible exactly when, for every bound b (the smallest limit among a PASID's
 * functions), the PASIDs bounded by b fit in the free globals of [from, b): the same condition
 * `assignGlobals` meets by serving the tightest bound first.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Reason } from '../proof/reason.js'
import { type HostPasid, type HostPasidFunction, pasidLimit } from './host-pasid.js'
import { rangesFree, type PasidRanges, rangesWithin } from './pasid-ranges.js'
import type { PasidStateError } from './pasid-state-error.js'
import type { PasidFunction, PasidState } from './pasid-state.js'
import { functionReasons, pasidReason } from './remap.js'
import { validatePasidState } from './validate-state.js'

/** PASIDs that need a fresh global each, grouped by the functions they serve. */
interface GlobalGroup {
  /** Indices into the state's functions. */
  readonly functions: readonly number[]
  readonly count: number
}

/** A state's PASIDs, arranged once for any number of hosts. */
export interface CompiledPasids {
  readonly state: PasidState
  /** Per function: its bound PASIDs (bindings, or locals for global-split), sorted ascending. */
  readonly pasidsOf: ReadonlyArray<readonly number[]>
  /** global-split and global-per-function: PASIDs needing a global, grouped by function set. */
  readonly groups: readonly GlobalGroup[]
  /** global-split: every local, sorted. */
  readonly locals: readonly number[]
  /** Each state function's index. */
  readonly indexOf: ReadonlyMap<PasidFunction, number>
  /** Per function: the destination's width must cover the guest's (its PASIDs reach the hardware as they are). */
  readonly widthChecked: readonly boolean[]
  /** Per function: its PASIDs are programmed as they are (delegated; global-per-function's local functions). */
  readonly asIs: readonly boolean[]
  readonly anyEnqcmd: boolean
  /** Working space (per function limits, per group bounds, groups by bound): the decision allocates nothing. */
  readonly scratch: Float64Array
  readonly boundScratch: Float64Array
  readonly orderScratch: Int32Array
}

/** The state validated and arranged; Left with the state's own errors. */
export const compilePasids = (state: PasidState): E.Either<readonly PasidStateError[], CompiledPasids> => {
  const bad = validatePasidState(state)
  if (bad.length > 0) return E.left(bad)
  const index = new Map(state.functions.map((f, i) => [f.id, i]))
  const pasidsOf: number[][] = state.functions.map(() => [])
  const groupCounts = new Map<string, { functions: number[]; count: number }>()
  const addToGroup = (functions: number[]): void => {
    const set = [...new Set(functions)].sort((a, b) => a - b)
    const key = set.join(',')
    const g = groupCounts.get(key)
    if (g === undefined) groupCounts.set(key, { functions: set, count: 1 })
    else g.count++
  }
  let locals: number[] = []
  if (state.mode === 'global-split') {
    for (const l of state.locals) {
      const fs = l.functions.map((id) => index.get(id)!)
      for (const i of fs) pasidsOf[i]!.push(l.local)
      addToGroup(fs)
    }
    locals = state.locals.map((l) => l.local as number).sort((a, b) => a - b)
  } else {
    const uses = new Map<number, number[]>()
    for (const b of state.bindings) {
      const i = index.get(b.function)!
      pasidsOf[i]!.push(b.pasid)
      if (state.mode === 'global-per-function' && state.functions[i]!.pool === 'global') uses.set(b.pasid, [...(uses.get(b.pasid) ?? []), i])
    }
    for (const fs of uses.values()) addToGroup(fs)
  }
  for (const p of pasidsOf) p.sort((a, b) => a - b)
  const widthChecked = state.functions.map((f) =>
    state.mode === 'delegated' ? true : state.mode === 'per-rid' ? false : state.mode === 'global-per-function' ? f.pool !== 'global' : !f.enqcmd,
  )
  const asIs = state.functions.map((f) => state.mode === 'delegated' || (state.mode === 'global-per-function' && f.pool !== 'global'))
  return E.right({
    state,
    pasidsOf,
    groups: [...groupCounts.values()],
    locals,
    indexOf: new Map(state.functions.map((f, i) => [f, i])),
    widthChecked,
    asIs,
    anyEnqcmd: state.functions.some((f) => f.enqcmd),
    scratch: new Float64Array(state.functions.length),
    boundScratch: new Float64Array(groupCounts.size),
    orderScratch: new Int32Array(groupCounts.size),
  })
}

/** How many of the sorted `values` lie in [from, to). */
const countIn = (values: readonly number[], from: number, to: number): number => {
  const firstAtOrAbove = (x: number): number => {
    let lo = 0
    let hi = values.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (values[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  return to <= from ? 0 : firstAtOrAbove(to) - firstAtOrAbove(from)
}

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
    first ??= values.find((v) => v >= s && v < e)!
  }
  return { count, first: first ?? (beyond > 0 ? values[values.length - beyond]! : null) }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** Each state function's destination function, by index (undefined: none). */
export type PasidAssignment = ReadonlyArray<HostPasidFunction<PasidRanges> | undefined>

/** Whether any of the sorted `values` is allocated in `pool` (at or beyond its width counts). No allocation. */
const anyAllocated = (values: readonly number[], pool: PasidRanges): boolean => {
  if (values.length === 0) return false
  const last = values[values.length - 1]!
  if (last >= 1 << pool.width) return true
  const a = pool.ranges
  for (let i = 0; i < a.length; i += 3) {
    if (a[i]! > last) break
    if (a[i + 1]! > values[0]! && countIn(values, a[i]!, a[i + 1]!) > 0) return true
  }
  return false
}

/**
 * What no assignment can change: ENQCMD needs the CPU's translation; in global-split the host
 * must leave guests the state's locals, none of them allocated. False means every assignment
 * is refused (`pasidFeasibility` says why).
 */
export const hostAdmitsPasids = (compiled: CompiledPasids, host: HostPasid<PasidRanges>): boolean => {
  if (compiled.anyEnqcmd && !host.cpuTranslation) return false
  const state = compiled.state
  if (state.mode !== 'global-split') return true
  return host.split !== null && host.split >= state.split && !anyAllocated(compiled.locals, host.global)
}

/**
 * Whether the host can take the state under `assigned`: the decision alone, without allocating
 * (a scheduler asks it of every host). Equal to `pasidFeasibility(...).length === 0`.
 */
export const pasidsFeasible = (compiled: CompiledPasids, host: HostPasid<PasidRanges>, assigned: PasidAssignment): boolean => {
  if (!hostAdmitsPasids(compiled, host)) return false
  const { state, pasidsOf } = compiled
  const n = state.functions.length
  const limits = compiled.scratch
  for (let i = 0; i < n; i++) {
    const h = assigned[i]
    if (h === undefined || h.capabilityWidth === 0) return false
    const f = state.functions[i]!
    const width = Math.min(h.capabilityWidth, host.iommuWidth)
    if (compiled.widthChecked[i] && width < f.capability.width) return false
    if ((f.capability.execute && !h.execute) || (f.capability.privileged && !h.privileged) || (h.isVf && !h.pasidEnabled)) return false
    limits[i] = 1 << width
  }
  if (state.mode !== 'global-split') {
    for (let i = 0; i < n; i++) {
      const pasids = pasidsOf[i]!
      if (pasids.length === 0) continue
      if (state.mode === 'per-rid') {
        if (pasids.length > rangesFree(assigned[i]!.pool, 1, limits[i]!)) return false
      } else if (compiled.asIs[i] && (pasids[pasids.length - 1]! >= limits[i]! || anyAllocated(pasids, assigned[i]!.pool))) return false
    }
    return state.mode !== 'global-per-function' || globalShortfall(compiled, host, limits, 1) === null
  }
  for (let i = 0; i < n; i++) {
    const pasids = pasidsOf[i]!
    if (compiled.widthChecked[i] && pasids.length > 0 && pasids[pasids.length - 1]! >= limits[i]!) return false
  }
  return globalShortfall(compiled, host, limits, host.split!) === null
}

/** Locals bounded by `bound` outnumber the free globals below it. */
interface Shortfall {
  readonly needed: number
  readonly bound: number
  readonly available: number
}

/**
 * The first bound b (tightest first) whose PASIDs do not fit in the free globals of [from, b),
 * or null when every group fits; `limits` holds each function's PASID limit. Allocates nothing:
 * the groups are ordered by bound in the compiled scratch (insertion sort; groups are few).
 */
const globalShortfall = (compiled: CompiledPasids, host: HostPasid<PasidRanges>, limits: Float64Array, from: number): Shortfall | null => {
  const { groups, boundScratch: bounds, orderScratch: order } = compiled
  for (let g = 0; g < groups.length; g++) {
    let bound = 1 << 20
    for (const i of groups[g]!.functions) bound = Math.min(bound, limits[i]!)
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
    const available = rangesFree(host.global, Math.max(from, 1), bound)
    if (needed > available) return { needed, bound, available }
  }
  return null
}

/**
 * Every kind of reason the host cannot take the state under `assigned`; empty when a plan
 * exists. Same codes as `remapPasids`.
 */
export const pasidFeasibility = (compiled: CompiledPasids, host: HostPasid<PasidRanges>, assigned: PasidAssignment): Reason[] => {
  const hostOf = (i: number): HostPasidFunction<PasidRanges> | undefined => assigned[i]
  const { state, pasidsOf, indexOf } = compiled
  const byFunction = (f: PasidFunction): HostPasidFunction<PasidRanges> | undefined => hostOf(indexOf.get(f)!)
  const limitOf = (i: number): number => {
    const h = hostOf(i)
    return h === undefined || h.capabilityWidth === 0 ? 0 : pasidLimit(host, h)
  }
  const usable = (i: number): HostPasidFunction<PasidRanges> | null => {
    const h = hostOf(i)
    return h === undefined || h.capabilityWidth === 0 ? null : h
  }

  /** Guest PASIDs programmed as they are into the destination function (delegated, local functions). */
  const asIs = (i: number, reasons: Reason[], checkOccupied: boolean): void => {
    const h = usable(i)
    const pasids = pasidsOf[i]!
    if (h === null || pasids.length === 0) return
    const id = state.functions[i]!.id
    const limit = pasidLimit(host, h)
    const beyond = countIn(pasids, limit, Infinity)
    if (beyond > 0) reasons.push(pasidReason('PASID_WIDTH', `${id}: ${plural(beyond, 'PASID')} from ${pasids[pasids.length - beyond]} up are beyond ${h.id}'s limit ${limit}`, pasids[pasids.length - beyond]!, limit))
    if (!checkOccupied) return
    const taken = occupied(pasids.slice(0, pasids.length - beyond), h.pool)
    if (taken.count > 0) reasons.push(pasidReason('PASID_OCCUPIED', `${id}: ${plural(taken.count, 'PASID')} already in use on ${h.id} (the first: ${taken.first})`, taken.first, null))
  }

  /** Fresh globals in [from, bound) for every group, tightest bound first. */
  const globals = (from: number, reasons: Reason[]): void => {
    for (let i = 0; i < state.functions.length; i++) compiled.scratch[i] = limitOf(i)
    const short = globalShortfall(compiled, host, compiled.scratch, from)
    if (short === null) return
    const { needed, bound, available } = short
    reasons.push(
      pasidReason(
        'PASID_POOL_EXHAUSTED',
        `${plural(needed, 'guest PASID')} need${needed === 1 ? 's' : ''} a fresh global below ${bound} (the smallest limit of the functions attached), but the destination has only ${available} free in [${from}, ${bound})`,
        needed,
        available,
      ),
    )
  }

  if (state.mode === 'delegated') {
    const reasons = functionReasons(state, host, byFunction, () => true)
    state.functions.forEach((_, i) => asIs(i, reasons, true))
    return reasons
  }

  if (state.mode === 'per-rid') {
    const reasons = functionReasons(state, host, byFunction, () => false)
    // Functions in id order; the plan stops at the first pool that runs out.
    const order = state.functions.map((f, i) => [f.id, i] as const).sort((a, b) => a[0].localeCompare(b[0]))
    for (const [id, i] of order) {
      const h = usable(i)
      if (h === null || pasidsOf[i]!.length === 0) continue
      const available = rangesFree(h.pool, 1, pasidLimit(host, h))
      if (pasidsOf[i]!.length > available) {
        reasons.push(pasidReason('PASID_POOL_EXHAUSTED', `${h.id}'s PASID pool has ${available} free below ${pasidLimit(host, h)}; ${id} has ${plural(pasidsOf[i]!.length, 'vPASID')}`, pasidsOf[i]!.length, available))
        break
      }
    }
    return reasons
  }

  if (state.mode === 'global-per-function') {
    const isLocal = (f: PasidFunction): boolean => f.pool !== 'global'
    const reasons = functionReasons(state, host, byFunction, isLocal)
    state.functions.forEach((f, i) => {
      if (isLocal(f)) asIs(i, reasons, true)
    })
    if (reasons.length === 0) globals(1, reasons)
    return reasons
  }

  // global-split
  const reasons = functionReasons(state, host, byFunction, (f) => !f.enqcmd)
  if (host.split === null) {
    reasons.push(pasidReason('PASID_SPLIT', `the destination does not split its PASID space; the guest owns locals [1, ${state.split})`, state.split, null))
  } else if (host.split < state.split) {
    reasons.push(pasidReason('PASID_SPLIT', `the destination leaves guests [1, ${host.split}) but the guest owns locals up to ${state.split - 1}`, state.split, host.split))
  }
  const taken = occupied(compiled.locals, host.global)
  if (taken.count > 0) reasons.push(pasidReason('PASID_LOCAL_OCCUPIED', `${plural(taken.count, 'local PASID')} already allocated on the destination (the first: ${taken.first})`, taken.first, null))
  state.functions.forEach((f, i) => {
    if (!f.enqcmd && limitOf(i) > 0) asIs(i, reasons, false)
  })
  if (reasons.length === 0 && host.split !== null) globals(host.split, reasons)
  return reasons
}

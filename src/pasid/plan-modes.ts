/**
 * The plan of each mode (DESIGN.md §5) on bitmap pools, for a validated state whose functions are
 * assigned one-to-one to distinct host functions (`remapPasids` checks both first). Each returns
 * every reason the destination refuses, or the plan. Each planner allocates PASID by PASID,
 * lowest free first; it is the independent counterpart of the counting in `pasidFeasibility`,
 * and says the same reasons in the same words (`pasid-reasons.ts`). Work is linear in the
 * state plus one scan of each pool a plan touches.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Reason } from '../proof/reason.js'
import { assignGlobalsTo } from './assign-globals.js'
import type { CompiledPasids } from './compile-pasids.js'
import { type HostPasid, type HostPasidFunction, pasidLimit } from './host-pasid.js'
import { isAllocated } from './pasid-pool.js'
import {
  beyondLimitReason,
  functionReasons,
  globalsExhaustedReason,
  localsOccupiedReason,
  occupiedReason,
  parentExhaustedReason,
  splitReasons,
} from './pasid-reasons.js'
import type { PasidFunction } from './pasid-state.js'
import type { Pasid } from './pasid.js'
import { poolDraft } from './pool-draft.js'

export interface PasidTableEntry {
  /** The destination's host function. */
  readonly function: string
  /** The PASID programmed into the function's PASID table. */
  readonly pasid: Pasid
  /** The guest's PASID it serves. */
  readonly guest: Pasid
  readonly kind: 'hardware' | 'local' | 'global' | 'physical'
}

export interface PasidPlan {
  /** Each guest local (or vPASID) and the global (or pPASID) it gets; one per local, shared by its functions. */
  readonly map: ReadonlyArray<{ readonly local: Pasid; readonly global: Pasid; readonly function?: string }>
  /** The CPU's PASID translation table for ENQCMD: local → global. */
  readonly cpuTable: ReadonlyArray<{ readonly local: Pasid; readonly global: Pasid }>
  readonly entries: readonly PasidTableEntry[]
  /** The destination's pools after the plan's allocations. */
  readonly host: HostPasid
}

/** What a mode's planner gets: the compiled state, the host, and each state function's host function (by index). */
export interface PlanInput {
  readonly compiled: CompiledPasids
  readonly host: HostPasid
  /** Per state function: its host function's index in `host.functions`, or -1. */
  readonly hostIndex: Int32Array
  readonly countSteps: (steps: number) => void
}

type Planned = E.Either<Reason[], PasidPlan>

/** Per state function: its host function when it has a PASID capability, else null; and its limit (0 without). */
const usableOf = ({ host, hostIndex }: PlanInput, i: number): HostPasidFunction | null => {
  const h = hostIndex[i]! < 0 ? undefined : host.functions[hostIndex[i]!]
  return h === undefined || h.capabilityWidth === 0 ? null : h
}
const limitOf = (input: PlanInput, i: number): number => {
  const h = usableOf(input, i)
  return h === null ? 0 : pasidLimit(input.host, h)
}

/** Reasons that hold in every mode, with the destination width checked where the compiled state says. */
const commonReasons = (input: PlanInput): Reason[] => {
  const { compiled, host, hostIndex } = input
  const hostOf = (f: PasidFunction): HostPasidFunction | undefined => {
    const k = hostIndex[compiled.indexOf.get(f)!]!
    return k < 0 ? undefined : host.functions[k]
  }
  return functionReasons(compiled.state, host, hostOf, (f) => compiled.widthChecked[compiled.indexOf.get(f)!]!)
}

/** PASIDs programmed as they are: each below the destination function's limit and, where they use its pool, free there. */
const asIsReasons = (input: PlanInput, reasons: Reason[]): void => {
  const { compiled } = input
  let steps = 0
  compiled.state.functions.forEach((f, i) => {
    const h = usableOf(input, i)
    const pasids = compiled.pasidsOf[i]!
    if (!compiled.asIs[i] || h === null) return
    const limit = pasidLimit(input.host, h)
    let below = pasids.length
    while (below > 0 && pasids[below - 1]! >= limit) below--
    if (below < pasids.length) reasons.push(beyondLimitReason(f.id, h.id, pasids.length - below, pasids[below]!, limit))
    steps += pasids.length
    if (!compiled.ownPool[i]) return
    let count = 0
    let first = 0
    for (let k = 0; k < below; k++) {
      if (!isAllocated(h.pool, pasids[k]!)) continue
      if (count++ === 0) first = pasids[k]!
    }
    if (count > 0) reasons.push(occupiedReason(f.id, h.id, count, first))
  })
  input.countSteps(steps)
}

/** Fresh globals in [from, bound) for each guest PASID `locals[k]` below `bounds[k]`, or the reason the pool runs short. */
const globalsOrReason = (input: PlanInput, from: number, locals: ArrayLike<number>, bounds: ArrayLike<number>) => {
  const assigned = assignGlobalsTo(input.host.global, from, locals, bounds, input.countSteps)
  if (E.isRight(assigned)) return assigned
  const s = assigned.left
  return E.left([globalsExhaustedReason(s.needed, s.bound, s.available, from)])
}

/**
 * The bindings of functions that take their PASIDs from their own pool (delegated; global-per-function's
 * local functions), each allocated there and programmed as it is, in binding order. Reasons first.
 */
const programAsIs = (input: PlanInput, bindings: ReadonlyArray<{ readonly function: string; readonly pasid: Pasid }>) => {
  const { compiled, host, hostIndex } = input
  const reasons = commonReasons(input)
  asIsReasons(input, reasons)
  const draft = poolDraft(host)
  const entries: PasidTableEntry[] = []
  if (reasons.length > 0) return { reasons, draft, entries }
  const ids = compiled.state.functions.map((_, i) => (hostIndex[i]! < 0 ? '' : host.functions[hostIndex[i]!]!.id))
  for (let k = 0; k < bindings.length; k++) {
    const i = compiled.bindingFunction[k]!
    if (!compiled.ownPool[i]) continue
    const pasid = bindings[k]!.pasid
    draft.take(hostIndex[i]!, pasid)
    entries.push({ function: ids[i]!, pasid, guest: pasid, kind: 'hardware' })
  }
  input.countSteps(bindings.length + draft.copied())
  return { reasons, draft, entries }
}

/** delegated: the guest's PASIDs are the hardware PASIDs, re-attached on the destination as they are. */
export const planDelegated = (input: PlanInput): Planned => {
  const { state } = input.compiled
  if (state.mode !== 'delegated') throw new Error('planDelegated: not a delegated state')
  const { reasons, draft, entries } = programAsIs(input, state.bindings)
  if (reasons.length > 0) return E.left(reasons)
  return E.right({ map: [], cpuTable: [], entries, host: draft.finish(input.host.global) })
}

/** per-rid: a fresh pPASID per vPASID from the parent's pool, functions in id order, vPASIDs ascending. */
export const planPerRid = (input: PlanInput): Planned => {
  const { compiled, host, hostIndex } = input
  const state = compiled.state
  const reasons = commonReasons(input)
  const draft = poolDraft(host)
  const map: Array<{ local: Pasid; global: Pasid; function: string }> = []
  const entries: PasidTableEntry[] = []
  const order = state.functions.map((f, i) => [f.id, i] as const).sort((a, b) => a[0].localeCompare(b[0]))
  let scanned = 0
  for (const [id, i] of order) {
    const h = usableOf(input, i)
    const pasids = compiled.pasidsOf[i]!
    if (h === null || pasids.length === 0) continue
    const k = hostIndex[i]!
    const limit = pasidLimit(host, h)
    // The lowest free only moves up: one scan of the pool for all of the function's vPASIDs.
    // (Below the limit, which is within the pool's width.)
    const bits = draft.bits(k)
    const end = Math.min(limit, 1 << h.pool.width)
    let cursor = 1
    let given = 0
    for (const v of pasids) {
      while (cursor < end && ((bits[cursor >>> 3]! >>> (cursor & 7)) & 1) === 1) cursor += (cursor & 7) === 0 && bits[cursor >>> 3] === 0xff ? 8 : 1
      if (cursor >= end) break
      bits[cursor >>> 3]! |= 1 << (cursor & 7)
      map.push({ local: v as Pasid, global: cursor as Pasid, function: h.id })
      entries.push({ function: h.id, pasid: cursor as Pasid, guest: v as Pasid, kind: 'physical' })
      given++
    }
    scanned += cursor + given
    if (given < pasids.length) {
      // Every free PASID below the limit was given out: `given` is how many there were.
      reasons.push(parentExhaustedReason(id, h.id, pasids.length, given, limit))
      break
    }
  }
  input.countSteps(scanned + draft.copied())
  if (reasons.length > 0) return E.left(reasons)
  return E.right({ map, cpuTable: [], entries, host: draft.finish(host.global) })
}

/** global-per-function: local functions keep their PASIDs; global functions share one fresh global per guest PASID. */
export const planGlobalPerFunction = (input: PlanInput): Planned => {
  const { compiled, host, hostIndex } = input
  const { state } = compiled
  if (state.mode !== 'global-per-function') throw new Error('planGlobalPerFunction: not a global-per-function state')
  const { reasons, draft, entries } = programAsIs(input, state.bindings)
  if (reasons.length > 0) return E.left(reasons)
  const functionOf = compiled.bindingFunction
  const limits = state.functions.map((_, i) => limitOf(input, i))
  // The global functions' bindings by PASID: each run of one PASID is one demand, bounded by its functions' smallest limit.
  const order = compiled.globalBindingOrder
  const runs: number[] = []
  const locals: number[] = []
  const bounds: number[] = []
  for (let k = 0; k < order.length; ) {
    const pasid = state.bindings[order[k]!]!.pasid
    let bound = Infinity
    runs.push(k)
    for (; k < order.length && state.bindings[order[k]!]!.pasid === pasid; k++) bound = Math.min(bound, limits[functionOf[order[k]!]!]!)
    locals.push(pasid)
    bounds.push(bound)
  }
  runs.push(order.length)
  const globals = globalsOrReason(input, 1, locals, bounds)
  if (E.isLeft(globals)) return globals
  const map = globals.right.assignments
  const cpuTable: Array<{ local: Pasid; global: Pasid }> = []
  // Runs and assignments are both in ascending PASID order, one to one.
  for (let r = 0; r < map.length; r++) {
    let enqcmd = false
    for (let k = runs[r]!; k < runs[r + 1]!; k++) {
      const i = functionOf[order[k]!]!
      if (state.functions[i]!.enqcmd) enqcmd = true
      entries.push({ function: host.functions[hostIndex[i]!]!.id, pasid: map[r]!.global, guest: map[r]!.local, kind: 'global' })
    }
    if (enqcmd) cpuTable.push(map[r]!)
  }
  input.countSteps(entries.length)
  return E.right({ map, cpuTable, entries, host: draft.finish(globals.right.pool) })
}

/**
 * global-split: ONE fresh global per local in [N', bound), shared by its functions; ENQCMD
 * functions reach it through the CPU's table, the others get the local (as it is) and the global
 * in their PASID tables. Refused for: N' < N, an occupied local, too few free globals below a
 * bound, no CPU translation for ENQCMD — and a non-ENQCMD function's local at or above its
 * destination limit (it is programmed as it is). How wide the guest was shown PASIDs to be is
 * the layout's business (`realize`), not a refusal here.
 */
export const planGlobalSplit = (input: PlanInput): Planned => {
  const { compiled, host, hostIndex } = input
  const { state } = compiled
  if (state.mode !== 'global-split') throw new Error('planGlobalSplit: not a global-split state')
  const reasons = commonReasons(input)
  reasons.push(...splitReasons(state.split, host))
  let occupiedCount = 0
  let first = 0
  for (const l of compiled.locals) {
    if (!isAllocated(host.global, l)) continue
    if (occupiedCount++ === 0) first = l
  }
  if (occupiedCount > 0) reasons.push(localsOccupiedReason(occupiedCount, first))
  asIsReasons(input, reasons)
  if (reasons.length > 0 || host.split === null) return E.left(reasons)
  const limits = state.functions.map((_, i) => limitOf(input, i))
  const { localFunctions, localStart, locals } = compiled
  const hostIds = state.functions.map((_, i) => host.functions[hostIndex[i]!]!.id)
  const enqcmd = state.functions.map((f) => f.enqcmd)
  // Each local's bound: the smallest limit among its functions (locals in ascending order).
  const bounds = new Float64Array(locals.length)
  for (let k = 0; k < locals.length; k++) {
    let bound = 1 << 20
    for (let j = localStart[k]!; j < localStart[k + 1]!; j++) bound = Math.min(bound, limits[localFunctions[j]!]!)
    bounds[k] = bound
  }
  const attachments = localFunctions.length
  const globals = globalsOrReason(input, host.split, locals, bounds)
  if (E.isLeft(globals)) return globals
  const map = globals.right.assignments
  const entries: PasidTableEntry[] = []
  const cpuTable: Array<{ local: Pasid; global: Pasid }> = []
  // Locals and assignments are both in ascending local order, one to one.
  for (let k = 0; k < locals.length; k++) {
    const m = map[k]!
    let viaCpu = false
    for (let j = localStart[k]!; j < localStart[k + 1]!; j++) {
      const i = localFunctions[j]!
      if (enqcmd[i]) viaCpu = true
      else entries.push({ function: hostIds[i]!, pasid: m.local, guest: m.local, kind: 'local' })
      entries.push({ function: hostIds[i]!, pasid: m.global, guest: m.local, kind: 'global' })
    }
    if (viaCpu) cpuTable.push(m)
  }
  input.countSteps(2 * attachments + compiled.locals.length)
  return E.right({ map, cpuTable, entries, host: { ...host, global: globals.right.pool } })
}


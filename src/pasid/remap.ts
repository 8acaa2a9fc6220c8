/**
 * Remapping a VM's PASIDs onto a destination host, all-or-nothing: every reason the destination
 * cannot take the state, or a plan (the local→global map, the CPU translation table for ENQCMD
 * functions, every function's PASID table entries) and the destination's pools after it. On any
 * refusal the pools are returned untouched. Deterministic: lowest free first, tightest bound
 * first. Never hands out PASID 0, a PASID at or above a function's limit, or one allocated.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Reason, ReasonCode } from '../proof/reason.js'
import { assignGlobals, type GlobalDemand } from './assign-globals.js'
import { type HostPasid, type HostPasidFunction, pasidLimit } from './host-pasid.js'
import { isAllocated, lowestFree, type PasidPool, withPasids } from './pasid-pool.js'
import type { PasidStateError } from './pasid-state-error.js'
import type { PasidFunction, PasidState } from './pasid-state.js'
import type { Pasid } from './pasid.js'
import { validatePasidState } from './validate-state.js'

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

export interface PasidVerdict {
  readonly compatible: boolean
  readonly reasons: readonly Reason[]
  readonly plan: PasidPlan | null
}

export interface RemapOptions {
  /** Which destination function takes each VM function (by id); by default the same id. */
  readonly assignment?: ReadonlyMap<string, string>
}

/** A PASID refusal (capability: Process Address Space ID). */
export const pasidReason = (code: ReasonCode, message: string, source: Reason['source'] = null, destination: Reason['destination'] = null): Reason => ({
  code,
  severity: 'error',
  capability: 'Process Address Space ID',
  field: null,
  offset: null,
  length: null,
  source,
  destination,
  message,
})

const withFunctionPool = (host: HostPasid, id: string, pool: PasidPool): HostPasid => ({
  ...host,
  functions: host.functions.map((f) => (f.id === id ? { ...f, pool } : f)),
})

/** Reasons about each function that hold in every mode: present, PASID-capable, features, PF enabled. Any pool form. */
export const functionReasons = <P>(
  state: PasidState,
  host: HostPasid<P>,
  hostOf: (f: PasidFunction) => HostPasidFunction<P> | undefined,
  checkWidth: (f: PasidFunction) => boolean,
): Reason[] => {
  const reasons: Reason[] = []
  for (const f of state.functions) {
    const h = hostOf(f)
    if (h === undefined) {
      reasons.push(pasidReason('PASID_NO_FUNCTION', `the destination has no function to take ${f.id}`, f.id, null))
      continue
    }
    if (h.capabilityWidth === 0) {
      reasons.push(pasidReason('PASID_WIDTH', `${h.id} has no PASID capability${h.isVf ? ' (on its PF)' : ''}; ${f.id} uses PASIDs`, f.capability.width, 0))
      continue
    }
    const width = Math.log2(pasidLimit(host, h))
    if (checkWidth(f) && width < f.capability.width) {
      reasons.push(
        pasidReason(
          'PASID_WIDTH',
          `${f.id}: the guest was shown ${f.capability.width}-bit PASIDs; ${h.id} supports ${width} bits (capability ${h.capabilityWidth}, IOMMU ${host.iommuWidth})`,
          f.capability.width,
          width,
        ),
      )
    }
    for (const [want, has, name] of [
      [f.capability.execute, h.execute, 'Execute Permission'],
      [f.capability.privileged, h.privileged, 'Privileged Mode'],
    ] as const) {
      if (want && !has) reasons.push(pasidReason('PASID_FEATURES', `${f.id}: the guest was shown ${name} support; ${h.id} lacks it`, true, false))
    }
    if (h.isVf && !h.pasidEnabled) reasons.push(pasidReason('PASID_PF_DISABLED', `${h.id} is a VF whose PF has PASID disabled; its PASIDs would not work`, true, false))
  }
  if (state.functions.some((f) => f.enqcmd) && !host.cpuTranslation) {
    reasons.push(pasidReason('PASID_NO_TRANSLATION', 'functions submit with ENQCMD, but the destination CPU has no PASID translation for guests', true, false))
  }
  return reasons
}

/** Guest PASIDs used as hardware PASIDs on their functions (delegated, or local functions). */
const delegate = (
  host: HostPasid,
  bindings: ReadonlyArray<{ function: PasidFunction; pasid: Pasid }>,
  hostOf: (f: PasidFunction) => HostPasidFunction | undefined,
  reasons: Reason[],
): { host: HostPasid; entries: PasidTableEntry[] } => {
  let next = host
  const entries: PasidTableEntry[] = []
  for (const b of bindings) {
    const h = hostOf(b.function)
    if (h === undefined || h.capabilityWidth === 0) continue
    const current = next.functions.find((x) => x.id === h.id)!
    if (b.pasid >= pasidLimit(host, h)) {
      reasons.push(pasidReason('PASID_WIDTH', `${b.function.id}: PASID ${b.pasid} is beyond ${h.id}'s limit ${pasidLimit(host, h)}`, b.pasid, pasidLimit(host, h)))
    } else if (isAllocated(current.pool, b.pasid)) {
      reasons.push(pasidReason('PASID_OCCUPIED', `${b.function.id}: PASID ${b.pasid} is already in use on ${h.id}`, b.pasid, null))
    } else {
      next = withFunctionPool(next, h.id, withPasids(current.pool, [b.pasid], true))
      entries.push({ function: h.id, pasid: b.pasid, guest: b.pasid, kind: 'hardware' })
    }
  }
  return { host: next, entries }
}

/** A global in [from, bound) per demand, or a PASID_POOL_EXHAUSTED reason saying which bound runs short. */
const assignOrRefuse = (host: HostPasid, from: number, demands: readonly GlobalDemand[], reasons: Reason[]): { host: HostPasid; map: Array<{ local: Pasid; global: Pasid }> } | null => {
  const assigned = assignGlobals(host.global, from, demands)
  if (E.isLeft(assigned)) {
    const s = assigned.left
    reasons.push(
      pasidReason(
        'PASID_POOL_EXHAUSTED',
        `${s.needed} local PASID${s.needed === 1 ? '' : 's'} need${s.needed === 1 ? 's' : ''} a fresh global below ${s.bound} (the smallest limit of the functions attached), but the destination has only ${s.available} free in [${from}, ${s.bound})`,
        s.needed,
        s.available,
      ),
    )
    return null
  }
  return { host: { ...host, global: assigned.right.pool }, map: assigned.right.assignments as Array<{ local: Pasid; global: Pasid }> }
}

/** One global per guest PASID, shared by its functions, below every one of their limits. */
const globalize = (
  host: HostPasid,
  from: number,
  uses: ReadonlyMap<Pasid, readonly PasidFunction[]>,
  limitOf: (f: PasidFunction) => number,
  reasons: Reason[],
): { host: HostPasid; map: Array<{ local: Pasid; global: Pasid }> } | null => {
  const demands: GlobalDemand[] = []
  for (const [local, functions] of uses) {
    let bound = 1 << 20
    for (const f of functions) bound = Math.min(bound, limitOf(f))
    demands.push({ local, bound })
  }
  return assignOrRefuse(host, from, demands, reasons)
}

/**
 * Every reason `host` cannot take `state`, or the plan. Left: the state itself is malformed
 * (typed errors with paths). Right with `compatible: false`: the destination refuses, and
 * `plan` is null (the host's pools were not touched).
 */
export const remapPasids = (state: PasidState, host: HostPasid, options: RemapOptions = {}): E.Either<readonly PasidStateError[], PasidVerdict> => {
  const bad = validatePasidState(state)
  if (bad.length > 0) return E.left(bad)
  // Each VM function's destination function and PASID limit, found once.
  const matched = new Map<PasidFunction, { host: HostPasidFunction | undefined; limit: number }>()
  for (const f of state.functions) {
    const h = host.functions.find((x) => x.id === (options.assignment?.get(f.id) ?? f.id))
    matched.set(f, { host: h, limit: h === undefined || h.capabilityWidth === 0 ? 0 : pasidLimit(host, h) })
  }
  const hostOf = (f: PasidFunction): HostPasidFunction | undefined => matched.get(f)!.host
  const limitOf = (f: PasidFunction): number => matched.get(f)!.limit
  const byId = new Map(state.functions.map((f) => [f.id, f]))
  const refuse = (reasons: readonly Reason[]): E.Either<never, PasidVerdict> => E.right({ compatible: false, reasons, plan: null })

  if (state.mode === 'delegated') {
    const reasons = functionReasons(state, host, hostOf, () => true)
    const done = delegate(host, state.bindings.map((b) => ({ function: byId.get(b.function)!, pasid: b.pasid })), hostOf, reasons)
    if (reasons.length > 0) return refuse(reasons)
    return E.right({ compatible: true, reasons: [], plan: { map: [], cpuTable: [], entries: done.entries, host: done.host } })
  }

  if (state.mode === 'per-rid') {
    const reasons = functionReasons(state, host, hostOf, () => false)
    let next = host
    const map: Array<{ local: Pasid; global: Pasid; function: string }> = []
    const entries: PasidTableEntry[] = []
    const sorted = [...state.bindings].sort((a, b) => a.function.localeCompare(b.function) || a.pasid - b.pasid)
    for (const b of sorted) {
      const h = hostOf(byId.get(b.function)!)
      if (h === undefined || h.capabilityWidth === 0) continue
      const pool = next.functions.find((x) => x.id === h.id)!.pool
      const p = lowestFree(pool, 1, pasidLimit(host, h))
      if (p === null) {
        reasons.push(pasidReason('PASID_POOL_EXHAUSTED', `${h.id}'s PASID pool has no free PASID below ${pasidLimit(host, h)} for ${b.function}'s vPASID ${b.pasid}`, b.pasid, null))
        break
      }
      next = withFunctionPool(next, h.id, withPasids(pool, [p], true))
      map.push({ local: b.pasid, global: p, function: h.id })
      entries.push({ function: h.id, pasid: p, guest: b.pasid, kind: 'physical' })
    }
    if (reasons.length > 0) return refuse(reasons)
    return E.right({ compatible: true, reasons: [], plan: { map, cpuTable: [], entries, host: next } })
  }

  if (state.mode === 'global-per-function') {
    const isLocal = (f: PasidFunction): boolean => f.pool !== 'global'
    const reasons = functionReasons(state, host, hostOf, isLocal)
    const locals = state.bindings.filter((b) => isLocal(byId.get(b.function)!))
    const done = delegate(host, locals.map((b) => ({ function: byId.get(b.function)!, pasid: b.pasid })), hostOf, reasons)
    const uses = new Map<Pasid, PasidFunction[]>()
    for (const b of state.bindings) if (!isLocal(byId.get(b.function)!)) uses.set(b.pasid, [...(uses.get(b.pasid) ?? []), byId.get(b.function)!])
    const globals = reasons.length > 0 ? null : globalize(done.host, 1, uses, limitOf, reasons)
    if (reasons.length > 0 || globals === null) return refuse(reasons)
    const entries = [...done.entries]
    for (const { local, global } of globals.map) for (const f of uses.get(local)!) entries.push({ function: hostOf(f)!.id, pasid: global, guest: local, kind: 'global' })
    const cpuTable = globals.map.filter((m) => uses.get(m.local)!.some((f) => f.enqcmd))
    return E.right({ compatible: true, reasons: [], plan: { map: globals.map, cpuTable, entries, host: globals.host } })
  }

  // global-split
  const reasons = functionReasons(state, host, hostOf, (f) => !f.enqcmd)
  if (host.split === null) {
    reasons.push(pasidReason('PASID_SPLIT', `the destination does not split its PASID space; the guest owns locals [1, ${state.split})`, state.split, null))
  } else if (host.split < state.split) {
    reasons.push(pasidReason('PASID_SPLIT', `the destination leaves guests [1, ${host.split}) but the guest owns locals up to ${state.split - 1}`, state.split, host.split))
  }
  // Per function id, what the loops below need, found once.
  const info = new Map<string, { readonly f: PasidFunction; readonly hostId: string; readonly limit: number }>()
  for (const f of state.functions) info.set(f.id, { f, hostId: hostOf(f)?.id ?? '', limit: limitOf(f) })
  const locals = [...state.locals].sort((a, b) => a.local - b.local)
  const demands: GlobalDemand[] = new Array(locals.length)
  for (let k = 0; k < locals.length; k++) {
    const l = locals[k]!
    if (isAllocated(host.global, l.local)) reasons.push(pasidReason('PASID_LOCAL_OCCUPIED', `local PASID ${l.local} is already allocated on the destination`, l.local, null))
    let bound = 1 << 20
    for (const id of l.functions) {
      const { f, hostId, limit } = info.get(id)!
      bound = Math.min(bound, limit)
      if (!f.enqcmd && limit > 0 && l.local >= limit) {
        reasons.push(pasidReason('PASID_WIDTH', `${id}: local PASID ${l.local} (programmed as is for a non-ENQCMD function) is beyond ${hostId}'s limit ${limit}`, l.local, limit))
      }
    }
    demands[k] = { local: l.local, bound }
  }
  const globals = reasons.length > 0 || host.split === null ? null : assignOrRefuse(host, host.split, demands, reasons)
  if (reasons.length > 0 || globals === null) return refuse(reasons)
  const entries: PasidTableEntry[] = []
  const cpuTable: Array<{ local: Pasid; global: Pasid }> = []
  // Both lists are in local order and one-to-one.
  for (let k = 0; k < locals.length; k++) {
    const m = globals.map[k]!
    let enqcmd = false
    for (const id of locals[k]!.functions) {
      const { f, hostId } = info.get(id)!
      if (f.enqcmd) enqcmd = true
      else entries.push({ function: hostId, pasid: m.local, guest: m.local, kind: 'local' })
      entries.push({ function: hostId, pasid: m.global, guest: m.local, kind: 'global' })
    }
    if (enqcmd) cpuTable.push(m)
  }
  return E.right({ compatible: true, reasons: [], plan: { map: globals.map, cpuTable, entries, host: globals.host } })
}

/** Every reason the destination cannot take the state (empty when it can). */
export const checkPasids = (state: PasidState, host: HostPasid, options: RemapOptions = {}): E.Either<readonly PasidStateError[], readonly Reason[]> =>
  E.map((v: PasidVerdict) => v.reasons)(remapPasids(state, host, options))

/** The pools with a plan's allocations released again. */
export const releasePlan = (plan: PasidPlan, before: HostPasid): HostPasid => {
  const globals = plan.entries.filter((e) => e.kind === 'global').map((e) => e.pasid)
  let host: HostPasid = { ...plan.host, global: withPasids(plan.host.global, globals, false) }
  for (const f of before.functions) {
    const mine = plan.entries.filter((e) => e.function === f.id && (e.kind === 'hardware' || e.kind === 'physical')).map((e) => e.pasid)
    if (mine.length > 0) host = withFunctionPool(host, f.id, withPasids(host.functions.find((x) => x.id === f.id)!.pool, mine, false))
  }
  return host
}

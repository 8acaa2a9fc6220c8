/**
 * Remapping a VM's PASIDs onto a destination host, all-or-nothing: every reason the destination
 * cannot take the state, or a plan (the local→global map, the CPU translation table for ENQCMD
 * functions, every function's PASID table entries) and the destination's pools after it. On any
 * refusal the pools are returned untouched. Deterministic: lowest free first, tightest bound
 * first. Never hands out PASID 0, a PASID at or above a function's limit, one allocated, or one
 * twice: each VM function gets its own destination function (assignments are one-to-one, see
 * `function-assignment.ts`), and each guest PASID its own global.
 *
 * Linear in the state plus the pools it touches: the state is validated and arranged once
 * (`compilePasids`), each pool is copied at most once, and the lowest free PASID is found by a
 * cursor that only moves up. `countSteps` is told the work done, for tests that hold it linear.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Reason } from '../proof/reason.js'
import { compilePasids } from './compile-pasids.js'
import { assignByIds, assignmentReasons } from './function-assignment.js'
import type { HostPasid, HostPasidFunction } from './host-pasid.js'
import { withPasids } from './pasid-pool.js'
import type { PasidStateError } from './pasid-state-error.js'
import type { PasidState } from './pasid-state.js'
import { type PasidPlan, planDelegated, planGlobalPerFunction, planGlobalSplit, planPerRid, type PlanInput } from './plan-modes.js'

export { functionReasons, pasidReason } from './pasid-reasons.js'
export type { PasidPlan, PasidTableEntry } from './plan-modes.js'

export interface PasidVerdict {
  readonly compatible: boolean
  readonly reasons: readonly Reason[]
  readonly plan: PasidPlan | null
}

export interface RemapOptions {
  /** Which destination function takes each VM function (by id); by default the same id. Must be one-to-one. */
  readonly assignment?: ReadonlyMap<string, string>
  /** Told the steps taken (loop iterations, bytes scanned or copied), for tests that bound the work. */
  readonly countSteps?: (steps: number) => void
}

const PLANNERS = {
  delegated: planDelegated,
  'per-rid': planPerRid,
  'global-per-function': planGlobalPerFunction,
  'global-split': planGlobalSplit,
} as const

/**
 * Every reason `host` cannot take `state`, or the plan. Left: the state itself is malformed
 * (typed errors with paths). Right with `compatible: false`: the destination refuses, and
 * `plan` is null (the host's pools were not touched).
 */
export const remapPasids = (state: PasidState, host: HostPasid, options: RemapOptions = {}): E.Either<readonly PasidStateError[], PasidVerdict> => {
  const countSteps = options.countSteps ?? (() => undefined)
  const compiled = compilePasids(state, countSteps)
  if (E.isLeft(compiled)) return compiled
  const assigned = assignByIds(state, host, options.assignment)
  const refuse = (reasons: readonly Reason[]): E.Either<never, PasidVerdict> => E.right({ compatible: false, reasons, plan: null })
  const structural = assignmentReasons(state, host, assigned)
  if (structural.length > 0) return refuse(structural)
  const position = new Map<HostPasidFunction, number>(host.functions.map((f, k) => [f, k]))
  const hostIndex = Int32Array.from(assigned, (h) => (h === undefined ? -1 : position.get(h)!))
  countSteps(host.functions.length + 2 * state.functions.length)
  const input: PlanInput = { compiled: compiled.right, host, hostIndex, countSteps }
  const planned = PLANNERS[state.mode](input)
  return E.right(E.isLeft(planned) ? { compatible: false, reasons: planned.left, plan: null } : { compatible: true, reasons: [], plan: planned.right })
}

/** Every reason the destination cannot take the state (empty when it can). */
export const checkPasids = (state: PasidState, host: HostPasid, options: RemapOptions = {}): E.Either<readonly PasidStateError[], readonly Reason[]> =>
  E.map((v: PasidVerdict) => v.reasons)(remapPasids(state, host, options))

/** The pools of `plan.host` with the plan's allocations released again (`before`: the host the plan was made on). */
export const releasePlan = (plan: PasidPlan, before: HostPasid): HostPasid => {
  const globals: number[] = []
  const mine = new Map<string, number[]>()
  for (const e of plan.entries) {
    if (e.kind === 'global') globals.push(e.pasid)
    else if (e.kind === 'hardware' || e.kind === 'physical') {
      const list = mine.get(e.function)
      if (list === undefined) mine.set(e.function, [e.pasid])
      else list.push(e.pasid)
    }
  }
  return {
    ...before,
    global: withPasids(plan.host.global, globals, false),
    functions: plan.host.functions.map((f) => {
      const pasids = mine.get(f.id)
      return pasids === undefined ? f : { ...f, pool: withPasids(f.pool, pasids, false) }
    }),
  }
}

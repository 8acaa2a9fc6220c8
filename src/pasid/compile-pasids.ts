/**
 * A VM's PASID state validated and arranged once, for the planner and for feasibility checks
 * against any number of hosts: each function's PASIDs sorted, the PASIDs needing a fresh global
 * grouped by the functions they serve, and the orders the planner walks. Linear in the state
 * (functions, bindings, attachments) plus one pass over PASID-sized buckets: PASIDs are below
 * 2^20, so they are ordered by radix, not compared.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { PasidStateError } from './pasid-state-error.js'
import type { PasidFunction, PasidState } from './pasid-state.js'
import { stableOrder } from './stable-order.js'
import { validatePasidState } from './validate-state.js'
import { MAX_PASID_WIDTH } from './pasid.js'

/** A global's bound is 0 or 2^w for a width w of 0–20: this many distinct values. */
export const BOUND_BUCKETS = MAX_PASID_WIDTH + 2

/** PASIDs that need a fresh global each, grouped by the functions they serve. */
export interface GlobalGroup {
  /** Indices into the state's functions, ascending. */
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
  /** global-split: indices into `state.locals`, in ascending local order. */
  readonly localOrder: Int32Array
  /** global-split: the function indices of each local in ascending local order, one after another; local k's are [localStart[k], localStart[k + 1]). */
  readonly localFunctions: Int32Array
  readonly localStart: Int32Array
  /** Per binding (delegated, per-rid, global-per-function): its function's index. */
  readonly bindingFunction: Int32Array
  /** global-per-function: indices into `state.bindings` of the global functions' bindings, by PASID (binding order within one). */
  readonly globalBindingOrder: Int32Array
  /** Each state function's index. */
  readonly indexOf: ReadonlyMap<PasidFunction, number>
  /** Each state function's index, by id. */
  readonly indexById: ReadonlyMap<string, number>
  /** Per function: the destination's width must cover the guest's (delegated; global-per-function's local functions). */
  readonly widthChecked: readonly boolean[]
  /** Per function: its PASIDs are programmed as they are, so each must lie below the destination's limit (also global-split's non-ENQCMD locals). */
  readonly asIs: readonly boolean[]
  /** Per function: those PASIDs are also taken from the destination function's own pool (delegated; global-per-function's local functions). */
  readonly ownPool: readonly boolean[]
  readonly anyEnqcmd: boolean
  /** Working space (per function limits; PASIDs needing a global per bound, one slot per possible width): the decision allocates nothing. */
  readonly scratch: Float64Array
  readonly boundScratch: Float64Array
}

/** A key for a sorted set of two or more function indices below `n`: a number while three or fewer fit, else the list as text. */
const groupKey = (functions: readonly number[], n: number): number | string => {
  if (functions.length <= 3 && n < 1 << 16) {
    let key = 0
    for (const i of functions) key = key * (1 << 17) + i + 1
    return key
  }
  return functions.join(',')
}

/** The state validated and arranged; Left with the state's own errors. `countSteps` is told the work done. */
export const compilePasids = (state: PasidState, countSteps?: (steps: number) => void): E.Either<readonly PasidStateError[], CompiledPasids> => {
  const bad = validatePasidState(state, countSteps)
  if (bad.length > 0) return E.left(bad)
  let steps = 0
  const n = state.functions.length
  const indexById = new Map(state.functions.map((f, i) => [f.id, i]))
  const pasidsOf: number[][] = state.functions.map(() => [])
  const groupCounts = new Map<number | string, { functions: number[]; count: number }>()
  /** Counts one PASID for the set of `functions` (indices, sorted here in place). */
  const addToGroup = (functions: number[]): void => {
    if (functions.length > 1) functions.sort((a, b) => a - b)
    const key = groupKey(functions, n)
    const g = groupCounts.get(key)
    if (g === undefined) groupCounts.set(key, { functions: [...functions], count: 1 })
    else g.count++
    steps += 1 + functions.length
  }
  /** PASIDs of one function only, per function: counted here, made groups at the end. */
  const alone = new Float64Array(n)
  const addToOne = (i: number): void => {
    alone[i]!++
    steps += 2
  }
  let locals: number[] = []
  let localOrder: Int32Array = new Int32Array(0)
  let localFunctions: Int32Array = new Int32Array(0)
  let localStart: Int32Array = new Int32Array(1)
  let bindingFunction: Int32Array = new Int32Array(0)
  let globalBindingOrder: Int32Array = new Int32Array(0)
  if (state.mode === 'global-split') {
    const values = new Int32Array(state.locals.length)
    for (let k = 0; k < values.length; k++) values[k] = state.locals[k]!.local
    localOrder = stableOrder(values, undefined, countSteps)
    locals = new Array(localOrder.length)
    localStart = new Int32Array(localOrder.length + 1)
    for (let k = 0; k < localOrder.length; k++) localStart[k + 1] = localStart[k]! + state.locals[localOrder[k]!]!.functions.length
    localFunctions = new Int32Array(localStart[localOrder.length]!)
    for (let k = 0; k < localOrder.length; k++) {
      const l = state.locals[localOrder[k]!]!
      locals[k] = l.local
      const at = localStart[k]!
      for (let j = 0; j < l.functions.length; j++) {
        const i = indexById.get(l.functions[j]!)!
        localFunctions[at + j] = i
        pasidsOf[i]!.push(l.local)
      }
      if (l.functions.length === 1) addToOne(localFunctions[at]!)
      else addToGroup(Array.from(localFunctions.subarray(at, at + l.functions.length)))
    }
  } else {
    const nb = state.bindings.length
    bindingFunction = new Int32Array(nb)
    const pasids = new Int32Array(nb)
    for (let k = 0; k < nb; k++) {
      bindingFunction[k] = indexById.get(state.bindings[k]!.function)!
      pasids[k] = state.bindings[k]!.pasid
    }
    const order = stableOrder(pasids, undefined, countSteps)
    const isGlobal = state.functions.map((f) => state.mode === 'global-per-function' && f.pool === 'global')
    const globals: number[] = []
    for (let k = 0; k < order.length; k++) {
      const i = bindingFunction[order[k]!]!
      pasidsOf[i]!.push(pasids[order[k]!]!)
      if (isGlobal[i]) globals.push(order[k]!)
    }
    steps += order.length
    globalBindingOrder = Int32Array.from(globals)
    // One group per guest PASID of the global functions: the functions binding it (a run in PASID order).
    for (let k = 0; k < globals.length; ) {
      const pasid = state.bindings[globals[k]!]!.pasid
      const fs: number[] = []
      for (; k < globals.length && state.bindings[globals[k]!]!.pasid === pasid; k++) fs.push(bindingFunction[globals[k]!]!)
      if (fs.length === 1) addToOne(fs[0]!)
      else addToGroup(fs)
    }
  }
  for (let i = 0; i < n; i++) if (alone[i]! > 0) groupCounts.set(`alone ${i}`, { functions: [i], count: alone[i]! })
  const widthChecked = state.functions.map((f) => state.mode === 'delegated' || (state.mode === 'global-per-function' && f.pool !== 'global'))
  const asIs = state.functions.map((f, i) => widthChecked[i]! || (state.mode === 'global-split' && !f.enqcmd))
  countSteps?.(steps + 4 * n)
  return E.right({
    state,
    pasidsOf,
    groups: [...groupCounts.values()],
    locals,
    localOrder,
    localFunctions,
    localStart,
    bindingFunction,
    globalBindingOrder,
    indexOf: new Map(state.functions.map((f, i) => [f, i])),
    indexById,
    widthChecked,
    asIs,
    ownPool: widthChecked,
    anyEnqcmd: state.functions.some((f) => f.enqcmd),
    scratch: new Float64Array(n),
    boundScratch: new Float64Array(BOUND_BUCKETS),
  })
}

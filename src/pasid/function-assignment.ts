/**
 * Which destination function takes each of the state's functions, and the two refusals that come
 * before any PASID rule: a destination listing one function id twice, and one destination
 * function given to two of the VM's functions.
 *
 * Assignments are one-to-one (DESIGN.md §4), and are refused otherwise rather than planned. A
 * host function is one requester ID with one PASID table and one pool; two VM functions on it
 * would share them in every mode: delegated, both may bind the same PASID; global-per-function,
 * one's local PASID may be the global the other is given; per-rid, two functions would draw
 * vPASID translations from one parent pool that each VM function's plan takes as its own;
 * global-split, a non-ENQCMD function's locals (programmed as they are) would meet the other's.
 * A VMM assigns a host function to one guest function, and the whole-VM search
 * (`checkMigration`) only ever makes one-to-one assignments, so nothing real needs many-to-one.
 */
import type { Reason } from '../proof/reason.js'
import type { HostPasid, HostPasidFunction } from './host-pasid.js'
import { pasidReason } from './pasid-reasons.js'
import type { PasidState } from './pasid-state.js'

/** Up to this many ids, pairs are compared directly (cheaper than a map on a scheduler's hot path). */
const FEW = 16

/** The first index whose `ids(k)` repeats an earlier one, with that earlier index; null when all differ. Skips undefined. */
const firstRepeat = (n: number, ids: (k: number) => string | undefined): readonly [first: number, again: number] | null => {
  if (n <= FEW) {
    for (let k = 1; k < n; k++) {
      const id = ids(k)
      if (id === undefined) continue
      for (let j = 0; j < k; j++) if (ids(j) === id) return [j, k]
    }
    return null
  }
  const seen = new Map<string, number>()
  for (let k = 0; k < n; k++) {
    const id = ids(k)
    if (id === undefined) continue
    const j = seen.get(id)
    if (j !== undefined) return [j, k]
    seen.set(id, k)
  }
  return null
}

/** `firstRepeat` over ids of objects (undefined skipped). */
const firstRepeatedId = (list: ReadonlyArray<{ readonly id: string } | undefined>): readonly [first: number, again: number] | null => firstRepeat(list.length, (k) => list[k]?.id)

// The two below compare a few ids directly and keep the closure of `firstRepeat` in a function
// of its own: a scheduler asks them of every host it considers, and a closure over their own
// parameters would allocate a context on every call.

/** Where the host lists a PASID function id a second time, or null. */
export const repeatedHostFunction = (host: HostPasid<unknown>): readonly [first: number, again: number] | null => {
  const fns = host.functions
  if (fns.length > FEW) return firstRepeatedId(fns)
  for (let k = 1; k < fns.length; k++) for (let j = 0; j < k; j++) if (fns[j]!.id === fns[k]!.id) return [j, k]
  return null
}

/** Two state functions (by index) given the same host function, or null. */
export const sharedHostFunction = (assigned: ReadonlyArray<HostPasidFunction<unknown> | undefined>): readonly [first: number, again: number] | null => {
  if (assigned.length > FEW) return firstRepeatedId(assigned)
  for (let k = 1; k < assigned.length; k++) {
    const id = assigned[k]?.id
    if (id !== undefined) for (let j = 0; j < k; j++) if (assigned[j]?.id === id) return [j, k]
  }
  return null
}

/** The refusals before any PASID rule: the host's ids repeat, or the assignment is not one-to-one. Empty when neither. */
export const assignmentReasons = <P>(state: PasidState, host: HostPasid<P>, assigned: ReadonlyArray<HostPasidFunction<P> | undefined>): Reason[] => {
  const reasons: Reason[] = []
  const repeated = repeatedHostFunction(host)
  if (repeated !== null) {
    const id = host.functions[repeated[1]]!.id
    reasons.push(pasidReason('PASID_DUPLICATE_FUNCTION', `the destination lists PASID function ${id} twice (entries ${repeated[0]} and ${repeated[1]}): which pool is ${id}'s is undefined`, id, null))
  }
  const shared = sharedHostFunction(assigned)
  if (shared !== null) {
    const [a, b] = shared.map((k) => state.functions[k]!.id)
    const h = assigned[shared[0]]!.id
    reasons.push(pasidReason('PASID_SHARED_FUNCTION', `${a} and ${b} are both given ${h}: a destination function takes one VM function, or their PASIDs would share its table`, `${a}, ${b}`, h))
  }
  return reasons
}

/**
 * Each state function's destination function: the one whose id `assignment` gives it, else the
 * one with its own id (the first such entry; `assignmentReasons` refuses a host repeating ids).
 */
export const assignByIds = <P>(state: PasidState, host: HostPasid<P>, assignment?: ReadonlyMap<string, string>): Array<HostPasidFunction<P> | undefined> => {
  const byId = new Map<string, HostPasidFunction<P>>()
  for (let k = host.functions.length - 1; k >= 0; k--) byId.set(host.functions[k]!.id, host.functions[k]!)
  return state.functions.map((f) => byId.get(assignment?.get(f.id) ?? f.id))
}

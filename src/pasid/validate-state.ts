/**
 * Checks a PASID state for what no destination could make right: a function id given twice, a
 * local listing a function twice, duplicate locals or bindings, locals at or above the split,
 * PASIDs beyond the width the guest was shown, PASID 0 bound, bindings to functions the state
 * does not have. Each error has the path of the offending entry. Linear in the state (its
 * functions, bindings and attachments; repeats found with a 128 KiB bitmap for global-split's
 * locals, by a radix ordering of bindings by PASID); at most `MAX_PASID_ERRORS` listed, the rest counted.
 *
 * The state decoders run it (`pasidStateFromData`), and so do the planner and the feasibility
 * compiler for states built in code: a state that fails it is never judged.
 */
import { errorList, type PasidStateError } from './pasid-state-error.js'
import type { PasidState } from './pasid-state.js'
import { MAX_PASID_WIDTH, pasidCount } from './pasid.js'
import { stableOrder } from './stable-order.js'

export const validatePasidState = (state: PasidState, countSteps?: (steps: number) => void): PasidStateError[] => {
  const errors = errorList()
  // Function ids: each once (the first wins for lookups; a repeat is an error).
  const indexById = new Map<string, number>()
  state.functions.forEach((f, i) => {
    const first = indexById.get(f.id)
    if (first !== undefined) errors.add(() => ({ code: 'DUPLICATE_FUNCTION', path: ['functions', i, 'id'], message: `function "${f.id}" appears again (first at functions[${first}])` }))
    else indexById.set(f.id, i)
    if (state.mode === 'global-per-function' && f.enqcmd && f.pool !== 'global') {
      errors.add(() => ({ code: 'ENQCMD_LOCAL', path: ['functions', i, 'pool'], message: `${f.id} submits with ENQCMD, whose PASIDs the CPU translates to globals: it must be in the global pool` }))
    }
  })
  const limit = state.functions.map((f) => pasidCount(f.capability.width))
  let steps = 2 * state.functions.length

  if (state.mode === 'global-split') {
    // Locals lie below 2^20: a bitmap finds repeats; where each first appeared is looked up only if one repeats.
    const seen = new Uint8Array((1 << MAX_PASID_WIDTH) >>> 3)
    let firstAt: Map<number, number> | null = null
    // Per function, the last local (index + 1) that listed it: a repeat within one local's list.
    const listedBy = new Int32Array(state.functions.length)
    steps += seen.length
    for (let i = 0; i < state.locals.length; i++) {
      const l = state.locals[i]!
      const local = l.local
      const inRange = Number.isInteger(local) && local >= 0 && local < 1 << MAX_PASID_WIDTH
      if (inRange && (seen[local >>> 3]! >>> (local & 7)) & 1) {
        if (firstAt === null) {
          firstAt = new Map()
          for (let k = state.locals.length - 1; k >= 0; k--) firstAt.set(state.locals[k]!.local, k)
          steps += state.locals.length
        }
        const first = firstAt.get(local)
        errors.add(() => ({ code: 'DUPLICATE_LOCAL', path: ['locals', i, 'local'], message: `local PASID ${local} appears again (first at locals[${first}])` }))
      } else if (inRange) seen[local >>> 3]! |= 1 << (local & 7)
      const ranged = local !== 0 && local < state.split
      if (local === 0) errors.add(() => ({ code: 'PASID_ZERO', path: ['locals', i, 'local'], message: 'PASID 0 is reserved (no PASID) and cannot be a local' }))
      else if (!ranged) errors.add(() => ({ code: 'LOCAL_OUT_OF_RANGE', path: ['locals', i, 'local'], message: `local PASID ${local} is not below the split point ${state.split}` }))
      for (let j = 0; j < l.functions.length; j++) {
        const id = l.functions[j]!
        const f = indexById.get(id)
        if (f === undefined) {
          errors.add(() => ({ code: 'UNKNOWN_FUNCTION', path: ['locals', i, 'functions', j], message: `no function "${id}" in the state` }))
          continue
        }
        if (listedBy[f] === i + 1) errors.add(() => ({ code: 'DUPLICATE_ATTACHMENT', path: ['locals', i, 'functions', j], message: `local PASID ${local} lists "${id}" twice` }))
        listedBy[f] = i + 1
        if (ranged && local >= limit[f]!) {
          errors.add(() => ({ code: 'PASID_BEYOND_WIDTH', path: ['locals', i, 'local'], message: `local PASID on ${id} ${local} is beyond the ${Math.log2(limit[f]!)}-bit width the guest was shown` }))
        }
      }
      steps += 1 + l.functions.length
    }
  } else {
    // Repeats found by ordering bindings by PASID in linear time (no move when they already are):
    // within one PASID's run, in binding order, a function listed earlier in the run repeats.
    const n = state.bindings.length
    const functionOf = new Int32Array(n)
    const pasidOf = new Int32Array(n)
    let bad = false
    // A binding's function tried first as the last one's or the next: states list bindings by function or in turn.
    // (A repeated id stands for its first function, as in `indexById`.)
    const ids = state.functions.map((f) => f.id)
    const first = ids.map((id) => indexById.get(id)!)
    let last = 0
    const functionIndex = (id: string): number | undefined => {
      if (ids[last] === id) return first[last]
      const next = last + 1 < ids.length ? last + 1 : 0
      if (ids[next] === id) {
        last = next
        return first[next]
      }
      const f = indexById.get(id)
      if (f !== undefined) last = f
      return f
    }
    for (let i = 0; i < n; i++) {
      const b = state.bindings[i]!
      const f = functionIndex(b.function)
      const ok = f !== undefined && Number.isInteger(b.pasid) && b.pasid > 0 && b.pasid < 1 << MAX_PASID_WIDTH
      functionOf[i] = ok ? f + 1 : 0
      pasidOf[i] = ok ? b.pasid : 0
      if (!ok || b.pasid >= limit[f]!) bad = true
    }
    const order = stableOrder(pasidOf, undefined, countSteps)
    let repeat: Uint8Array | null = null
    /** Per function (index + 1), the last run (PASID) it was seen in, plus one. */
    const seenIn = new Int32Array(state.functions.length + 1)
    let run = 0
    for (let k = 0; k < n; k++) {
      const b = order[k]!
      if (k === 0 || pasidOf[b] !== pasidOf[order[k - 1]!]) run++
      const f = functionOf[b]!
      if (f === 0) continue
      if (seenIn[f] === run) (repeat ??= new Uint8Array(n))[b] = 1
      else seenIn[f] = run
    }
    // Every binding sound (the common case): nothing more to look at.
    if (bad || repeat !== null) {
      for (let i = 0; i < n; i++) {
        const b = state.bindings[i]!
        const f = functionOf[i]! - 1 >= 0 ? functionOf[i]! - 1 : indexById.get(b.function)
        if (f === undefined) {
          errors.add(() => ({ code: 'UNKNOWN_FUNCTION', path: ['bindings', i, 'function'], message: `no function "${b.function}" in the state` }))
          continue
        }
        if (b.pasid === 0) errors.add(() => ({ code: 'PASID_ZERO', path: ['bindings', i, 'pasid'], message: 'PASID 0 is reserved (no PASID) and cannot be bound' }))
        else if (b.pasid >= limit[f]!) {
          errors.add(() => ({ code: 'PASID_BEYOND_WIDTH', path: ['bindings', i, 'pasid'], message: `PASID on ${b.function} ${b.pasid} is beyond the ${Math.log2(limit[f]!)}-bit width the guest was shown` }))
        }
        if (repeat?.[i] === 1) errors.add(() => ({ code: 'DUPLICATE_BINDING', path: ['bindings', i], message: `PASID ${b.pasid} is bound to ${b.function} twice` }))
      }
    }
    steps += 3 * n + state.functions.length
  }
  countSteps?.(steps)
  return errors.done()
}

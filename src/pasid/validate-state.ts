/**
 * Checks a PASID state for what no destination could make right: duplicate locals, locals at
 * or above the split, PASIDs beyond the width the guest was shown, PASID 0 bound, bindings to
 * functions the state does not have. Every error, with the path of the offending entry.
 */
import type { PasidStateError } from './pasid-state-error.js'
import type { PasidState } from './pasid-state.js'
import { pasidCount } from './pasid.js'

export const validatePasidState = (state: PasidState): PasidStateError[] => {
  const errors: PasidStateError[] = []
  const functions = new Map(state.functions.map((f) => [f.id, f]))
  state.functions.forEach((f, i) => {
    if (state.mode === 'global-per-function' && f.enqcmd && f.pool !== 'global') {
      errors.push({ code: 'ENQCMD_LOCAL', path: ['functions', i, 'pool'], message: `${f.id} submits with ENQCMD, whose PASIDs the CPU translates to globals: it must be in the global pool` })
    }
  })
  const checkPasid = (p: number, limitOf: number, path: ReadonlyArray<string | number>, what: string): void => {
    if (p === 0) errors.push({ code: 'PASID_ZERO', path, message: `PASID 0 is reserved (no PASID) and cannot be bound` })
    else if (p >= limitOf) errors.push({ code: 'PASID_BEYOND_WIDTH', path, message: `${what} ${p} is beyond the ${Math.log2(limitOf)}-bit width the guest was shown` })
  }
  if (state.mode === 'global-split') {
    // Locals lie below 2^20: a bitmap finds repeats without a map entry per local.
    const seen = new Uint8Array(1 << 17)
    for (let i = 0; i < state.locals.length; i++) {
      const l = state.locals[i]!
      const inRange = Number.isInteger(l.local) && l.local >= 0 && l.local < 1 << 20
      if (inRange && (seen[l.local >>> 3]! >>> (l.local & 7)) & 1) {
        const first = state.locals.findIndex((x) => x.local === l.local)
        errors.push({ code: 'DUPLICATE_LOCAL', path: ['locals', i, 'local'], message: `local PASID ${l.local} appears again (first at locals[${first}])` })
      } else if (inRange) seen[l.local >>> 3]! |= 1 << (l.local & 7)
      if (l.local === 0) errors.push({ code: 'PASID_ZERO', path: ['locals', i, 'local'], message: 'PASID 0 is reserved (no PASID) and cannot be a local' })
      else if (l.local >= state.split) errors.push({ code: 'LOCAL_OUT_OF_RANGE', path: ['locals', i, 'local'], message: `local PASID ${l.local} is not below the split point ${state.split}` })
      for (let j = 0; j < l.functions.length; j++) {
        const f = functions.get(l.functions[j]!)
        if (f === undefined) errors.push({ code: 'UNKNOWN_FUNCTION', path: ['locals', i, 'functions', j], message: `no function "${l.functions[j]}" in the state` })
        else if (l.local !== 0 && l.local < state.split && l.local >= pasidCount(f.capability.width)) {
          checkPasid(l.local, pasidCount(f.capability.width), ['locals', i, 'local'], `local PASID on ${f.id}`)
        }
      }
    }
  } else {
    const seen = new Set<string>()
    state.bindings.forEach((b, i) => {
      const f = functions.get(b.function)
      if (f === undefined) errors.push({ code: 'UNKNOWN_FUNCTION', path: ['bindings', i, 'function'], message: `no function "${b.function}" in the state` })
      else checkPasid(b.pasid, pasidCount(f.capability.width), ['bindings', i, 'pasid'], `PASID on ${b.function}`)
      const key = `${b.function}/${b.pasid}`
      if (seen.has(key)) errors.push({ code: 'DUPLICATE_BINDING', path: ['bindings', i], message: `PASID ${b.pasid} is bound to ${b.function} twice` })
      seen.add(key)
    })
  }
  return errors
}

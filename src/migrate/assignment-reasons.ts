/**
 * The sentences of a whole-VM refusal that are about the assignment rather than one pair: the
 * Hall violator (k guest functions, k − 1 host functions they can use), the PASID shortfall no
 * assignment escapes, and the two ends of the PASID limit search (every choice tried; the
 * stated bound hit).
 */
import type { GlobalShortfall } from '../pasid/pasid-limits.js'
import { pasidReason } from '../pasid/remap.js'
import { type Reason, wholeReason } from '../proof/reason.js'

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/**
 * No one-to-one assignment: these guest functions can only be taken by these host functions,
 * one fewer. `pasid`: counting only host functions that pass the guest function's PASID checks.
 */
export const hallReason = (hostName: string, guests: readonly string[], hosts: readonly string[], pasid: boolean): Reason => {
  const passing = pasid ? ' that pass their PASID checks' : ''
  const message =
    hosts.length === 0
      ? `${guests.join(', ')}: no free function of ${hostName}${passing} can take it`
      : `these ${guests.length} guest functions (${guests.join(', ')}) can only be taken by ${hosts.length === 1 ? 'this free function' : `these ${hosts.length} free functions`} of ${hostName}${passing} (${hosts.join(', ')}): no one-to-one assignment exists`
  return wholeReason('NO_ASSIGNMENT', message, { source: guests.join(', '), destination: hosts.join(', ') })
}

/**
 * Short under every assignment: even with every VM function on its candidate of the largest
 * PASID limit, or (`forced`) because too few free functions have a limit above the bound.
 */
export const shortfallReason = (hostName: string, s: GlobalShortfall & { readonly forced?: number; readonly above?: number }): Reason => {
  const need = `${plural(s.needed, 'guest PASID')} need${s.needed === 1 ? 's' : ''} a fresh global below ${s.bound}`
  const have = `${hostName} has only ${s.available} free in [${s.from}, ${s.bound})`
  const message =
    s.forced === undefined
      ? `whichever free functions take the VM's functions, ${need} (the smallest PASID limit of the functions attached, at best), but ${have}`
      : `${hostName} has ${plural(s.above ?? 0, 'free function')} with a PASID limit above ${s.bound} for the VM's functions that could use one, so at least ${s.forced} of them get a limit of at most ${s.bound}; with the guest PASIDs they touch, at least ${need}, but ${have}`
  return pasidReason('PASID_POOL_EXHAUSTED', message, s.needed, s.available)
}

/** Every choice of PASID limits was tried (the first assignment's shortfall is reported before this). */
export const limitsExhaustedReason = (hostName: string, choices: number): Reason =>
  wholeReason(
    'NO_ASSIGNMENT',
    `${hostName}'s free functions differ in PASID limit; every way of giving the VM's functions candidates by limit was tried (${plural(choices, 'choice')}), and under none do the guest PASIDs fit`,
    { destination: hostName },
  )

/** The stated bound of the PASID limit search was hit: nothing proved, so refused. */
export const searchBoundReason = (hostName: string, budget: number, choices: number): Reason =>
  wholeReason(
    'SEARCH_BOUND',
    `deciding which of ${hostName}'s free functions, of different PASID limits, the VM's functions should take reached the search's bound (${budget} steps, option maxSearchSteps) after ${plural(choices, 'choice')} without an assignment under which the PASIDs fit; refused, since nothing was proved`,
    { source: budget, destination: hostName },
  )

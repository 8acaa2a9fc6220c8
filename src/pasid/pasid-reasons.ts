/**
 * The PASID refusals as sentences, shared by the planner (`remapPasids`, bitmap pools) and the
 * feasibility check (`pasidFeasibility`, range pools), so both say the same thing in the same
 * words. One reason per kind and function (a count and the first PASID), never one per PASID:
 * a state of 10^6 bindings beyond a limit is one sentence.
 */
import type { Reason, ReasonCode } from '../proof/reason.js'
import { type HostPasid, type HostPasidFunction, pasidLimit } from './host-pasid.js'
import type { PasidFunction, PasidState } from './pasid-state.js'

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

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/**
 * Reasons about each function that hold in every mode: present, PASID-capable, features, PF
 * enabled, ENQCMD translated by the CPU; and, where `checkWidth` says the function's PASIDs reach
 * the hardware as the guest chose them, the destination's width at least the guest's. Any pool form.
 */
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

/** Global-split's split point: the destination must leave guests at least the source's locals. */
export const splitReasons = <P>(split: number, host: HostPasid<P>): Reason[] => {
  if (host.split === null) return [pasidReason('PASID_SPLIT', `the destination does not split its PASID space; the guest owns locals [1, ${split})`, split, null)]
  if (host.split < split) return [pasidReason('PASID_SPLIT', `the destination leaves guests [1, ${host.split}) but the guest owns locals up to ${split - 1}`, split, host.split)]
  return []
}

/** PASIDs programmed as they are, `count` of them at or above the destination function's limit. */
export const beyondLimitReason = (id: string, hostId: string, count: number, first: number, limit: number): Reason =>
  pasidReason('PASID_WIDTH', `${id}: ${plural(count, 'PASID')} from ${first} up ${count === 1 ? 'is' : 'are'} beyond ${hostId}'s limit ${limit}`, first, limit)

/** PASIDs programmed as they are, `count` of them already in use on the destination function. */
export const occupiedReason = (id: string, hostId: string, count: number, first: number): Reason =>
  pasidReason('PASID_OCCUPIED', `${id}: ${plural(count, 'PASID')} already in use on ${hostId} (the first: ${first})`, first, null)

/** Global-split locals the destination has allocated itself. */
export const localsOccupiedReason = (count: number, first: number): Reason =>
  pasidReason('PASID_LOCAL_OCCUPIED', `${plural(count, 'local PASID')} already allocated on the destination (the first: ${first})`, first, null)

/** Per-rid: a parent's pool with fewer free PASIDs below its limit than the function's vPASIDs. */
export const parentExhaustedReason = (id: string, hostId: string, count: number, available: number, limit: number): Reason =>
  pasidReason('PASID_POOL_EXHAUSTED', `${hostId}'s PASID pool has ${available} free below ${limit}; ${id} has ${plural(count, 'vPASID')}`, count, available)

/** Too few free globals in [from, bound) for the guest PASIDs bounded by `bound`. */
export const globalsExhaustedReason = (needed: number, bound: number, available: number, from: number): Reason =>
  pasidReason(
    'PASID_POOL_EXHAUSTED',
    `${plural(needed, 'guest PASID')} need${needed === 1 ? 's' : ''} a fresh global below ${bound} (the smallest limit of the functions attached), but the destination has only ${available} free in [${from}, ${bound})`,
    needed,
    available,
  )

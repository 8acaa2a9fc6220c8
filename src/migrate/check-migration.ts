/**
 * The whole-VM check: can this host take this VM? A one-to-one assignment of the VM's
 * functions to the host's free functions, each able to back its function's layout (and take
 * its state), under which the VM's PASIDs can be remapped. Returns the assignment with each
 * function's offset map and the PASID plan, or every reason none exists: per function that
 * no candidate can take, the closest candidate's reasons.
 */
import * as E from 'fp-ts/lib/Either.js'
import { type OffsetMapping, realize } from '../layout/realize.js'
import { translate } from '../layout/translate.js'
import type { PersonaMatrix } from '../layout/persona.js'
import { type PasidPlan, remapPasids } from '../pasid/remap.js'
import type { Reason } from '../proof/reason.js'
import { prepareFunction } from '../semantic/prepared-function.js'
import { build } from '../layout/build.js'
import type { MigrationState } from '../state/migration-state.js'
import type { Host, HostCandidate } from './host.js'

export interface FunctionAssignment {
  readonly guestAddress: string
  readonly hostAddress: string
  readonly offsetMap: readonly OffsetMapping[]
}

export interface MigrationVerdict {
  readonly compatible: boolean
  readonly reasons: readonly Reason[]
  readonly assignment: readonly FunctionAssignment[] | null
  readonly pasidPlan: PasidPlan | null
}

export interface CheckMigrationOptions {
  readonly personas?: PersonaMatrix
  /** Assignments tried for a PASID plan before giving up (VMs have few functions). */
  readonly maxAssignments?: number
}

interface Edge {
  readonly candidate: HostCandidate
  readonly map: readonly OffsetMapping[] | null
  readonly errors: readonly Reason[]
  readonly warnings: readonly Reason[]
}

const prefixed = (r: Reason, who: string): Reason => ({ ...r, message: `${who}: ${r.message}` })

/** Judges `state` against `host`. Total: bad layouts in the state are reported as reasons. */
export const checkMigration = (state: MigrationState, host: Host, options: CheckMigrationOptions = {}): MigrationVerdict => {
  const free = host.functions.filter((c) => c.free)
  const byAddress = new Map(host.functions.map((c) => [c.address, c]))
  const reasons: Reason[] = []
  const edges: Edge[][] = state.functions.map((f) => {
    const built = build(f.layout)
    const virtual = E.isRight(built) ? prepareFunction(built.right) : null
    return free.map((candidate): Edge => {
      const pf = candidate.pf === null ? undefined : byAddress.get(candidate.pf)?.function
      const r = realize(f.layout, candidate.function, {
        ...(pf === undefined ? {} : { pf }),
        ...(options.personas === undefined ? {} : { personas: options.personas }),
        ...(candidate.persona === null ? {} : { destinationPersona: candidate.persona }),
      })
      if (E.isLeft(r)) {
        return { candidate, map: null, errors: [{ code: 'NO_CANDIDATE', severity: 'error', capability: null, field: null, offset: null, length: null, source: null, destination: null, message: r.left.map((e) => e.message).join('; ') }], warnings: [] }
      }
      const errors = r.right.reasons.filter((x) => x.severity === 'error')
      const warnings = r.right.reasons.filter((x) => x.severity === 'warning')
      if (r.right.offsetMap !== null && virtual !== null) {
        const moved = translate(f.configImage, virtual, r.right.offsetMap, candidate.function)
        if (E.isLeft(moved)) return { candidate, map: null, errors: moved.left, warnings }
      }
      return { candidate, map: r.right.offsetMap, errors, warnings }
    })
  })
  // Functions nothing can take: their closest candidate's reasons.
  state.functions.forEach((f, i) => {
    const options_ = edges[i]!
    if (options_.some((e) => e.map !== null)) return
    const closest = [...options_].sort((a, b) => a.errors.length - b.errors.length)[0]
    reasons.push({
      code: 'NO_CANDIDATE',
      severity: 'error',
      capability: null,
      field: null,
      offset: null,
      length: null,
      source: f.guestAddress,
      destination: closest?.candidate.address ?? null,
      message:
        closest === undefined
          ? `${f.guestAddress}: ${host.name} has no free function`
          : `${f.guestAddress}: no free function of ${host.name} can take it; the closest, ${closest.candidate.address}, fails ${closest.errors.length} check${closest.errors.length === 1 ? '' : 's'}:`,
    })
    if (closest !== undefined) reasons.push(...closest.errors.map((r) => prefixed(r, `${f.guestAddress} → ${closest.candidate.address}`)))
  })
  if (reasons.length > 0) return { compatible: false, reasons, assignment: null, pasidPlan: null }

  // One-to-one assignments in a fixed order; the first that also places the PASIDs wins.
  const limit = options.maxAssignments ?? 256
  let tried = 0
  let firstPasidReasons: readonly Reason[] | null = null
  const chosen: Edge[] = []
  const used = new Set<string>()
  const search = (i: number): { assignment: FunctionAssignment[]; plan: PasidPlan | null } | null => {
    if (tried >= limit) return null
    if (i === state.functions.length) {
      tried++
      const assignment = state.functions.map((f, k) => ({ guestAddress: f.guestAddress, hostAddress: chosen[k]!.candidate.address, offsetMap: chosen[k]!.map! }))
      if (state.pasid === null) return { assignment, plan: null }
      if (host.pasid === null) {
        firstPasidReasons ??= [{ code: 'PASID_NO_FUNCTION', severity: 'error', capability: null, field: null, offset: null, length: null, source: state.pasid.mode, destination: null, message: `the VM uses PASIDs but ${host.name} describes no PASID pools` }]
        return null
      }
      const plan = remapPasids(state.pasid, host.pasid, { assignment: new Map(assignment.map((a) => [a.guestAddress, a.hostAddress])) })
      if (E.isLeft(plan)) {
        firstPasidReasons ??= plan.left.map((e) => ({ code: 'PASID_NO_FUNCTION' as const, severity: 'error' as const, capability: null, field: null, offset: null, length: null, source: null, destination: null, message: `PASID state: ${e.message}` }))
        return null
      }
      if (plan.right.plan === null) {
        firstPasidReasons ??= plan.right.reasons
        return null
      }
      return { assignment, plan: plan.right.plan }
    }
    for (const e of edges[i]!) {
      if (e.map === null || used.has(e.candidate.address)) continue
      used.add(e.candidate.address)
      chosen[i] = e
      const found = search(i + 1)
      if (found !== null) return found
      used.delete(e.candidate.address)
    }
    return null
  }
  const found = search(0)
  if (found === null) {
    if (firstPasidReasons !== null) return { compatible: false, reasons: firstPasidReasons, assignment: null, pasidPlan: null }
    return {
      compatible: false,
      reasons: [{ code: 'NO_ASSIGNMENT', severity: 'error', capability: null, field: null, offset: null, length: null, source: state.functions.map((f) => f.guestAddress).join(', '), destination: host.name, message: `every function has a candidate on ${host.name}, but they compete for the same free functions: no one-to-one assignment exists` }],
      assignment: null,
      pasidPlan: null,
    }
  }
  const warnings = state.functions.flatMap((f, k) => (edges[k]!.find((e) => e.candidate.address === found.assignment[k]!.hostAddress)?.warnings ?? []).map((r) => prefixed(r, `${f.guestAddress} → ${found.assignment[k]!.hostAddress}`)))
  return { compatible: true, reasons: warnings, assignment: found.assignment, pasidPlan: found.plan }
}

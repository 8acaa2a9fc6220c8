/**
 * A VM's migration state compiled once for judging any number of hosts. Compiling builds each
 * function's layout and arranges its PASIDs; judging a host then looks each of its free
 * functions up by device class — a digest of what decides compatibility (semantic image and
 * BARs, persona, the PF's image for a VF) — so a device model is realized against the VM's
 * layouts once per plan, not once per host. What is left per host is the one-to-one assignment
 * search and the PASID feasibility check on range pools.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Persona } from '../layout/function-layout.js'
import type { PersonaMatrix } from '../layout/persona.js'
import { type OffsetMapping, realize } from '../layout/realize.js'
import { translate } from '../layout/translate.js'
import { build } from '../layout/build.js'
import { type CompiledPasids, compilePasids, pasidFeasibility } from '../pasid/pasid-feasibility.js'
import type { HostPasidFunction } from '../pasid/host-pasid.js'
import type { PasidRanges } from '../pasid/pasid-ranges.js'
import type { Reason } from '../proof/reason.js'
import { type PreparedFunction, prepareFunction } from '../semantic/prepared-function.js'
import type { MigrationState } from '../state/migration-state.js'
import type { Host, HostFunction } from './host.js'

export interface FunctionAssignment {
  readonly guestAddress: string
  readonly hostAddress: string
  readonly offsetMap: readonly OffsetMapping[]
}

export interface PlanOptions {
  readonly personas?: PersonaMatrix
  /** Complete assignments tried for a PASID placement before giving up (VMs have few functions). */
  readonly maxAssignments?: number
}

/** Whether a device class can take one of the VM's functions: its offset map, or why not. */
interface Edge {
  readonly map: readonly OffsetMapping[] | null
  readonly errors: readonly Reason[]
  readonly warnings: readonly Reason[]
}

/** A device class judged against every function of the VM (one edge per VM function). */
type DeviceClass = readonly Edge[]

export interface MigrationPlan {
  readonly state: MigrationState
  readonly options: PlanOptions
  /** The PASID state arranged for feasibility checks; Left when the state is malformed; null without PASIDs. */
  readonly pasids: E.Either<readonly Reason[], CompiledPasids> | null
  /** For each PASID-state function, the index of the VM function it names, or -1. */
  readonly pasidFunctionIndex: readonly number[]
  /** How many device classes were judged so far (each costs a realize per VM function). */
  classesJudged(): number
  /** The device class of a host function (judged on first sight). */
  classOf(candidate: HostFunction, pf: PreparedFunction | undefined): DeviceClass
}

const personaKey = (p: Persona | null): string => (p === null ? '-' : JSON.stringify([p.family, p.hardwareVersion, p.firmware, p.migrationStreams]))

/** Compiles `state` for judging hosts. Total: bad layouts in the state become reasons on every host. */
export const compileMigration = (state: MigrationState, options: PlanOptions = {}): MigrationPlan => {
  const virtual = state.functions.map((f) => {
    const built = build(f.layout)
    return E.isRight(built) ? prepareFunction(built.right) : null
  })
  const judge = (candidate: HostFunction, pf: PreparedFunction | undefined): DeviceClass =>
    state.functions.map((f, i): Edge => {
      const r = realize(f.layout, candidate.function, {
        ...(pf === undefined ? {} : { pf }),
        ...(options.personas === undefined ? {} : { personas: options.personas }),
        ...(candidate.persona === null ? {} : { destinationPersona: candidate.persona }),
      })
      if (E.isLeft(r)) {
        return { map: null, errors: [{ code: 'NO_CANDIDATE', severity: 'error', capability: null, field: null, offset: null, length: null, source: null, destination: null, message: r.left.map((e) => e.message).join('; ') }], warnings: [] }
      }
      const errors = r.right.reasons.filter((x) => x.severity === 'error')
      const warnings = r.right.reasons.filter((x) => x.severity === 'warning')
      const v = virtual[i]
      if (r.right.offsetMap !== null && v !== null && v !== undefined) {
        const moved = translate(f.configImage, v, r.right.offsetMap, candidate.function)
        if (E.isLeft(moved)) return { map: null, errors: moved.left, warnings }
      }
      return { map: r.right.offsetMap, errors, warnings }
    })

  // Identity first (hosts of a fleet share model objects), then by digest (equal models loaded apart).
  const byIdentity = new Map<PreparedFunction, Map<Persona | null, Map<PreparedFunction | undefined, DeviceClass>>>()
  const byDigest = new Map<string, DeviceClass>()
  const classOf = (candidate: HostFunction, pf: PreparedFunction | undefined): DeviceClass => {
    let personas = byIdentity.get(candidate.function)
    if (personas === undefined) byIdentity.set(candidate.function, (personas = new Map()))
    let pfs = personas.get(candidate.persona)
    if (pfs === undefined) personas.set(candidate.persona, (pfs = new Map()))
    let cls = pfs.get(pf)
    if (cls !== undefined) return cls
    const key = `${candidate.function.digest}/${personaKey(candidate.persona)}/${pf?.digest ?? '-'}`
    cls = byDigest.get(key)
    if (cls === undefined) byDigest.set(key, (cls = judge(candidate, pf)))
    pfs.set(pf, cls)
    return cls
  }

  let pasids: MigrationPlan['pasids'] = null
  if (state.pasid !== null) {
    const compiled = compilePasids(state.pasid)
    pasids = E.isRight(compiled)
      ? compiled
      : E.left(compiled.left.map((e): Reason => ({ code: 'PASID_NO_FUNCTION', severity: 'error', capability: null, field: null, offset: null, length: null, source: null, destination: null, message: `PASID state: ${e.message}` })))
  }
  const guestIndex = new Map(state.functions.map((f, i) => [f.guestAddress, i]))
  return {
    state,
    options,
    pasids,
    pasidFunctionIndex: (state.pasid?.functions ?? []).map((f) => guestIndex.get(f.id) ?? -1),
    classesJudged: () => byDigest.size,
    classOf,
  }
}

/** A host's answer: the assignment (PASIDs known to fit, the plan not made), or every reason not. */
export type HostJudgement =
  | { readonly compatible: true; readonly assignment: readonly FunctionAssignment[]; readonly warnings: readonly Reason[] }
  | { readonly compatible: false; readonly reasons: readonly Reason[] }

const prefixed = (r: Reason, who: string): Reason => ({ ...r, message: `${who}: ${r.message}` })

/** Judges one host: total, no plan made. */
export const judgeHost = (plan: MigrationPlan, host: Host): HostJudgement => {
  const { state } = plan
  const n = state.functions.length
  const free: HostFunction[] = []
  const classes: DeviceClass[] = []
  for (const c of host.functions) {
    if (!c.free) continue
    let pf: PreparedFunction | undefined
    if (c.pf !== null) for (const x of host.functions) if (x.address === c.pf) pf = x.function
    free.push(c)
    classes.push(plan.classOf(c, pf))
  }

  // Functions nothing can take: their closest candidate's reasons.
  let reasons: Reason[] | null = null
  for (let i = 0; i < n; i++) {
    let closest = -1
    let taken = false
    for (let k = 0; k < free.length; k++) {
      const e = classes[k]![i]!
      if (e.map !== null) {
        taken = true
        break
      }
      if (closest < 0 || e.errors.length < classes[closest]![i]!.errors.length) closest = k
    }
    if (taken) continue
    reasons ??= []
    const f = state.functions[i]!
    const c = closest < 0 ? undefined : free[closest]!
    const errors = closest < 0 ? [] : classes[closest]![i]!.errors
    reasons.push({
      code: 'NO_CANDIDATE',
      severity: 'error',
      capability: null,
      field: null,
      offset: null,
      length: null,
      source: f.guestAddress,
      destination: c?.address ?? null,
      message:
        c === undefined
          ? `${f.guestAddress}: ${host.name} has no free function`
          : `${f.guestAddress}: no free function of ${host.name} can take it; the closest, ${c.address}, fails ${errors.length} check${errors.length === 1 ? '' : 's'}:`,
    })
    if (c !== undefined) for (const r of errors) reasons.push(prefixed(r, `${f.guestAddress} → ${c.address}`))
  }
  if (reasons !== null) return { compatible: false, reasons }

  // One-to-one assignments in host order; the first under which the PASIDs fit wins.
  const limit = plan.options.maxAssignments ?? 256
  const chosen = new Int32Array(n).fill(-1)
  const used = new Uint8Array(free.length)
  let tried = 0
  let pasidReasons: readonly Reason[] | null = null
  const pasidFunctions = host.pasid?.functions ?? []
  const pasidsFit = (): boolean => {
    const compiled = plan.pasids
    if (compiled === null) return true
    if (E.isLeft(compiled)) {
      pasidReasons ??= compiled.left
      return false
    }
    if (host.pasid === null) {
      pasidReasons ??= [{ code: 'PASID_NO_FUNCTION', severity: 'error', capability: null, field: null, offset: null, length: null, source: compiled.right.state.mode, destination: null, message: `the VM uses PASIDs but ${host.name} describes no PASID pools` }]
      return false
    }
    const hostOf = (j: number): HostPasidFunction<PasidRanges> | undefined => {
      const vm = plan.pasidFunctionIndex[j]!
      const id = vm < 0 ? compiled.right.state.functions[j]!.id : free[chosen[vm]!]!.address
      for (const h of pasidFunctions) if (h.id === id) return h
      return undefined
    }
    const r = pasidFeasibility(compiled.right, host.pasid, hostOf)
    if (r.length === 0) return true
    pasidReasons ??= r
    return false
  }
  const search = (i: number): boolean => {
    if (tried >= limit) return false
    if (i === n) {
      tried++
      return pasidsFit()
    }
    for (let k = 0; k < free.length; k++) {
      if (used[k] === 1 || classes[k]![i]!.map === null) continue
      used[k] = 1
      chosen[i] = k
      if (search(i + 1)) return true
      used[k] = 0
    }
    return false
  }
  if (!search(0)) {
    if (pasidReasons !== null) return { compatible: false, reasons: pasidReasons }
    return {
      compatible: false,
      reasons: [
        {
          code: 'NO_ASSIGNMENT',
          severity: 'error',
          capability: null,
          field: null,
          offset: null,
          length: null,
          source: state.functions.map((f) => f.guestAddress).join(', '),
          destination: host.name,
          message: `every function has a candidate on ${host.name}, but they compete for the same free functions: no one-to-one assignment exists`,
        },
      ],
    }
  }
  const assignment: FunctionAssignment[] = []
  const warnings: Reason[] = []
  for (let i = 0; i < n; i++) {
    const f = state.functions[i]!
    const c = free[chosen[i]!]!
    const e = classes[chosen[i]!]![i]!
    assignment.push({ guestAddress: f.guestAddress, hostAddress: c.address, offsetMap: e.map! })
    for (const w of e.warnings) warnings.push(prefixed(w, `${f.guestAddress} → ${c.address}`))
  }
  return { compatible: true, assignment, warnings }
}

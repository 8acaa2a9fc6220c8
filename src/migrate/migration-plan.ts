/**
 * A VM's migration state compiled once for judging any number of hosts. Compiling builds each
 * function's layout and arranges its PASIDs; judging a host then looks each of its free
 * functions up by device class — a digest of what decides compatibility (semantic image and
 * BARs, persona, the PF's image for a VF) — so a device model is realized against the VM's
 * layouts once per plan, not once per host. What is left per host is the one-to-one assignment
 * (a bipartite matching) and the PASID feasibility check on range pools (host-judgement.ts).
 */
import * as E from 'fp-ts/lib/Either.js'
import type { FunctionLayout, Persona } from '../layout/function-layout.js'
import type { PersonaMatrix } from '../layout/persona.js'
import { type OffsetMapping, realize } from '../layout/realize.js'
import { translate } from '../layout/translate.js'
import type { UnprovenStateOptions } from '../proof/unproven-state.js'
import { type CompiledPasids, compilePasids } from '../pasid/pasid-feasibility.js'
import { type Reason, wholeReason } from '../proof/reason.js'
import { renderPath } from '../layout/layout-error.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'
import type { MigrationState } from '../state/migration-state.js'
import { stateConsistency } from '../state/state-consistency.js'
import type { Host, HostFunction } from './host.js'
import { type HostJudgement, hostJudge } from './host-judgement.js'

export interface FunctionAssignment {
  readonly guestAddress: string
  readonly hostAddress: string
  readonly offsetMap: readonly OffsetMapping[]
}

export interface PlanOptions extends UnprovenStateOptions {
  readonly personas?: PersonaMatrix
  /**
   * Steps the PASID limit search may take on one host (default 250,000, a few milliseconds): the one
   * part of judging a host with no polynomial algorithm (host-judgement.ts). A host it cannot
   * decide within them is refused with SEARCH_BOUND, never accepted.
   */
  readonly maxSearchSteps?: number
}

/** Whether a device class can take one of the VM's functions: its offset map, or why not. */
export interface Edge {
  readonly map: readonly OffsetMapping[] | null
  readonly errors: readonly Reason[]
  readonly warnings: readonly Reason[]
}

/** A device class judged against every function of the VM: one edge per VM function. */
export interface DeviceClass {
  readonly edges: readonly Edge[]
  /** Bit i set when the class can take VM function i (VMs of up to 31 functions; larger use `edges`). */
  readonly takes: number
}

export interface MigrationPlan {
  readonly state: MigrationState
  readonly options: PlanOptions
  /** The PASID state arranged for feasibility checks; Left when the state is malformed; null without PASIDs. */
  readonly pasids: E.Either<readonly Reason[], CompiledPasids> | null
  /** For each PASID-state function, the index of the VM function it names, or -1. */
  readonly pasidFunctionIndex: readonly number[]
  /** How the state contradicts itself (state-consistency.ts); when any, every host is refused with these. */
  readonly inconsistencies: readonly Reason[]
  /** Each VM function's layout, built: the digest of its semantic image (null when it does not build). */
  readonly layoutDigests: ReadonlyArray<string | null>
  /** How many device classes were judged so far (each costs a realize per VM function). */
  classesJudged(): number
  /** Steps the assignment searches took so far, over every host judged (edges examined, limits tried). */
  searchSteps(): number
  /** The device class of a host function (judged on first sight). */
  classOf(candidate: HostFunction, pf: PreparedFunction | undefined): DeviceClass
  /** Judges one host (see `judgeHost`). */
  judge(host: Host): HostJudgement
  /** `judge`, or null where it would be NO_CANDIDATE (a VM function no free function can take): what a filter of many hosts asks, allocating nothing for those. */
  screen(host: Host): HostJudgement | null
}

/** A persona as text, for class keys. */
export const personaKey = (p: Persona | null): string => (p === null ? '-' : JSON.stringify([p.family, p.hardwareVersion, p.firmware, p.migrationStreams]))

/**
 * What decides a host function's judgement against any VM, as text: its semantic digest and
 * name (messages name it), its persona, and its PF's digest and name for a VF. Equal keys, equal
 * judgements; a plan judges each key once.
 */
export const deviceClassKey = (candidate: Pick<HostFunction, 'function' | 'persona'>, pf: PreparedFunction | undefined, persona = personaKey(candidate.persona)): string =>
  `${candidate.function.digest}/${candidate.function.name}/${persona}/${pf === undefined ? '-' : `${pf.digest}/${pf.name}`}`

type Realized = ReturnType<typeof realize>

/**
 * Realizations kept across plans, by layout and device class key: what a VM of an instance
 * type already seen needs no more of (realize depends on the layout, the class and the persona
 * matrix, never on the VM's state). An inventory keeps one.
 */
export interface RealizationCache {
  readonly get: (layout: FunctionLayout, key: string) => Realized | undefined
  readonly set: (layout: FunctionLayout, key: string, r: Realized) => void
}

/** Classes kept per layout at most; the oldest go first. */
const REALIZATIONS_PER_LAYOUT = 4096

export const realizationCache = (): RealizationCache => {
  const byLayout = new WeakMap<FunctionLayout, Map<string, Realized>>()
  return {
    get: (layout, key) => byLayout.get(layout)?.get(key),
    set: (layout, key, r) => {
      let m = byLayout.get(layout)
      if (m === undefined) byLayout.set(layout, (m = new Map()))
      if (m.size >= REALIZATIONS_PER_LAYOUT) m.delete(m.keys().next().value!)
      m.set(key, r)
    },
  }
}

const matrixIds = new WeakMap<PersonaMatrix, number>()
let nextMatrixId = 1
/** A number naming a persona matrix object (matrices are immutable values). */
const matrixId = (m: PersonaMatrix | undefined): number => {
  if (m === undefined) return 0
  let id = matrixIds.get(m)
  if (id === undefined) matrixIds.set(m, (id = nextMatrixId++))
  return id
}

/** Compiles `state` for judging hosts. Total: bad layouts in the state become reasons on every host. */
export const compileMigration = (state: MigrationState, options: PlanOptions = {}): MigrationPlan => compilePlan(state, options)

/** `compileMigration`, with realizations taken from and kept in `realized`. */
export const compilePlan = (state: MigrationState, options: PlanOptions = {}, realized?: RealizationCache): MigrationPlan => {
  // The state is checked against itself first; a contradiction is a reason every host gets.
  const consistency = stateConsistency(state)
  const virtual = consistency.built
  const matrix = `#${matrixId(options.personas)}`
  const realizeClass = (f: MigrationState['functions'][number], candidate: HostFunction, pf: PreparedFunction | undefined, key: string): Realized => {
    const cached = realized?.get(f.layout, key)
    if (cached !== undefined) return cached
    const r = realize(f.layout, candidate.function, {
      ...(pf === undefined ? {} : { pf }),
      ...(options.personas === undefined ? {} : { personas: options.personas }),
      ...(candidate.persona === null ? {} : { destinationPersona: candidate.persona }),
    })
    realized?.set(f.layout, key, r)
    return r
  }
  const judgeClass = (candidate: HostFunction, pf: PreparedFunction | undefined, key: string): DeviceClass => {
    const edges = state.functions.map((f, i): Edge => {
      const r = realizeClass(f, candidate, pf, key + matrix)
      if (E.isLeft(r)) {
        return { map: null, errors: [wholeReason('NO_CANDIDATE', r.left.map((e) => (e.path.length === 0 ? e.message : `${renderPath(e.path)}: ${e.message}`)).join('; '))], warnings: [] }
      }
      const errors = r.right.reasons.filter((x) => x.severity === 'error')
      const warnings = r.right.reasons.filter((x) => x.severity === 'warning')
      const v = virtual[i]
      if (r.right.offsetMap !== null && v !== null && v !== undefined) {
        const moved = translate(f.configImage, v, r.right.offsetMap, candidate.function, options)
        if (E.isLeft(moved)) return { map: null, errors: moved.left, warnings }
        return { map: r.right.offsetMap, errors, warnings: [...warnings, ...moved.right.warnings] }
      }
      return { map: r.right.offsetMap, errors, warnings }
    })
    let takes = 0
    edges.forEach((e, i) => {
      if (e.map !== null && i < 31) takes |= 1 << i
    })
    return { edges, takes }
  }

  // Identity first (hosts of a fleet share model objects; the last persona and PF seen with a
  // model are checked before any map), then by digest (equal models loaded apart).
  interface Seen {
    persona: Persona | null
    pf: PreparedFunction | undefined
    cls: DeviceClass
  }
  const byIdentity = new Map<PreparedFunction, Seen>()
  const byDigest = new Map<string, DeviceClass>()
  const classOf = (candidate: HostFunction, pf: PreparedFunction | undefined): DeviceClass => {
    const seen = byIdentity.get(candidate.function)
    if (seen !== undefined && seen.persona === candidate.persona && seen.pf === pf) return seen.cls
    const key = deviceClassKey(candidate, pf)
    let cls = byDigest.get(key)
    if (cls === undefined) byDigest.set(key, (cls = judgeClass(candidate, pf, key)))
    byIdentity.set(candidate.function, { persona: candidate.persona, pf, cls })
    return cls
  }

  let pasids: MigrationPlan['pasids'] = null
  if (state.pasid !== null) {
    const compiled = compilePasids(state.pasid)
    pasids = E.isRight(compiled)
      ? compiled
      : E.left(compiled.left.map((e) => wholeReason('PASID_NO_FUNCTION', `PASID state, ${renderPath(['pasid', ...e.path])}: ${e.message}`)))
  }
  const guestIndex = new Map(state.functions.map((f, i) => [f.guestAddress, i]))
  const plan: MigrationPlan = {
    state,
    options,
    pasids,
    pasidFunctionIndex: (state.pasid?.functions ?? []).map((f) => guestIndex.get(f.id) ?? -1),
    layoutDigests: virtual.map((v) => v?.digest ?? null),
    classesJudged: () => byDigest.size,
    searchSteps: () => judge.steps(),
    classOf,
    inconsistencies: consistency.reasons,
    judge: (host) => (consistency.reasons.length > 0 ? { compatible: false, host, reasons: consistency.reasons } : judge.judge(host)),
    screen: (host) => (consistency.reasons.length > 0 ? { compatible: false, host, reasons: consistency.reasons } : judge.screen(host)),
  }
  const judge = hostJudge(plan)
  return plan
}

/**
 * Judges one host under a compiled plan: the assignment (the PASIDs known to fit; the plan
 * itself is `checkHost`'s), or every reason none exists. Total; no plan made.
 */
export const judgeHost = (plan: MigrationPlan, host: Host): HostJudgement => plan.judge(host)

export type { HostAccepted, HostJudgement, HostRejected } from './host-judgement.js'

/**
 * Judging one host under a compiled plan, fast enough for 10^6 hosts a second, and in time
 * polynomial in the VM's and the host's functions whatever they are:
 *
 * 1. coverage (can every VM function be taken by some free function?) by OR-ing the device
 *    classes' bit masks before anything is allocated;
 * 2. each VM function the first free candidate left; when that gets stuck, a maximum matching
 *    over the classes' edges (`bipartite-matching.ts`, O(n·n·m)), and short of perfect, the
 *    Hall violator is the reason;
 * 3. the PASIDs under that assignment (allocation-free, on range pools): what schedulers mostly
 *    see ends here;
 * 4. otherwise the PASID checks of each (VM function, host function) pair — capability, width,
 *    features, PF enabled, the function's own pool — become edges, and the matching is made
 *    again over them; what no assignment changes (CPU translation, split, locals occupied)
 *    refuses every assignment; what is left is which limits the functions get for the fresh
 *    globals, decided by `limit-search.ts` (pruned, with a stated bound).
 *
 * Any assignment accepted has passed `pasidsFeasible` as a whole. Scratch buffers belong to the
 * plan (judging is synchronous). Reasons and warnings are sentences with host names and
 * addresses; acceptances and coverage refusals write theirs when first read.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { HostPasidFunction } from '../pasid/host-pasid.js'
import { pasidLimit } from '../pasid/host-pasid.js'
import { hostAdmitsPasids, pasidFeasibility, pasidsFeasible } from '../pasid/pasid-feasibility.js'
import { globalShortfall, globalsFrom, pasidFunctionLimit, pasidLimits, swapsGroups } from '../pasid/pasid-limits.js'
import { type PasidRanges, rangesFree } from '../pasid/pasid-ranges.js'
import { type Reason, wholeReason } from '../proof/reason.js'
import { hallReason, limitsExhaustedReason, searchBoundReason, shortfallReason } from './assignment-reasons.js'
import { type EdgeTest, matching } from './bipartite-matching.js'
import { type Host, type HostFunction, pfOf } from './host.js'
import { searchLimits } from './limit-search.js'
import type { DeviceClass, Edge, FunctionAssignment, MigrationPlan } from './migration-plan.js'

export type HostJudgement = HostAccepted | HostRejected

export interface HostAccepted {
  readonly compatible: true
  readonly host: Host
  readonly assignment: readonly FunctionAssignment[]
  readonly warnings: readonly Reason[]
}

export interface HostRejected {
  readonly compatible: false
  readonly host: Host
  readonly reasons: readonly Reason[]
}

/** Steps the PASID limit search may take on one host before refusing as unproved (about 25 ns each on the project's VM: 6 ms). */
export const DEFAULT_MAX_SEARCH_STEPS = 250_000

const prefixed = (r: Reason, who: string): Reason => ({ ...r, message: `${who}: ${r.message}` })

/** The class of a free host function (a VF's PF found by address). */
const classAt = (plan: MigrationPlan, all: readonly HostFunction[], c: HostFunction): DeviceClass => plan.classOf(c, c.pf === null ? undefined : pfOf(all, c))

/** Per VM function that no free function can take: the closest candidate's reasons. */
const noCandidateReasons = (plan: MigrationPlan, host: Host): Reason[] => {
  const free = host.functions.filter((c) => c.free)
  const classes = free.map((c) => classAt(plan, host.functions, c))
  const reasons: Reason[] = []
  plan.state.functions.forEach((f, i) => {
    if (classes.some((cls) => cls.edges[i]!.map !== null)) return
    let closest = -1
    for (let k = 0; k < free.length; k++) if (closest < 0 || classes[k]!.edges[i]!.errors.length < classes[closest]!.edges[i]!.errors.length) closest = k
    const c = closest < 0 ? undefined : free[closest]!
    const errors = closest < 0 ? [] : classes[closest]!.edges[i]!.errors
    reasons.push(
      wholeReason(
        'NO_CANDIDATE',
        c === undefined
          ? `${f.guestAddress}: ${host.name} has no free function`
          : `${f.guestAddress}: no free function of ${host.name} can take it; the closest, ${c.address}, fails ${errors.length} check${errors.length === 1 ? '' : 's'}:`,
        { source: f.guestAddress, destination: c?.address ?? null },
      ),
    )
    if (c !== undefined) for (const r of errors) reasons.push(prefixed(r, `${f.guestAddress} → ${c.address}`))
  })
  return reasons
}

/** A refusal whose reasons are written when first read (a filter's rejections are mostly never read). */
class LaterRejection implements HostRejected {
  private written: readonly Reason[] | null = null
  constructor(
    private readonly plan: MigrationPlan,
    readonly host: Host,
    private readonly why: (plan: MigrationPlan, host: Host) => readonly Reason[],
  ) {}
  get compatible(): false {
    return false
  }
  get reasons(): readonly Reason[] {
    this.written ??= this.why(this.plan, this.host)
    return this.written
  }
}

/** Some VM function has no free candidate on the host: for each, the closest candidate's reasons. */
export class NoCandidate extends LaterRejection {
  constructor(plan: MigrationPlan, host: Host) {
    super(plan, host, noCandidateReasons)
  }
}

/** The judge's reasons, judging the host again (the same plan and host give the same reasons); its steps count again then. */
const judgedAgain = (plan: MigrationPlan, host: Host): readonly Reason[] => {
  const j = plan.judge(host)
  if (j.compatible) throw new Error(`${host.name} was refused, and accepted when judged again`)
  return j.reasons
}

/** A refusal past coverage whose reasons are the judge's, written when first read. */
export class RefusedLater extends LaterRejection {
  constructor(plan: MigrationPlan, host: Host) {
    super(plan, host, judgedAgain)
  }
}

/** An acceptance holding only which host function each VM function took; the rest is written when read. */
class Accepted implements HostAccepted {
  private pairs: readonly FunctionAssignment[] | null = null
  private written: readonly Reason[] | null = null
  constructor(
    private readonly plan: MigrationPlan,
    readonly host: Host,
    /** Per VM function i, the index in `host.functions` of the function it takes: `picks[at + i]` (filters keep every acceptance's in one array). */
    private readonly picks: ArrayLike<number>,
    private readonly at: number,
  ) {}
  get compatible(): true {
    return true
  }
  private edge(i: number): Edge {
    const fns = this.host.functions
    return classAt(this.plan, fns, fns[this.picks[this.at + i]!]!).edges[i]!
  }
  get assignment(): readonly FunctionAssignment[] {
    this.pairs ??= this.plan.state.functions.map((f, i) => ({ guestAddress: f.guestAddress, hostAddress: this.host.functions[this.picks[this.at + i]!]!.address, offsetMap: this.edge(i).map! }))
    return this.pairs
  }
  get warnings(): readonly Reason[] {
    this.written ??= this.assignment.flatMap((a, i) => this.edge(i).warnings.map((w) => prefixed(w, `${a.guestAddress} → ${a.hostAddress}`)))
    return this.written
  }
}

/** An acceptance of `host` where VM function i takes `host.functions[picks[at + i]]` (assignment and warnings written when read; `picks` is not written after). */
export const acceptance = (plan: MigrationPlan, host: Host, picks: ArrayLike<number>, at = 0): HostAccepted => new Accepted(plan, host, picks, at)

/** The judge of a plan: one closure holding the scratch buffers, and the steps its searches took. */
export const hostJudge = (plan: MigrationPlan): { readonly judge: (host: Host) => HostJudgement; readonly screen: (host: Host) => HostJudgement | null; readonly steps: () => number } => {
  const { state, pasids } = plan
  const n = state.functions.length
  const full = n >= 31 ? 0x7fffffff : (1 << n) - 1
  const budget = plan.options.maxSearchSteps ?? DEFAULT_MAX_SEARCH_STEPS
  const compiled = pasids !== null && E.isRight(pasids) ? pasids.right : null
  const limits = compiled === null ? null : pasidLimits(compiled)
  const pasidFns = compiled?.state.functions ?? []
  /** Per VM function, the PASID-state functions naming it; PASID-state functions naming none are served by the host function of their own id. */
  const pasidOfVm: number[][] = state.functions.map(() => [])
  const unassigned: number[] = []
  plan.pasidFunctionIndex.forEach((i, j) => (i < 0 ? unassigned.push(j) : pasidOfVm[i]!.push(j)))
  /** VM functions whose PASID limit bounds fresh globals. */
  const bounded = limits === null ? [] : pasidOfVm.flatMap((js, i) => (js.some((j) => limits.bounds[j]) ? [i] : []))
  /** The groups of guest PASIDs needing fresh globals, by the VM functions they serve (and the state's functions no VM function is). */
  const vmGroups = (compiled?.groups ?? []).map((g) => ({
    vms: [...new Set(g.functions.map((j) => plan.pasidFunctionIndex[j]!).filter((i) => i >= 0))],
    others: g.functions.filter((j) => plan.pasidFunctionIndex[j]! < 0),
    count: g.count,
  }))
  /** Pairs of VM functions (i · n + i2) found interchangeable in the PASID groups or not: a property of the plan, asked by the limit search only. */
  const swaps = new Map<number, boolean>()
  const interchangeable = (i: number, i2: number): boolean => {
    let yes = swaps.get(i * n + i2)
    if (yes === undefined) {
      yes = limits !== null && pasidOfVm[i]!.length === 1 && pasidOfVm[i2]!.length === 1 && swapsGroups(limits, pasidOfVm[i]![0]!, pasidOfVm[i2]![0]!)
      swaps.set(i * n + i2, yes)
      swaps.set(i2 * n + i, yes)
    }
    return yes
  }

  const assigned: Array<HostPasidFunction<PasidRanges> | undefined> = new Array(pasidFns.length)
  const pasidLimitsOf = new Float64Array(pasidFns.length)
  const matcher = matching()
  const free: HostFunction[] = []
  /** Index in the host's functions of each free function. */
  const freeAt: number[] = []
  /** How many of `free`, `freeAt` and `classes` hold the host at hand (entries past it are stale). */
  let freeCount = 0
  const classes: DeviceClass[] = []
  /** Per free function, its PASID entry once looked up (null: none). */
  let entries: Array<HostPasidFunction<PasidRanges> | null | undefined> = []
  let byId: Map<string, HostPasidFunction<PasidRanges>> | null = null
  /** Per (VM function, free function): 0 not yet known, 1 its PASID checks pass, 2 they fail. */
  let pasidEdges = new Int8Array(8)
  let host: Host
  let steps = 0

  const classEdge: EdgeTest = (i, k) => classes[k]!.edges[i]!.map !== null

  /** The first PASID entry with this id (as `remapPasids` finds it). */
  const entryById = (id: string): HostPasidFunction<PasidRanges> | undefined => {
    const fns = host.pasid!.functions
    if (fns.length <= 16) {
      for (let x = 0; x < fns.length; x++) if (fns[x]!.id === id) return fns[x]
      return undefined
    }
    if (byId === null) {
      byId = new Map()
      for (const f of fns) if (!byId.has(f.id)) byId.set(f.id, f)
    }
    return byId.get(id)
  }
  const entryOf = (k: number): HostPasidFunction<PasidRanges> | undefined => {
    let e = entries[k]
    if (e === undefined) entries[k] = e = entryById(free[k]!.address) ?? null
    return e ?? undefined
  }
  const hostLimit = (k: number): number => {
    const e = entryOf(k)
    return e === undefined || e.capabilityWidth === 0 ? 0 : pasidLimit(host.pasid!, e)
  }
  const pasidEdge = (i: number, k: number): boolean => {
    const at = i * freeCount + k
    if (pasidEdges[at] === 0) {
      let ok = true
      for (const j of pasidOfVm[i]!) if (pasidFunctionLimit(compiled!, host.pasid!, j, entryOf(k)) === 0) ok = false
      pasidEdges[at] = ok ? 1 : 2
    }
    return pasidEdges[at] === 1
  }
  const combinedEdge: EdgeTest = (i, k) => classEdge(i, k) && pasidEdge(i, k)

  /** Per VM function, the free function it takes in the assignment at hand. */
  const chosen = new Int32Array(n)
  let taken = new Uint8Array(8)
  const hold = (): void => chosen.set(matcher.vmMate.subarray(0, n))

  /** Each PASID-state function's host function under the assignment at hand (or under `vmMate`). */
  const fillAssigned = (vmMate: ArrayLike<number> = chosen): typeof assigned => {
    for (let j = 0; j < pasidFns.length; j++) {
      const i = plan.pasidFunctionIndex[j]!
      assigned[j] = i < 0 ? entryById(pasidFns[j]!.id) : entryOf(vmMate[i]!)
    }
    return assigned
  }
  /** Acceptances' picks, n each, one block after another (a full block is left to the acceptances holding it). */
  let picks = new Int32Array(0)
  let picksUsed = 0
  const accept = (): HostJudgement => {
    if (picksUsed + n > picks.length) {
      picks = new Int32Array(Math.max(1024, 4 * n))
      picksUsed = 0
    }
    for (let i = 0; i < n; i++) picks[picksUsed + i] = freeAt[chosen[i]!]!
    picksUsed += n
    return new Accepted(plan, host, picks, picksUsed - n)
  }
  /** Whether refusals are written now (`judge`) or when read (`screen`: a filter reads few of them). */
  let explain = true
  const refuse = (why: () => readonly Reason[]): HostJudgement => (explain ? { compatible: false, host, reasons: why() } : new RefusedLater(plan, host))
  const violation = (u: number, pasid: boolean): Reason => {
    const v = matcher.violator(u)
    const guests = v.vm.sort((a, b) => a - b).map((i) => state.functions[i]!.guestAddress)
    return hallReason(host.name, guests, v.host.map((k) => free[k]!.address), pasid)
  }

  /** Whether every VM function has a candidate among the free functions' classes (VMs of more than 31 functions, past the masks). */
  const coversAll = (): boolean => {
    for (let i = 0; i < n; i++) {
      let k = 0
      while (k < freeCount && classes[k]!.edges[i]!.map === null) k++
      if (k === freeCount) return false
    }
    return true
  }
  // Refusals of the first steps, as functions of nothing `screen` holds: a closure over its own
  // variables would make every call allocate them a context, 10^6 times a filter.
  const refuseHall = (u: number): HostJudgement => refuse(() => [violation(u, false)])
  const malformed = (): readonly Reason[] => (pasids !== null && E.isLeft(pasids) ? pasids.left : [])
  const noPools = (): readonly Reason[] => [wholeReason('PASID_NO_FUNCTION', `the VM uses PASIDs but ${host.name} describes no PASID pools`, { source: compiled?.state.mode ?? null })]

  /** Step 4: the first assignment's PASIDs do not fit; the PASID checks become edges. */
  const judgePasids = (): HostJudgement => {
    const c = compiled!
    const hp = host.pasid!
    const m = freeCount
    const first = chosen.slice()
    if (pasidEdges.length < n * m) pasidEdges = new Int8Array(n * m)
    pasidEdges.fill(0, 0, n * m)
    matcher.reset(n, m)
    const unmatched = matcher.complete(combinedEdge)
    steps += matcher.steps
    if (unmatched >= 0) {
      return refuse(() => {
        const hall = violation(unmatched, true)
        return [...pasidFeasibility(c, hp, fillAssigned(first)), hall]
      })
    }
    hold()
    if (pasidsFeasible(c, hp, fillAssigned())) return accept()
    if (!hostAdmitsPasids(c, hp) || unassigned.some((j) => pasidFunctionLimit(c, hp, j, entryById(pasidFns[j]!.id)) === 0)) return refuse(() => pasidFeasibility(c, hp, assigned))
    // Only the fresh globals are short: which limits the VM's functions get.
    const matched = chosen.slice()
    for (const j of unassigned) pasidLimitsOf[j] = pasidLimit(hp, entryById(pasidFns[j]!.id)!)
    const byPasidFunction = (byVm: Float64Array): Float64Array => {
      for (let j = 0; j < pasidFns.length; j++) {
        const i = plan.pasidFunctionIndex[j]!
        if (i >= 0) pasidLimitsOf[j] = byVm[i]!
      }
      return pasidLimitsOf
    }
    const from = globalsFrom(limits!, hp)
    const outcome = searchLimits({
      n,
      m,
      matching: matcher,
      edge: combinedEdge,
      hostLimit,
      bounded,
      shortfall: (byVm) => globalShortfall(limits!, hp, byPasidFunction(byVm)),
      interchangeable,
      shortfallCost: 1 + c.groups.length,
      groups: vmGroups.map((g) => ({ vms: g.vms, count: g.count, fixedBound: g.others.reduce((b, j) => Math.min(b, pasidLimitsOf[j]!), 1 << 20) })),
      freeBelow: (bound) => rangesFree(hp.global, from, bound),
      from,
      budget,
    })
    steps += outcome.steps
    if (outcome.kind === 'found') {
      hold()
      return pasidsFeasible(c, hp, fillAssigned()) ? accept() : refuse(() => pasidFeasibility(c, hp, assigned))
    }
    if (outcome.kind === 'short') return refuse(() => [shortfallReason(host.name, outcome.shortfall)])
    const why = (): Reason[] => pasidFeasibility(c, hp, fillAssigned(matched))
    if (outcome.kind === 'bound') return refuse(() => [searchBoundReason(host.name, budget, outcome.choices), ...why()])
    return refuse(() => [...why(), limitsExhaustedReason(host.name, outcome.choices)])
  }

  /** The judgement, or null when some VM function has no free candidate at all (NO_CANDIDATE, written by `NoCandidate` when asked). */
  const screen = (h: Host): HostJudgement | null => {
    const fns = h.functions
    // Coverage first, from the classes' masks alone (most hosts of a fleet end here).
    let covered = 0
    for (let k = 0; k < fns.length; k++) {
      const c = fns[k]!
      if (c.free) covered |= classAt(plan, fns, c).takes
    }
    if (n <= 31 && (covered & full) !== full) return null
    host = h
    // Written by index over what the last host left (emptying and pushing reallocates them).
    freeCount = 0
    for (let k = 0; k < fns.length; k++) {
      if (!fns[k]!.free) continue
      free[freeCount] = fns[k]!
      freeAt[freeCount] = k
      classes[freeCount++] = classAt(plan, fns, fns[k]!)
    }
    if (n > 31 && !coversAll()) return null
    // Each VM function the first free candidate left: the assignment whenever functions do not
    // compete (augmenting paths, which begin the same way, only when they do).
    const m = freeCount
    if (taken.length < m) taken = new Uint8Array(m)
    taken.fill(0, 0, m)
    let greedy = true
    for (let i = 0; i < n && greedy; i++) {
      let k = 0
      while (k < m && (taken[k] === 1 || classes[k]!.edges[i]!.map === null)) k++
      steps += k + 1
      if (k === m) greedy = false
      else {
        taken[k] = 1
        chosen[i] = k
      }
    }
    if (!greedy) {
      matcher.reset(n, m)
      const unmatched = matcher.complete(classEdge)
      steps += matcher.steps
      if (unmatched >= 0) return refuseHall(unmatched)
      hold()
    }
    if (pasids === null) return accept()
    if (E.isLeft(pasids)) return refuse(malformed)
    if (h.pasid === null) return refuse(noPools)
    byId = null
    if (entries.length < freeCount) entries = new Array(freeCount)
    entries.fill(undefined, 0, freeCount)
    if (pasidsFeasible(pasids.right, h.pasid, fillAssigned())) return accept()
    return judgePasids()
  }
  return {
    judge: (h) => {
      explain = true
      return screen(h) ?? new NoCandidate(plan, h)
    },
    screen: (h) => {
      explain = false
      return screen(h)
    },
    steps: () => steps,
  }
}

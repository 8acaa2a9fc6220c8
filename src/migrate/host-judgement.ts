/**
 * Judging one host under a compiled plan, fast enough for 10^6 hosts a second: the coverage
 * test (can every VM function be taken by some free function?) by OR-ing the device classes'
 * bit masks before anything is allocated; then the one-to-one assignment search in host order
 * with the PASID decision (allocation-free, on range pools) at each complete assignment. Scratch
 * buffers belong to the plan (judging is synchronous). Reasons and warnings are sentences with
 * host names and addresses; they are written when first read, since a scheduler reads few.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { HostPasidFunction } from '../pasid/host-pasid.js'
import { hostAdmitsPasids, pasidFeasibility, pasidsFeasible } from '../pasid/pasid-feasibility.js'
import type { PasidRanges } from '../pasid/pasid-ranges.js'
import { type Reason, wholeReason } from '../proof/reason.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'
import type { Host, HostFunction } from './host.js'
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

const prefixed = (r: Reason, who: string): Reason => ({ ...r, message: `${who}: ${r.message}` })

/** The class of a free host function (a VF's PF found by address). */
const classAt = (plan: MigrationPlan, all: readonly HostFunction[], c: HostFunction): DeviceClass => {
  let pf: PreparedFunction | undefined
  if (c.pf !== null) for (const x of all) if (x.address === c.pf) pf = x.function
  return plan.classOf(c, pf)
}

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

export class NoCandidate implements HostRejected {
  private written: readonly Reason[] | null = null
  constructor(
    private readonly plan: MigrationPlan,
    readonly host: Host,
  ) {}
  get compatible(): false {
    return false
  }
  get reasons(): readonly Reason[] {
    this.written ??= noCandidateReasons(this.plan, this.host)
    return this.written
  }
}

/** An acceptance holding only which host function each VM function took; the rest is written when read. */
class Accepted implements HostAccepted {
  private pairs: readonly FunctionAssignment[] | null = null
  private written: readonly Reason[] | null = null
  constructor(
    private readonly plan: MigrationPlan,
    readonly host: Host,
    /** Per VM function, the index in `host.functions` of the function it takes. */
    private readonly picks: readonly number[],
  ) {}
  get compatible(): true {
    return true
  }
  private edge(i: number): Edge {
    const fns = this.host.functions
    return classAt(this.plan, fns, fns[this.picks[i]!]!).edges[i]!
  }
  get assignment(): readonly FunctionAssignment[] {
    this.pairs ??= this.picks.map((k, i) => ({ guestAddress: this.plan.state.functions[i]!.guestAddress, hostAddress: this.host.functions[k]!.address, offsetMap: this.edge(i).map! }))
    return this.pairs
  }
  get warnings(): readonly Reason[] {
    this.written ??= this.assignment.flatMap((a, i) => this.edge(i).warnings.map((w) => prefixed(w, `${a.guestAddress} → ${a.hostAddress}`)))
    return this.written
  }
}

const noAssignment = (plan: MigrationPlan, host: Host): Reason =>
  wholeReason('NO_ASSIGNMENT', `every function has a candidate on ${host.name}, but they compete for the same free functions: no one-to-one assignment exists`, {
    source: plan.state.functions.map((f) => f.guestAddress).join(', '),
    destination: host.name,
  })

/** The judge of a plan: one closure holding the scratch buffers. */
export const hostJudge = (plan: MigrationPlan): ((host: Host) => HostJudgement) => {
  const { state, pasids } = plan
  const n = state.functions.length
  const full = n >= 31 ? 0x7fffffff : (1 << n) - 1
  const limit = plan.options.maxAssignments ?? 256
  const pasidCount = state.pasid?.functions.length ?? 0
  const assigned: Array<HostPasidFunction<PasidRanges> | undefined> = new Array(pasidCount)
  const chosen = new Int32Array(n)
  let used = new Uint8Array(8)
  const free: HostFunction[] = []
  /** Index in the host's functions of each free function. */
  const freeAt: number[] = []
  const classes: DeviceClass[] = []
  let all: DeviceClass[] = []
  let host: Host
  let tried = 0
  let admits = true
  let pasidReasons: readonly Reason[] | null = null

  /** Do the PASIDs fit under the assignment in `chosen`? The first refusal's reasons are kept. */
  const pasidsFit = (): boolean => {
    if (pasids === null) return true
    // Refusals no other assignment could change end the search (tried = limit).
    if (E.isLeft(pasids)) {
      pasidReasons ??= pasids.left
      tried = limit
      return false
    }
    const hostPasid = host.pasid
    if (hostPasid === null) {
      pasidReasons ??= [wholeReason('PASID_NO_FUNCTION', `the VM uses PASIDs but ${host.name} describes no PASID pools`, { source: pasids.right.state.mode })]
      tried = limit
      return false
    }
    const fns = hostPasid.functions
    for (let j = 0; j < pasidCount; j++) {
      const vm = plan.pasidFunctionIndex[j]!
      const id = vm < 0 ? pasids.right.state.functions[j]!.id : free[chosen[vm]!]!.address
      let found: HostPasidFunction<PasidRanges> | undefined
      for (let x = 0; x < fns.length; x++) if (fns[x]!.id === id) found = fns[x]
      assigned[j] = found
    }
    if (admits && pasidsFeasible(pasids.right, hostPasid, assigned)) return true
    pasidReasons ??= pasidFeasibility(pasids.right, hostPasid, assigned)
    if (!admits) tried = limit
    return false
  }

  const search = (i: number): boolean => {
    if (tried >= limit) return false
    if (i === n) {
      tried++
      return pasidsFit()
    }
    for (let k = 0; k < free.length; k++) {
      if (used[k] === 1 || classes[k]!.edges[i]!.map === null) continue
      used[k] = 1
      chosen[i] = k
      if (search(i + 1)) return true
      used[k] = 0
    }
    return false
  }

  return (h: Host): HostJudgement => {
    const fns = h.functions
    if (all.length < fns.length) all = new Array(fns.length)
    // Coverage first, from the classes' masks alone.
    let covered = 0
    for (let k = 0; k < fns.length; k++) {
      if (!fns[k]!.free) continue
      const cls = classAt(plan, fns, fns[k]!)
      all[k] = cls
      covered |= cls.takes
    }
    if (n <= 31 && (covered & full) !== full) return new NoCandidate(plan, h)
    host = h
    free.length = 0
    freeAt.length = 0
    classes.length = 0
    for (let k = 0; k < fns.length; k++) {
      if (!fns[k]!.free) continue
      free.push(fns[k]!)
      freeAt.push(k)
      classes.push(all[k]!)
    }
    if (n > 31) for (let i = 0; i < n; i++) if (!classes.some((cls) => cls.edges[i]!.map !== null)) return new NoCandidate(plan, h)
    if (used.length < free.length) used = new Uint8Array(free.length)
    used.fill(0)
    tried = 0
    pasidReasons = null
    admits = pasids === null || E.isLeft(pasids) || h.pasid === null || hostAdmitsPasids(pasids.right, h.pasid)
    if (!search(0)) return { compatible: false, host: h, reasons: pasidReasons ?? [noAssignment(plan, h)] }
    const picks: number[] = new Array(n)
    for (let i = 0; i < n; i++) picks[i] = freeAt[chosen[i]!]!
    return new Accepted(plan, h, picks)
  }
}

/**
 * Filtering candidate hosts for one VM, as a scheduler does: the state is compiled once, each
 * device class is judged once however many hosts carry it, and each host then costs its
 * assignment search and a PASID feasibility check on range pools. Accepted hosts come with
 * their assignment (the PASID plan is made by `checkHost` for the host finally chosen);
 * rejected hosts with their reasons. Hosts come as an array (or any iterable), or as an async
 * iterable for fleets streamed from elsewhere.
 */
import { NoCandidate } from './host-judgement.js'
import { compileMigration, type HostAccepted, type HostRejected, type MigrationPlan, type PlanOptions } from './migration-plan.js'
import type { MigrationState } from '../state/migration-state.js'
import type { Host } from './host.js'

/** An accepted host: its assignment, offset maps and warnings. */
export type AcceptedHost = HostAccepted
/** A rejected host: its reasons (written when first read). */
export type RejectedHost = HostRejected

export interface FilterResult {
  readonly accepted: readonly AcceptedHost[]
  readonly rejected: readonly RejectedHost[]
  readonly rejectedCount: number
  /** The compiled plan (reuse it with `checkHost` for the chosen host). */
  readonly plan: MigrationPlan
}

export interface FilterOptions extends PlanOptions {
  /** Called with the number of hosts judged so far, every `progressEvery` hosts and at the end. */
  readonly onProgress?: (judged: number) => void
  /** Default 4096. */
  readonly progressEvery?: number
}

/**
 * A filter's result from its parts: the accepted in order, and the rejected hosts in order
 * (`rejectedAt(i)`, i below `rejectedCount`) with the judgements of those refused past coverage
 * (by that index; the rest had no candidate, and their reasons are written when `rejected` is
 * first read).
 */
export const filterResult = (plan: MigrationPlan, accepted: readonly AcceptedHost[], rejectedCount: number, rejectedAt: (i: number) => Host, refused: ReadonlyMap<number, RejectedHost>): FilterResult => {
  let rejected: RejectedHost[] | null = null
  return {
    accepted,
    // Most hosts of a fleet are rejected and most callers want the accepted: the rejections' objects are made when first asked for.
    get rejected(): readonly RejectedHost[] {
      if (rejected === null) {
        rejected = new Array(rejectedCount)
        for (let i = 0; i < rejectedCount; i++) rejected[i] = refused.get(i) ?? new NoCandidate(plan, rejectedAt(i))
      }
      return rejected
    },
    rejectedCount,
    plan,
  }
}

class Filter {
  readonly accepted: AcceptedHost[] = []
  /** The hosts judged, by position: the caller's array copied once, or each host of an iterable as it comes. */
  private readonly hosts: Host[]
  /** Positions of the rejected hosts (a number each, not a list of objects grown a million times). */
  private rejected = new Int32Array(1024)
  private rejectedCount = 0
  /** Judgements of rejected hosts that were not NO_CANDIDATE (the common case, rebuilt on demand), by index among the rejected. */
  private readonly refused = new Map<number, RejectedHost>()
  private judged = 0
  private nextReport: number
  private readonly every: number

  constructor(
    readonly plan: MigrationPlan,
    private readonly options: FilterOptions,
    hosts: readonly Host[] | null,
  ) {
    this.every = Math.max(1, options.progressEvery ?? 4096)
    this.nextReport = this.every
    this.hosts = hosts === null ? [] : hosts.slice()
  }

  /** Judges the host at `at` (an iterable's host is given and kept). */
  add(at: number, given?: Host): void {
    if (given !== undefined) this.hosts.push(given)
    const host = this.hosts[at]!
    const j = this.plan.screen(host)
    if (j !== null && j.compatible) this.accepted.push(j)
    else {
      if (j !== null) this.refused.set(this.rejectedCount, j)
      if (this.rejectedCount === this.rejected.length) {
        const grown = new Int32Array(2 * this.rejected.length)
        grown.set(this.rejected)
        this.rejected = grown
      }
      this.rejected[this.rejectedCount++] = at
    }
    if (++this.judged === this.nextReport) {
      this.nextReport += this.every
      this.options.onProgress?.(this.judged)
    }
  }

  result(): FilterResult {
    // The last count, unless it was just reported.
    if (this.judged === 0 || this.judged % this.every !== 0) this.options.onProgress?.(this.judged)
    const { hosts, rejected } = this
    return filterResult(this.plan, this.accepted, this.rejectedCount, (i) => hosts[rejected[i]!]!, this.refused)
  }
}

const isAsync = (hosts: Iterable<Host> | AsyncIterable<Host>): hosts is AsyncIterable<Host> => Symbol.asyncIterator in hosts

/** Every host judged for `state`: accepted (with assignments) and rejected (with reasons), in input order. */
export function filterHosts(state: MigrationState, hosts: Iterable<Host>, options?: FilterOptions): FilterResult
export function filterHosts(state: MigrationState, hosts: AsyncIterable<Host>, options?: FilterOptions): Promise<FilterResult>
export function filterHosts(state: MigrationState, hosts: Iterable<Host> | AsyncIterable<Host>, options: FilterOptions = {}): FilterResult | Promise<FilterResult> {
  const plan = compileMigration(state, options)
  if (!isAsync(hosts)) {
    if (Array.isArray(hosts)) {
      const filter = new Filter(plan, options, hosts as readonly Host[])
      for (let i = 0; i < hosts.length; i++) filter.add(i)
      return filter.result()
    }
    const filter = new Filter(plan, options, null)
    let i = 0
    for (const host of hosts) filter.add(i++, host)
    return filter.result()
  }
  return (async () => {
    const filter = new Filter(plan, options, null)
    let i = 0
    for await (const host of hosts) filter.add(i++, host)
    return filter.result()
  })()
}

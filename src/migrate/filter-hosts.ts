/**
 * Filtering candidate hosts for one VM, as a scheduler does: the state is compiled once, each
 * device class is judged once however many hosts carry it, and each host then costs its
 * assignment search and a PASID feasibility check on range pools. Accepted hosts come with
 * their assignment (the PASID plan is made by `checkHost` for the host finally chosen);
 * rejected hosts with their reasons. Hosts come as an array (or any iterable), or as an async
 * iterable for fleets streamed from elsewhere.
 */
import { NoCandidate } from './host-judgement.js'
import { compileMigration, type HostAccepted, type HostRejected, judgeHost, type MigrationPlan, type PlanOptions } from './migration-plan.js'
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
 * A filter's result from its parts: the accepted in order, and the rejected hosts in order with
 * the judgements of those refused past coverage (by index; the rest had no candidate, and their
 * reasons are written when `rejected` is first read).
 */
export const filterResult = (plan: MigrationPlan, accepted: readonly AcceptedHost[], rejectedHosts: readonly Host[], refused: ReadonlyMap<number, RejectedHost>): FilterResult => {
  let rejected: RejectedHost[] | null = null
  return {
    accepted,
    // Most hosts of a fleet are rejected and most callers want the accepted: the rejections' objects are made when first asked for.
    get rejected(): readonly RejectedHost[] {
      rejected ??= rejectedHosts.map((h, i) => refused.get(i) ?? new NoCandidate(plan, h))
      return rejected
    },
    rejectedCount: rejectedHosts.length,
    plan,
  }
}

class Filter {
  readonly accepted: AcceptedHost[] = []
  private readonly rejectedHosts: Host[] = []
  /** Judgements of rejected hosts that were not NO_CANDIDATE (the common case, rebuilt on demand), by index in `rejectedHosts`. */
  private readonly refused = new Map<number, RejectedHost>()
  private judged = 0
  private nextReport: number
  private readonly every: number

  constructor(
    readonly plan: MigrationPlan,
    private readonly options: FilterOptions,
  ) {
    this.every = Math.max(1, options.progressEvery ?? 4096)
    this.nextReport = this.every
  }

  add(host: Host): void {
    const j = judgeHost(this.plan, host)
    if (j.compatible) this.accepted.push(j)
    else {
      if (!(j instanceof NoCandidate)) this.refused.set(this.rejectedHosts.length, j)
      this.rejectedHosts.push(host)
    }
    if (++this.judged === this.nextReport) {
      this.nextReport += this.every
      this.options.onProgress?.(this.judged)
    }
  }

  result(): FilterResult {
    // The last count, unless it was just reported.
    if (this.judged === 0 || this.judged % this.every !== 0) this.options.onProgress?.(this.judged)
    return filterResult(this.plan, this.accepted, this.rejectedHosts, this.refused)
  }
}

const isAsync = (hosts: Iterable<Host> | AsyncIterable<Host>): hosts is AsyncIterable<Host> => Symbol.asyncIterator in hosts

/** Every host judged for `state`: accepted (with assignments) and rejected (with reasons), in input order. */
export function filterHosts(state: MigrationState, hosts: Iterable<Host>, options?: FilterOptions): FilterResult
export function filterHosts(state: MigrationState, hosts: AsyncIterable<Host>, options?: FilterOptions): Promise<FilterResult>
export function filterHosts(state: MigrationState, hosts: Iterable<Host> | AsyncIterable<Host>, options: FilterOptions = {}): FilterResult | Promise<FilterResult> {
  const filter = new Filter(compileMigration(state, options), options)
  if (!isAsync(hosts)) {
    if (Array.isArray(hosts)) for (let i = 0; i < hosts.length; i++) filter.add(hosts[i] as Host)
    else for (const host of hosts) filter.add(host)
    return filter.result()
  }
  return (async () => {
    for await (const host of hosts) filter.add(host)
    return filter.result()
  })()
}

/**
 * A standing inventory of hosts, as a scheduler, the gRPC service or the Kubernetes extender
 * holds one per process: hosts added, replaced and removed by name as they change, and filtered
 * for VM after VM. `filter` gives exactly `filterHosts`'s answer on the inventory's hosts in its
 * order (the accepted with their assignments, the rejected with their reasons when read), and
 * faster, from what it keeps between calls:
 *
 * - hosts grouped by the device classes of their free functions (`class-index.ts`): a VM's
 *   plan judges each class once, and only the hosts in the lists of classes that can take its
 *   functions are visited; a host that cannot cover every VM function is rejected without being
 *   looked at (its reasons, NO_CANDIDATE, are written when read);
 * - realizations of classes against the layouts of instance types seen before (realize
 *   depends on the layout and the class, not on a VM's state), so a VM of a known instance type
 *   costs its own state's checks and translation only.
 *
 * Hosts are kept in order of first insertion (a replaced host keeps its place). Slots of
 * removed hosts are reclaimed when they outnumber the live ones, in one pass that keeps order.
 */
import type { MigrationState } from '../state/migration-state.js'
import { classIndex, type IndexedClass } from './class-index.js'
import { type AcceptedHost, type FilterResult, filterResult, type RejectedHost } from './filter-hosts.js'
import type { Host } from './host.js'
import { compilePlan, type MigrationPlan, type PlanOptions, realizationCache } from './migration-plan.js'

export interface InventoryFilterOptions extends PlanOptions {
  /**
   * Only these hosts, in this order (a scheduler extender passes the nodes it is asked about).
   * Names the inventory does not hold are listed in the result's `unknown`.
   */
  readonly names?: Iterable<string>
}

export interface InventoryFilterResult extends FilterResult {
  /** Names asked for in `names` that the inventory does not hold, in the order given. */
  readonly unknown: readonly string[]
}

export interface Inventory {
  /** Hosts held. */
  readonly size: () => number
  /** Adds the host, or replaces the one of the same name (which keeps its place in the order). */
  readonly put: (host: Host) => void
  /** Removes the host of this name; false when there is none. */
  readonly remove: (name: string) => boolean
  readonly get: (name: string) => Host | undefined
  /** Every host held, in order. */
  readonly hosts: () => Host[]
  /**
   * Judges every host held (or those `names` lists) for a VM: the same answer as
   * `filterHosts(state, inventory.hosts())`. Given a compiled plan, its own options hold and
   * those here are ignored but for `names`.
   */
  readonly filter: (what: MigrationState | MigrationPlan, options?: InventoryFilterOptions) => InventoryFilterResult
}

const isPlan = (x: MigrationState | MigrationPlan): x is MigrationPlan => typeof (x as Partial<MigrationPlan>).judge === 'function'

/** Two class lists with the same members (each lists a class once). */
const sameClasses = (a: readonly IndexedClass[], b: readonly IndexedClass[]): boolean => a.length === b.length && a.every((c) => b.includes(c))

/** An inventory holding `hosts` (a later host of a name replaces an earlier one). */
export const createInventory = (hosts: Iterable<Host> = []): Inventory => {
  let slotHost: Array<Host | undefined> = []
  let version = new Int32Array(1024)
  /** Slots handed out (live or removed). */
  let used = 0
  let removed = 0
  const slotOf = new Map<string, number>()
  const index = classIndex((slot, v) => version[slot] === v)
  const realized = realizationCache()
  let mark = new Int32Array(0)

  const reclaim = (): void => {
    const renumber = new Int32Array(used).fill(-1)
    const kept: Host[] = []
    for (let s = 0; s < used; s++) {
      const h = slotHost[s]
      if (h === undefined) continue
      renumber[s] = kept.length
      slotOf.set(h.name, kept.length)
      kept.push(h)
    }
    index.renumber(renumber, version)
    slotHost = kept
    used = kept.length
    removed = 0
    version = new Int32Array(Math.max(1024, 2 * used))
  }

  const put = (host: Host): void => {
    const classes = index.classesOf(host)
    const at = slotOf.get(host.name)
    if (at !== undefined) {
      const before = index.classesOf(slotHost[at]!)
      slotHost[at] = host
      // The same classes free: the lists hold the slot already.
      if (sameClasses(before, classes)) return
      version[at]!++
      index.drop(before)
      index.add(at, version[at]!, classes)
      return
    }
    if (used === version.length) {
      const grown = new Int32Array(2 * version.length)
      grown.set(version)
      version = grown
    }
    const slot = used++
    slotHost[slot] = host
    slotOf.set(host.name, slot)
    index.add(slot, version[slot]!, classes)
  }

  const remove = (name: string): boolean => {
    const at = slotOf.get(name)
    if (at === undefined) return false
    const before = index.classesOf(slotHost[at]!)
    version[at]!++
    index.drop(before)
    slotHost[at] = undefined
    slotOf.delete(name)
    if (++removed > 1024 && removed > slotOf.size) reclaim()
    return true
  }

  /** Every host judged one by one (a subset by name; or a plan no class can decide for). */
  const judgeEach = (plan: MigrationPlan, list: Iterable<Host | undefined>, unknown: readonly string[]): InventoryFilterResult => {
    const accepted: AcceptedHost[] = []
    const rejectedHosts: Host[] = []
    const refused = new Map<number, RejectedHost>()
    for (const h of list) {
      if (h === undefined) continue
      const j = plan.judge(h)
      if (j.compatible) accepted.push(j)
      else {
        refused.set(rejectedHosts.length, j)
        rejectedHosts.push(h)
      }
    }
    return Object.assign(filterResult(plan, accepted, rejectedHosts, refused), { unknown })
  }

  const filter = (what: MigrationState | MigrationPlan, options: InventoryFilterOptions = {}): InventoryFilterResult => {
    const plan = isPlan(what) ? what : compilePlan(what, options, realized)
    if (options.names !== undefined) {
      const unknown: string[] = []
      const listed: Host[] = []
      for (const name of options.names) {
        const at = slotOf.get(name)
        if (at === undefined) unknown.push(name)
        else listed.push(slotHost[at]!)
      }
      return judgeEach(plan, listed, unknown)
    }
    const n = plan.state.functions.length
    // Coverage by class masks decides only for 1–31 functions and a state that does not contradict itself.
    if (n === 0 || n > 31 || plan.inconsistencies.length > 0) return judgeEach(plan, slotHost.slice(0, used), [])
    const full = (1 << n) - 1
    if (mark.length < used) mark = new Int32Array(Math.max(used, 2 * mark.length))
    mark.fill(0, 0, used)
    for (const c of index.live()) {
      const takes = plan.classOf(c.candidate, c.pf).takes & full
      if (takes === 0) continue
      const e = c.entries
      for (let r = 0; r < c.length; r += 2) if (version[e[r]!] === e[r + 1]) mark[e[r]!]! |= takes
    }
    const accepted: AcceptedHost[] = []
    const rejectedHosts: Host[] = new Array(slotOf.size)
    let rejected = 0
    const refused = new Map<number, RejectedHost>()
    for (let s = 0; s < used; s++) {
      const h = slotHost[s]
      if (h === undefined) continue
      if (mark[s] === full) {
        const j = plan.judge(h)
        if (j.compatible) {
          accepted.push(j)
          continue
        }
        refused.set(rejected, j)
      }
      rejectedHosts[rejected++] = h
    }
    rejectedHosts.length = rejected
    return Object.assign(filterResult(plan, accepted, rejectedHosts, refused), { unknown: [] })
  }

  for (const h of hosts) put(h)
  return {
    size: () => slotOf.size,
    put,
    remove,
    get: (name) => {
      const at = slotOf.get(name)
      return at === undefined ? undefined : slotHost[at]
    },
    hosts: () => {
      const out: Host[] = []
      for (let s = 0; s < used; s++) if (slotHost[s] !== undefined) out.push(slotHost[s]!)
      return out
    },
    filter,
  }
}

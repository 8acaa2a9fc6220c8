/**
 * A standing inventory of hosts, as a scheduler, the gRPC service or the Kubernetes extender
 * holds one per process: hosts added, replaced and removed by name as they change, and filtered
 * for VM after VM. `filter` gives exactly `filterHosts`'s answer on the inventory's hosts in its
 * order (the accepted with their assignments, the rejected with their reasons when read), and
 * faster, from what it keeps between calls:
 *
 * - hosts grouped by the device classes of their free functions (`class-index.ts`): a VM's
 *   plan judges each class once, and the hosts able to cover all its functions are found from
 *   the classes' bitmaps; a host that cannot is rejected without being looked at (its reasons,
 *   NO_CANDIDATE, are written when read);
 * - per host, its free functions and PASID side summarised in typed arrays
 *   (`inventory-slots.ts`, `pasid-summary.ts`): a covered host's assignment (each VM function
 *   the first free candidate left, as the judge begins) and its PASIDs are decided from them,
 *   by the judge's own rules; where they cannot decide (functions competing, PASIDs that do
 *   not fit the first assignment, a host the summary cannot stand for), the plan judges the
 *   host whole;
 * - realizations of classes against the layouts of instance types seen before (realize
 *   depends on the layout and the class, not on a VM's state), so a VM of a known instance type
 *   costs its own state's checks and translation only.
 *
 * Hosts are kept in order of first insertion (a replaced host keeps its place). Slots of
 * removed hosts are reclaimed when they outnumber the live ones, in one pass that keeps order.
 */
import type { MigrationState } from '../state/migration-state.js'
import { CHUNK_SLOTS, CHUNK_WORDS, classIndex } from './class-index.js'
import type { AcceptedHost, FilterResult, RejectedHost } from './filter-hosts.js'
import type { Host } from './host.js'
import { acceptance, NoCandidate, RefusedLater } from './host-judgement.js'
import { GUEST_RANGE_FREE, type HostSnapshot, NO_PASID, NO_PROFILE, slotStore, TRANSLATION, WHOLE } from './inventory-slots.js'
import { nameIndex } from './name-index.js'
import { compilePlan, type HostJudgement, type MigrationPlan, type PlanOptions, realizationCache } from './migration-plan.js'
import { ACCEPT, type HostPasidSummary, pasidDecider, profileIndex, REFUSE } from './pasid-summary.js'

export interface InventoryFilterOptions extends PlanOptions {
  /**
   * Only these hosts, in this order (a scheduler extender passes the nodes it is asked about).
   * Names the inventory does not hold are listed in the result's `unknown`.
   */
  readonly names?: Iterable<string>
}

export interface InventoryFilterResult extends FilterResult {
  /** How many hosts were accepted (without making `accepted`, which is made when first read). */
  readonly acceptedCount: number
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

/** A result over slots: the accepted in order (made when first read); the rejected (every other live slot) made when first read. */
const slotResult = (
  plan: MigrationPlan,
  acceptedCount: number,
  accepted: () => AcceptedHost[],
  hosts: HostSnapshot,
  isAccepted: (s: number) => boolean,
  refused: ReadonlyMap<number, RejectedHost>,
  live: number,
  unknown: readonly string[],
): InventoryFilterResult => {
  let rejected: RejectedHost[] | null = null
  return {
    get accepted(): readonly AcceptedHost[] {
      return accepted()
    },
    get rejected(): readonly RejectedHost[] {
      if (rejected === null) {
        rejected = []
        for (let s = 0; s < hosts.used; s++) {
          const h = hosts.chunks[s >> 10]![s & 1023]
          if (h !== undefined && !isAccepted(s)) rejected.push(refused.get(s) ?? new NoCandidate(plan, h))
        }
      }
      return rejected
    },
    acceptedCount,
    rejectedCount: live - acceptedCount,
    plan,
    unknown,
  }
}

/** Bits set in a 32-bit word. */
const popcount = (x: number): number => {
  let v = x - ((x >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff
}

/** An inventory holding `hosts` (a later host of a name replaces an earlier one). */
export const createInventory = (hosts: Iterable<Host> = []): Inventory => {
  const classes = classIndex()
  const profiles = profileIndex()
  const slots = slotStore(classes, profiles)
  const slotOf = nameIndex((slot) => slots.host(slot)?.name)
  const realized = realizationCache()
  let removed = 0

  const put = (host: Host): void => {
    const at = slotOf.get(host.name)
    if (at !== undefined) return slots.write(at, host)
    const slot = slots.used()
    slots.write(slot, host)
    slotOf.add(host.name, slot)
  }

  const remove = (name: string): boolean => {
    const at = slotOf.get(name)
    if (at === undefined) return false
    slotOf.remove(name)
    slots.clear(at)
    if (++removed > 1024 && removed > slotOf.size()) {
      slots.reclaim()
      slotOf.rebuild(slots.used(), (slot) => slots.host(slot)?.name)
      removed = 0
    }
    return true
  }

  /**
   * The judgement of a slot's host under a plan, from the summaries where they decide, else the
   * plan's judge. An acceptance the summaries decide is `true`, its picks (the host function of
   * each VM function) written to `picks` at `at`: the caller makes the acceptance object when
   * one is asked for.
   */
  const judging = (plan: MigrationPlan): ((s: number, host: Host, picks: Int32Array, at: number) => HostJudgement | true) => {
    const n = plan.state.functions.length
    /** The plan's judgement, its refusals written when read. */
    const whole = (host: Host): HostJudgement => plan.screen(host) ?? new NoCandidate(plan, host)
    if (n === 0 || n > 31 || plan.inconsistencies.length > 0) return (_s, host) => whole(host)
    const full = (1 << n) - 1
    const decider = pasidDecider(plan, profiles)
    let size = 1
    for (const c of classes.live()) size = Math.max(size, c.id + 1)
    const takes = new Int32Array(size)
    for (const c of classes.live()) takes[c.id] = plan.classOf(c.candidate, c.pf).takes & full
    const taken = new Uint8Array(256)
    const chosen = new Int32Array(n)
    const pasidVm = plan.pasidFunctionIndex
    const summary: { -readonly [K in keyof HostPasidSummary]: HostPasidSummary[K] } = { judge: false, iommuWidth: 0, cpuTranslation: false, split: -1, freeBelowSplit: 0, freeTotal: 0, guestRangeFree: false }
    // The arrays as they are for this filter (no host changes while it runs).
    const { flags: flagsOf, start, count, iommu, split, freeBelowSplit, freeTotal, fnClass, fnIndex, fnProfile, fnFree } = slots
    const profileOf = (j: number): number => {
      const p = fnProfile[chosen[pasidVm[j]!]!]!
      return p === NO_PROFILE ? -1 : p
    }
    const freeAtLimit = (j: number): number => fnFree[chosen[pasidVm[j]!]!]!
    return (s, host, picks, at) => {
      const flags = flagsOf[s]!
      if (flags & WHOLE) return whole(host)
      const first = start[s]!
      const m = count[s]!
      let covered = 0
      for (let e = first; e < first + m; e++) covered |= takes[fnClass[e]!]!
      if (covered !== full) return new NoCandidate(plan, host)
      // Each VM function the first free candidate left, as the judge begins; functions competing are the judge's.
      taken.fill(0, 0, m)
      for (let i = 0; i < n; i++) {
        let k = 0
        while (k < m && (taken[k] === 1 || ((takes[fnClass[first + k]!]! >>> i) & 1) === 0)) k++
        if (k === m) return whole(host)
        taken[k] = 1
        chosen[i] = first + k
      }
      let decision: number = ACCEPT
      if (plan.pasids !== null) {
        if (flags & NO_PASID) decision = REFUSE
        else {
          summary.iommuWidth = iommu[s]!
          summary.cpuTranslation = (flags & TRANSLATION) !== 0
          summary.split = split[s]!
          summary.freeBelowSplit = freeBelowSplit[s]!
          summary.freeTotal = freeTotal[s]!
          summary.guestRangeFree = (flags & GUEST_RANGE_FREE) !== 0
          decision = decider.decide(summary, profileOf, freeAtLimit)
        }
      }
      if (decision === ACCEPT) {
        for (let i = 0; i < n; i++) picks[at + i] = fnIndex[chosen[i]!]!
        return true
      }
      return decision === REFUSE ? new RefusedLater(plan, host) : whole(host)
    }
  }

  const filter = (what: MigrationState | MigrationPlan, options: InventoryFilterOptions = {}): InventoryFilterResult => {
    const plan = isPlan(what) ? what : compilePlan(what, options, realized)
    const judge = judging(plan)
    const n = plan.state.functions.length
    if (options.names !== undefined) {
      // The hosts named, in that order (a name given twice is judged twice, as filterHosts would).
      const names = [...options.names]
      const unknown: string[] = []
      const listed: Host[] = []
      const judged: Array<HostJudgement | true> = []
      const picks = new Int32Array(Math.max(1, n * names.length))
      for (const name of names) {
        const at = slotOf.get(name)
        if (at === undefined) unknown.push(name)
        else {
          const h = slots.host(at)!
          judged.push(judge(at, h, picks, n * listed.length))
          listed.push(h)
        }
      }
      return eachResult(plan, listed, judged, picks, unknown)
    }
    const used = slots.used()
    if (n === 0 || n > 31 || plan.inconsistencies.length > 0) {
      const listed: Host[] = []
      const judged: Array<HostJudgement | true> = []
      for (let s = 0; s < used; s++) {
        const h = slots.host(s)
        if (h === undefined) continue
        judged.push(judge(s, h, new Int32Array(0), 0))
        listed.push(h)
      }
      return eachResult(plan, listed, judged, new Int32Array(0), [])
    }
    // Per VM function, the classes that can take it: a host is covered when it has one of each free.
    const live = [...classes.live()]
    const byVm = Array.from({ length: n }, (_, i) => live.filter((c) => ((plan.classOf(c.candidate, c.pf).takes >>> i) & 1) === 1))
    const covered = new Uint32Array(Math.ceil(used / 32))
    const any = new Uint32Array(CHUNK_WORDS)
    let count = 0
    for (let chunk = 0; chunk * CHUNK_SLOTS < used; chunk++) {
      const cover = covered.subarray(chunk * CHUNK_WORDS, (chunk + 1) * CHUNK_WORDS)
      cover.fill(0xffffffff)
      for (const list of byVm) {
        any.fill(0)
        for (const c of list) {
          const bits = c.chunks[chunk]
          if (bits !== undefined) for (let w = 0; w < CHUNK_WORDS; w++) any[w]! |= bits[w]!
        }
        for (let w = 0; w < cover.length; w++) cover[w]! &= any[w]!
      }
      for (let w = 0; w < cover.length; w++) count += popcount(cover[w]!)
    }
    // The covered hosts judged in slot order; acceptances kept as slots and picks until read.
    const hosts = slots.snapshot()
    const picks = new Int32Array(Math.max(1, n * count))
    const acceptedSlots = new Int32Array(count)
    const judgedAccepted = new Map<number, AcceptedHost>()
    const refused = new Map<number, RejectedHost>()
    let accepted = 0
    for (let w = 0; w < covered.length; w++) {
      let bits = covered[w]!
      covered[w] = 0
      for (; bits !== 0; bits &= bits - 1) {
        const s = w * 32 + (31 - Math.clz32(bits & -bits))
        const j = judge(s, slots.host(s)!, picks, n * accepted)
        if (j === true || j.compatible) {
          if (j !== true) judgedAccepted.set(accepted, j)
          acceptedSlots[accepted++] = s
          covered[w]! |= 1 << (s & 31)
        } else if (!(j instanceof NoCandidate)) refused.set(s, j)
      }
    }
    // `covered` now marks the accepted slots.
    const isAccepted = (s: number): boolean => ((covered[s >>> 5]! >>> (s & 31)) & 1) === 1
    let list: AcceptedHost[] | null = null
    return slotResult(
      plan,
      accepted,
      () => (list ??= Array.from(acceptedSlots.subarray(0, accepted), (s, k) => judgedAccepted.get(k) ?? acceptance(plan, hosts.chunks[s >> 10]![s & 1023]!, picks, n * k))),
      hosts,
      isAccepted,
      refused,
      slotOf.size(),
      [],
    )
  }

  /** The result of hosts judged one by one (a subset by name, or every host where classes cannot decide). */
  const eachResult = (plan: MigrationPlan, listed: readonly Host[], judged: ReadonlyArray<HostJudgement | true>, picks: Int32Array, unknown: readonly string[]): InventoryFilterResult => {
    const n = plan.state.functions.length
    const accepted: AcceptedHost[] = []
    const refused = new Map<number, RejectedHost>()
    judged.forEach((j, x) => {
      if (j === true) accepted.push(acceptance(plan, listed[x]!, picks, n * x))
      else if (j.compatible) accepted.push(j)
      else if (!(j instanceof NoCandidate)) refused.set(x, j)
    })
    const chunks: Host[][] = []
    for (let x = 0; x < listed.length; x += 1024) chunks.push(listed.slice(x, x + 1024))
    return slotResult(plan, accepted.length, () => accepted, { chunks, used: listed.length }, (x) => judged[x] === true || (judged[x] as HostJudgement).compatible, refused, listed.length, unknown)
  }

  if (Array.isArray(hosts)) {
    let entries = 0
    for (const h of hosts as readonly Host[]) for (const f of h.functions) if (f.free) entries++
    slots.reserve(hosts.length, entries)
  }
  for (const h of hosts) put(h)
  return {
    size: slotOf.size,
    put,
    remove,
    get: (name) => {
      const at = slotOf.get(name)
      return at === undefined ? undefined : slots.host(at)
    },
    hosts: () => {
      const out: Host[] = []
      for (let s = 0; s < slots.used(); s++) if (slots.host(s) !== undefined) out.push(slots.host(s)!)
      return out
    },
    filter,
  }
}

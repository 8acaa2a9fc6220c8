/**
 * The inventory's hosts as slots, in order of first insertion, with what a judgement reads of
 * each held in typed arrays rather than in the host's objects (which a fleet of 10^6 scatters
 * over the heap):
 *
 * - per slot: where its free functions are in the function arena, and its PASID summary
 *   (`pasid-summary.ts`: IOMMU width, CPU translation, split, free globals below the split);
 * - per free function, in host order: its device class, its index in the host's functions, its
 *   PASID profile and the free globals below its limit.
 *
 * A slot is marked whole ("judge it whole") where the summary cannot stand for the host: a
 * repeated PASID entry id, free functions sharing an address, a pool too long to profile, more
 * than 255 free functions, numbers past 16 bits. Its classes are still indexed (kept aside), so
 * coverage is decided for it like for any other.
 *
 * The arena is append-only: a host rewritten with no more free functions than it had reuses its
 * place, else it moves to the end; when dead entries outnumber live ones the arena is rebuilt.
 */
import type { ClassIndex } from './class-index.js'
import { pfOf, type Host } from './host.js'
import { freeBelow, hostPasidSummary, type PasidProfile, type ProfileIndex } from './pasid-summary.js'
import type { HostPasidFunction } from '../pasid/host-pasid.js'
import { repeatedHostFunction } from '../pasid/function-assignment.js'
import type { PasidRanges } from '../pasid/pasid-ranges.js'
import { pasidLimit } from '../pasid/host-pasid.js'

/** Slot flags. */
export const WHOLE = 1
export const NO_PASID = 2
export const TRANSLATION = 4
export const GUEST_RANGE_FREE = 8
/** No profile (the host lists no PASID entry for the function). */
export const NO_PROFILE = 0xffff

/** Hosts by slot, frozen: slot s is `chunks[s >> 10][s & 1023]`. */
export interface HostSnapshot {
  readonly chunks: ReadonlyArray<ReadonlyArray<Host | undefined>>
  readonly used: number
}

const HOST_CHUNK = 1024

/** Class numbers kept in 16 bits. */
const SMALL = 0xffff

export interface SlotStore {
  /** Slots handed out, live or not. */
  readonly used: () => number
  readonly host: (slot: number) => Host | undefined
  /**
   * The hosts by slot as they are now (undefined: removed), unchanged by later writes: chunks of
   * the store shared until a write copies the one it changes (a 1,024-slot copy at most).
   */
  readonly snapshot: () => HostSnapshot
  readonly flags: Uint8Array
  readonly start: Int32Array
  readonly count: Uint8Array
  readonly iommu: Uint8Array
  readonly split: Int32Array
  readonly freeBelowSplit: Int32Array
  readonly freeTotal: Int32Array
  readonly fnClass: Uint16Array
  readonly fnIndex: Uint8Array
  readonly fnProfile: Uint16Array
  readonly fnFree: Int32Array
  /** The class numbers of a slot's host's free functions, each once. */
  readonly classesOf: (slot: number) => readonly number[]
  /** Fills `slot` (a new one when it is `used()`) with `host`; its classes are included in the index. */
  readonly write: (slot: number, host: Host) => void
  /** Empties `slot`: its classes excluded, its profiles released. */
  readonly clear: (slot: number) => void
  /** Makes room for `slots` hosts and `entries` free functions in all (a fleet loaded at once grows nothing). */
  readonly reserve: (slots: number, entries: number) => void
  /** Keeps live slots only, in order (their numbers change). */
  readonly reclaim: () => void
}

/** `a` with room for `size` (doubling, or `exact`ly that when reserving). */
const grow = <T extends Uint8Array | Uint16Array | Int32Array>(a: T, size: number, exact = false): T => {
  if (a.length >= size) return a
  const b = new (a.constructor as new (n: number) => T)(exact ? size : Math.max(size, 2 * a.length))
  b.set(a)
  return b
}

/** Two of the free functions (`free`: indices) at one address. */
const repeatedAddress = (fns: Host['functions'], free: readonly number[]): boolean => {
  if (free.length > 16) return new Set(free.map((k) => fns[k]!.address)).size < free.length
  for (let x = 1; x < free.length; x++) for (let y = 0; y < x; y++) if (fns[free[x]!]!.address === fns[free[y]!]!.address) return true
  return false
}

export const slotStore = (classes: ClassIndex, profiles: ProfileIndex): SlotStore => {
  const scratch = { free: [] as number[], ids: [] as number[], entries: [] as Array<HostPasidFunction<PasidRanges> | undefined>, taken: [] as Array<PasidProfile | null> }
  /** Hosts by slot in chunks of HOST_CHUNK; a chunk a snapshot holds is copied before it is written. */
  let hosts: Array<Array<Host | undefined>> = []
  let shared: boolean[] = []
  const setHost = (slot: number, h: Host | undefined): void => {
    const c = slot >> 10
    if (c === hosts.length) {
      hosts.push([])
      shared.push(false)
    }
    if (shared[c]) {
      hosts[c] = hosts[c]!.slice()
      shared[c] = false
    }
    hosts[c]![slot & (HOST_CHUNK - 1)] = h
  }
  const hostAt = (slot: number): Host | undefined => hosts[slot >> 10]?.[slot & (HOST_CHUNK - 1)]
  let used = 0
  // Per slot.
  let flags = new Uint8Array(1024)
  let start = new Int32Array(1024)
  let count = new Uint8Array(1024)
  let capacity = new Uint8Array(1024)
  let iommu = new Uint8Array(1024)
  let split = new Int32Array(1024)
  let freeSplit = new Int32Array(1024)
  let freeTotal = new Int32Array(1024)
  /** Classes of slots judged whole (the arena holds none for them). */
  const wholeClasses = new Map<number, number[]>()
  // Per arena entry.
  let fnClass = new Uint16Array(4096)
  let fnIndex = new Uint8Array(4096)
  let fnProfile = new Uint16Array(4096)
  let fnFree = new Int32Array(4096)
  let arenaUsed = 0
  let arenaDead = 0

  const classesOf = (slot: number): number[] => {
    if (flags[slot]! & WHOLE) return wholeClasses.get(slot) ?? []
    const out: number[] = []
    for (let e = start[slot]!, end = e + count[slot]!; e < end; e++) if (!out.includes(fnClass[e]!)) out.push(fnClass[e]!)
    return out
  }

  const release = (slot: number): void => {
    for (const id of classesOf(slot)) classes.exclude(id, slot)
    for (let e = start[slot]!, end = e + count[slot]!; e < end; e++) if (fnProfile[e] !== NO_PROFILE) profiles.release(fnProfile[e]!)
    wholeClasses.delete(slot)
    count[slot] = 0
  }

  const place = (slot: number, n: number): number => {
    if (n <= capacity[slot]!) return start[slot]!
    arenaDead += capacity[slot]!
    if (arenaUsed + n > fnClass.length) {
      fnClass = grow(fnClass, arenaUsed + n)
      fnIndex = grow(fnIndex, arenaUsed + n)
      fnProfile = grow(fnProfile, arenaUsed + n)
      fnFree = grow(fnFree, arenaUsed + n)
    }
    start[slot] = arenaUsed
    capacity[slot] = n
    arenaUsed += n
    return start[slot]!
  }

  /** The arena rebuilt with live entries only, slots in order. */
  const compactArena = (): void => {
    const order: number[] = []
    for (let s = 0; s < used; s++) if (count[s]! > 0) order.push(s)
    const [c, i, p, f] = [new Uint16Array(Math.max(4096, 2 * arenaUsed)), new Uint8Array(Math.max(4096, 2 * arenaUsed)), new Uint16Array(Math.max(4096, 2 * arenaUsed)), new Int32Array(Math.max(4096, 2 * arenaUsed))]
    let at = 0
    for (const s of order) {
      const from = start[s]!
      const n = count[s]!
      c.set(fnClass.subarray(from, from + n), at)
      i.set(fnIndex.subarray(from, from + n), at)
      p.set(fnProfile.subarray(from, from + n), at)
      f.set(fnFree.subarray(from, from + n), at)
      start[s] = at
      capacity[s] = n
      at += n
    }
    for (let s = 0; s < used; s++) if (count[s] === 0) capacity[s] = 0
    ;[fnClass, fnIndex, fnProfile, fnFree] = [c, i, p, f]
    arenaUsed = at
    arenaDead = 0
  }

  const write = (slot: number, host: Host): void => {
    if (slot === used) {
      used++
      flags = grow(flags, used)
      start = grow(start, used)
      count = grow(count, used)
      capacity = grow(capacity, used)
      iommu = grow(iommu, used)
      split = grow(split, used)
      freeSplit = grow(freeSplit, used)
      freeTotal = grow(freeTotal, used)
      count[slot] = 0
      capacity[slot] = 0
    } else release(slot)
    setHost(slot, host)
    const fns = host.functions
    const hp = host.pasid
    // Scratch reused from write to write: an update allocates little.
    const free = scratch.free
    const ids = scratch.ids
    free.length = 0
    ids.length = 0
    for (let k = 0; k < fns.length; k++) {
      const c = fns[k]!
      if (!c.free) continue
      free.push(k)
      ids.push(classes.classOf(c, c.pf === null ? undefined : pfOf(fns, c)).id)
    }
    const m = free.length
    let f = 0
    for (let x = 0; x < m; x++) {
      if (ids.indexOf(ids[x]!) === x) classes.include(ids[x]!, slot)
      if (ids[x]! >= SMALL) f |= WHOLE
    }
    if (hp === null) f |= NO_PASID
    else {
      const summary = hostPasidSummary(hp)
      if (summary.judge || repeatedHostFunction(hp) !== null) f |= WHOLE
      if (summary.cpuTranslation) f |= TRANSLATION
      if (summary.guestRangeFree) f |= GUEST_RANGE_FREE
      iommu[slot] = summary.iommuWidth
      split[slot] = summary.split
      freeSplit[slot] = summary.freeBelowSplit
      freeTotal[slot] = summary.freeTotal
    }
    if (m > 255 || repeatedAddress(fns, free)) f |= WHOLE
    // Each free function's PASID entry (the first listed at its address, as the judge finds it) and its profile.
    const entries = scratch.entries
    const taken = scratch.taken
    entries.length = 0
    taken.length = 0
    if (hp !== null && !(f & WHOLE)) {
      for (let x = 0; x < m; x++) {
        const address = fns[free[x]!]!.address
        let e: HostPasidFunction<PasidRanges> | undefined
        for (let y = 0; y < hp.functions.length && e === undefined; y++) if (hp.functions[y]!.id === address) e = hp.functions[y]
        const p = e === undefined ? null : profiles.take(e)
        entries.push(e)
        taken.push(p)
        if ((e !== undefined && p === null) || (p !== null && p.id >= NO_PROFILE)) f |= WHOLE
      }
      if (f & WHOLE) for (const p of taken) if (p !== null) profiles.release(p.id)
    }
    flags[slot] = f
    if (f & WHOLE) {
      wholeClasses.set(slot, ids.filter((id, x) => ids.indexOf(id) === x))
      count[slot] = 0
      return
    }
    const at = place(slot, m)
    count[slot] = m
    for (let x = 0; x < m; x++) {
      const e = entries[x]
      fnClass[at + x] = ids[x]!
      fnIndex[at + x] = free[x]!
      fnProfile[at + x] = taken[x]?.id ?? NO_PROFILE
      fnFree[at + x] = e === undefined || e.capabilityWidth === 0 ? 0 : freeBelow(hp!.global, pasidLimit(hp!, e))
    }
    if (arenaDead > 4096 && arenaDead > arenaUsed - arenaDead) compactArena()
  }

  const clear = (slot: number): void => {
    release(slot)
    arenaDead += capacity[slot]!
    capacity[slot] = 0
    setHost(slot, undefined)
    flags[slot] = 0
  }

  const reclaim = (): void => {
    let to = 0
    classes.clearSlots()
    const kept: Array<Host | undefined> = []
    const whole = new Map<number, number[]>()
    for (let s = 0; s < used; s++) {
      const h = hostAt(s)
      if (h === undefined) continue
      kept.push(h)
      flags[to] = flags[s]!
      start[to] = start[s]!
      count[to] = count[s]!
      capacity[to] = capacity[s]!
      iommu[to] = iommu[s]!
      split[to] = split[s]!
      freeSplit[to] = freeSplit[s]!
      freeTotal[to] = freeTotal[s]!
      const w = wholeClasses.get(s)
      if (w !== undefined) whole.set(to, w)
      to++
    }
    hosts = []
    shared = []
    used = to
    kept.forEach((h, slot) => setHost(slot, h))
    wholeClasses.clear()
    for (const [slot, w] of whole) wholeClasses.set(slot, w)
    for (let s = 0; s < used; s++) for (const id of classesOf(s)) classes.include(id, s)
    compactArena()
  }

  const reserve = (n: number, entries: number): void => {
    const size = used + n
    flags = grow(flags, size, true)
    start = grow(start, size, true)
    count = grow(count, size, true)
    capacity = grow(capacity, size, true)
    iommu = grow(iommu, size, true)
    split = grow(split, size, true)
    freeSplit = grow(freeSplit, size, true)
    freeTotal = grow(freeTotal, size, true)
    fnClass = grow(fnClass, arenaUsed + entries, true)
    fnIndex = grow(fnIndex, arenaUsed + entries, true)
    fnProfile = grow(fnProfile, arenaUsed + entries, true)
    fnFree = grow(fnFree, arenaUsed + entries, true)
  }

  return {
    reserve,
    used: () => used,
    host: hostAt,
    snapshot: () => {
      shared = hosts.map(() => true)
      return { chunks: hosts.slice(), used }
    },
    get flags() {
      return flags
    },
    get start() {
      return start
    },
    get count() {
      return count
    },
    get iommu() {
      return iommu
    },
    get split() {
      return split
    },
    get freeBelowSplit() {
      return freeSplit
    },
    get freeTotal() {
      return freeTotal
    },
    get fnClass() {
      return fnClass
    },
    get fnIndex() {
      return fnIndex
    },
    get fnProfile() {
      return fnProfile
    },
    get fnFree() {
      return fnFree
    },
    classesOf,
    write,
    clear,
    reclaim,
  }
}

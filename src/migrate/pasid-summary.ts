/**
 * A host's PASID side summarised for an inventory, so that deciding a VM's PASIDs under an
 * assignment is a few table lookups and comparisons instead of a walk over the host's objects:
 *
 * - each PASID function entry is reduced to a profile (capability width, features, PF enable,
 *   VF, its own pool), numbered and shared by every host with an equal entry; what a state
 *   function needs of one (`pasidFunctionLimit`) is then worked out once per plan and profile;
 * - the global pool is reduced to the free globals below each bound that can occur on the host
 *   (its functions' limits, 1 << min(capability width, IOMMU width)) and below its split: the
 *   fresh globals fit exactly when, bound by bound, the count needed is at most the difference.
 *
 * The decision (`pasidDecision`) is the same as `pasidsFeasible` wherever it says yes or no; it
 * says "judge" where the summary cannot tell (a repeated entry id, a pool too long to profile,
 * locals whose range the host has allocated in), and the inventory then judges the host whole.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { HostPasid, HostPasidFunction } from '../pasid/host-pasid.js'
import { pasidFunctionLimit, pasidLimits, globalShortfallWith, type PasidLimits } from '../pasid/pasid-limits.js'
import type { CompiledPasids } from '../pasid/pasid-feasibility.js'
import { type PasidRanges, rangesFree } from '../pasid/pasid-ranges.js'
import { MAX_PASID_WIDTH, type PasidWidth } from '../pasid/pasid.js'
import type { MigrationPlan } from './migration-plan.js'

/** Pools profiled by content up to this many numbers (ranges × 3); longer ones make their host judged whole. */
const PROFILED_POOL = 24

export interface PasidProfile {
  readonly id: number
  readonly key: string
  /** An entry of the profile (every entry of it is equal in all `pasidFunctionLimit` reads). */
  readonly entry: HostPasidFunction<PasidRanges>
  refs: number
}

export interface ProfileIndex {
  /** The profile of an entry, counted once more; null when its pool is too long to profile. */
  readonly take: (entry: HostPasidFunction<PasidRanges>) => PasidProfile | null
  readonly release: (id: number) => void
  readonly byId: (id: number) => PasidProfile
}

export const profileIndex = (): ProfileIndex => {
  const byKey = new Map<string, PasidProfile>()
  const ids: Array<PasidProfile | undefined> = []
  const freeIds: number[] = []
  /** Profiles by entry object: an update of a host seen before finds them without a key. */
  const byEntry = new WeakMap<HostPasidFunction<PasidRanges>, PasidProfile>()
  return {
    take: (e) => {
      let p = byEntry.get(e)
      // A profile dropped since is not reused: its number may belong to another now.
      if (p === undefined || ids[p.id] !== p) {
        if (e.pool.ranges.length > PROFILED_POOL) return null
        const key = `${e.capabilityWidth}/${+e.execute}${+e.privileged}${+e.pasidEnabled}${+e.isVf}/${e.pool.width}/${e.pool.ranges.join(',')}`
        p = byKey.get(key)
        if (p === undefined) {
          const id = freeIds.pop() ?? ids.length
          p = { id, key, entry: e, refs: 0 }
          byKey.set(key, p)
          ids[id] = p
        }
        byEntry.set(e, p)
      }
      p.refs++
      return p
    },
    release: (id) => {
      const p = ids[id]!
      if (--p.refs > 0) return
      byKey.delete(p.key)
      ids[id] = undefined
      freeIds.push(id)
    },
    byId: (id) => ids[id]!,
  }
}

/** Free globals of [0, x) (clipped to the pool): free in [a, b) is their difference, never below 0. */
export const freeBelow = (pool: PasidRanges, x: number): number => rangesFree(pool, 0, x)

/** What `pasidDecision` answers. */
export const ACCEPT = 1
export const REFUSE = 2
export const JUDGE = 3
export type Decision = typeof ACCEPT | typeof REFUSE | typeof JUDGE

/** The host-wide part of a summary. */
export interface HostPasidSummary {
  /** The summary cannot decide for this host (PASID 0 free in its global pool): judge it whole. */
  readonly judge: boolean
  readonly iommuWidth: number
  readonly cpuTranslation: boolean
  /** -1 when the host does not split. */
  readonly split: number
  /** Free globals below max(split, 1). */
  readonly freeBelowSplit: number
  /** Free globals in the whole pool. */
  readonly freeTotal: number
  /** Every PASID of [1, split) is free (so no guest local is occupied). */
  readonly guestRangeFree: boolean
}

export const hostPasidSummary = (h: HostPasid<PasidRanges>): HostPasidSummary => ({
  judge: freeBelow(h.global, 1) !== 0,
  iommuWidth: h.iommuWidth,
  cpuTranslation: h.cpuTranslation,
  split: h.split ?? -1,
  freeBelowSplit: freeBelow(h.global, Math.max(h.split ?? 1, 1)),
  freeTotal: freeBelow(h.global, 1 << MAX_PASID_WIDTH),
  guestRangeFree: h.split !== null && h.split >= 1 && rangesFree(h.global, 1, h.split) === h.split - 1,
})

/** A plan's PASID side prepared for summaries: per (state function, profile, IOMMU width) its limit, worked out once. */
export interface PasidDecider {
  /**
   * The decision for a host under the assignment giving state function j the profile
   * `profileOf(j)` (-1: no entry) whose function's free globals below its limit are `freeAtLimit(j)`.
   */
  readonly decide: (host: HostPasidSummary, profileOf: (j: number) => number, freeAtLimit: (j: number) => number) => Decision
}

export const pasidDecider = (plan: MigrationPlan, profiles: ProfileIndex): PasidDecider => {
  const pasids = plan.pasids
  if (pasids === null) return { decide: () => ACCEPT }
  if (E.isLeft(pasids)) return { decide: () => REFUSE }
  const compiled: CompiledPasids = pasids.right
  const n = compiled.state.functions.length
  // A state function no VM function is: served by the host function of its own id, which a summary does not know.
  if (plan.pasidFunctionIndex.some((i) => i < 0)) return { decide: () => JUDGE }
  const limits: PasidLimits = pasidLimits(compiled)
  const mode = compiled.state.mode
  const stateSplit = compiled.state.mode === 'global-split' ? compiled.state.split : 0
  const known = new Map<number, number>()
  const limitOf = (j: number, profile: number, iommuWidth: number): number => {
    const key = (profile * 32 + iommuWidth) * n + j
    let limit = known.get(key)
    if (limit === undefined) known.set(key, (limit = pasidFunctionLimit(compiled, { iommuWidth: iommuWidth as PasidWidth }, j, profiles.byId(profile).entry)))
    return limit
  }
  /** Fresh globals the state needs in all: no limit is above 2^20, so a pool with fewer free refuses it under any assignment. */
  const needed = compiled.groups.reduce((t, g) => t + g.count, 0)
  const fnLimits = new Float64Array(n)
  const fnFree = new Float64Array(n)
  let base = 0
  /** Free globals of [from, bound): bound is some function's limit (its free count is known), from the split or 1. */
  const free = (_from: number, bound: number): number => {
    // Below 1 nothing is free (PASID 0; hosts where it is are judged whole).
    for (let j = 0; j < n; j++) if (fnLimits[j] === bound) return Math.max(0, fnFree[j]! - base)
    throw new Error(`pasidDecider: bound ${bound} is no function's limit`)
  }
  return {
    decide: (host, profileOf, freeAtLimit) => {
      if (host.judge) return JUDGE
      // What no assignment changes (`hostAdmitsPasids`): refused under every assignment.
      if (compiled.anyEnqcmd && !host.cpuTranslation) return REFUSE
      if (mode === 'global-split') {
        if (host.split < 0 || host.split < stateSplit) return REFUSE
        if (!host.guestRangeFree) return JUDGE
      }
      const from = mode === 'global-split' ? Math.max(host.split, 1) : 1
      base = from > 1 ? host.freeBelowSplit : 0
      if (mode !== 'delegated' && mode !== 'per-rid' && needed > host.freeTotal - base) return REFUSE
      for (let j = 0; j < n; j++) {
        const p = profileOf(j)
        // Another assignment may serve it: the judge's search decides.
        if (p < 0 || (fnLimits[j] = limitOf(j, p, host.iommuWidth)) === 0) return JUDGE
        fnFree[j] = freeAtLimit(j)
      }
      if (mode === 'delegated' || mode === 'per-rid') return ACCEPT
      return globalShortfallWith(limits, fnLimits, from, free) === null ? ACCEPT : JUDGE
    },
  }
}

/**
 * Hostile PASID scenarios, for the property tests and the fuzzer's `pasid-remap` target: a state
 * of any mode (sometimes malformed: a function id twice, a local listing a function twice), a
 * destination built from the exported arbitraries (sometimes listing a function id twice, with
 * occupied function pools), and an assignment that is one-to-one, many-to-one, or partial.
 *
 * `planViolations` is the rule a plan must keep, written from DESIGN.md §4–5 and not from the
 * planner: no PASID twice on one destination function, no global twice, none already allocated,
 * never 0, globals in [split, bound) (global-split) or [1, bound), as-is PASIDs below the limit.
 */
import fc from 'fast-check'
import * as arb from '../../src/arbitraries/index.js'
import type { HostPasid, HostPasidFunction } from '../../src/pasid/host-pasid.js'
import { isAllocated } from '../../src/pasid/pasid-pool.js'
import type { PasidRanges } from '../../src/pasid/pasid-ranges.js'
import type { PasidMode, PasidState } from '../../src/pasid/pasid-state.js'
import type { PasidPlan } from '../../src/pasid/remap.js'

export interface PasidScenario {
  readonly state: PasidState
  readonly host: HostPasid<PasidRanges>
  /** Guest function id → destination function id; ids it leaves out take their own. */
  readonly assignment: ReadonlyMap<string, string>
}

const MODES: readonly PasidMode[] = ['delegated', 'per-rid', 'global-per-function', 'global-split']

/** The state with one flaw an attacker could write, or as it is. */
const twisted = (state: PasidState, twist: number): PasidState => {
  if (twist === 1 && state.functions.length > 1) return { ...state, functions: state.functions.map((f, i) => (i === 1 ? { ...f, id: state.functions[0]!.id } : f)) } as PasidState
  if (twist === 2 && state.mode === 'global-split' && state.locals.length > 0) {
    const [l, ...rest] = state.locals
    return { ...state, locals: [{ ...l!, functions: [...l!.functions, l!.functions[0]!] }, ...rest] }
  }
  return state
}

/** One destination function per guest function, in the order `picks` says, repeats allowed where `shared`. */
const assignmentOf = (state: PasidState, hostIds: readonly string[], picks: readonly number[], kind: 'one-to-one' | 'many-to-one' | 'partial'): Map<string, string> => {
  const out = new Map<string, string>()
  const free = [...hostIds]
  state.functions.forEach((f, i) => {
    const pick = picks[i % picks.length] ?? 0
    if (kind === 'partial' && pick % 3 === 0) return
    if (kind === 'many-to-one') out.set(f.id, hostIds[pick % hostIds.length]!)
    else if (free.length > 0) out.set(f.id, free.splice(pick % free.length, 1)[0]!)
  })
  return out
}

/** A scenario of `mode` (default: any), small enough that every refusal and acceptance is reachable. */
export const pasidScenario = (mode?: PasidMode): fc.Arbitrary<PasidScenario> =>
  fc
    .record({
      mode: mode === undefined ? fc.constantFrom(...MODES) : fc.constant(mode),
      guests: fc.integer({ min: 1, max: 4 }),
      hosts: fc.integer({ min: 1, max: 5 }),
      repeatHostId: fc.integer({ min: 0, max: 7 }),
    })
    .chain(({ mode, guests, hosts, repeatHostId }) => {
      const guestIds = Array.from({ length: guests }, (_, i) => `00:0${i + 5}.0`)
      const hostIds = Array.from({ length: hosts }, (_, k) => (repeatHostId === 0 && k === hosts - 1 && k > 0 ? 'h0' : `h${k}`))
      return fc.record({
        state: arb.pasidState({ mode, functionIds: guestIds, maxFunctions: guests, minWidth: 3, maxWidth: 8, maxPasids: 24 }),
        twist: fc.integer({ min: 0, max: 9 }),
        host: arb.hostPasid({ functionIds: hostIds, width: 8, maxWidth: 8, maxRanges: 6, functionPools: true }),
        // Most hosts are friendly where DESIGN has nothing to say, so plans are made as often as refused.
        friendly: fc.boolean(),
        kind: fc.constantFrom('one-to-one', 'one-to-one', 'many-to-one', 'partial') as fc.Arbitrary<'one-to-one' | 'many-to-one' | 'partial'>,
        picks: fc.array(fc.nat({ max: 11 }), { minLength: 4, maxLength: 4 }),
      })
    })
    .map(({ state, twist, host, friendly, kind, picks }) => {
      const h: HostPasid<PasidRanges> = friendly
        ? {
            ...host,
            cpuTranslation: true,
            split: host.split === null ? null : Math.max(host.split, 32),
            functions: host.functions.map((f): HostPasidFunction<PasidRanges> => ({ ...f, execute: true, privileged: true, pasidEnabled: true })),
          }
        : host
      return { state: twisted(state, twist), host: h, assignment: assignmentOf(state, [...new Set(host.functions.map((f) => f.id))], picks, kind) }
    })

/**
 * Where `plan` breaks the rules for `state` on `before` (the destination as it was) under
 * `assignment`; empty when it keeps them all.
 */
/** The host's PASID side as a host file's `pasid` section holds it (for the decoder). */
export const hostPasidData = (host: HostPasid<PasidRanges>): unknown => {
  const pairs = (r: PasidRanges): Array<[number, number]> => {
    const out: Array<[number, number]> = []
    for (let i = 0; i < r.ranges.length; i += 3) if (r.ranges[i + 1]! > Math.max(1, r.ranges[i]!)) out.push([Math.max(1, r.ranges[i]!), r.ranges[i + 1]!])
    return out
  }
  return {
    iommuWidth: host.iommuWidth,
    cpuTranslation: host.cpuTranslation,
    split: host.split,
    globalAllocated: pairs(host.global),
    functions: host.functions.map((f) => ({ id: f.id, capabilityWidth: f.capabilityWidth, execute: f.execute, privileged: f.privileged, pasidEnabled: f.pasidEnabled, vf: f.isVf, allocated: pairs(f.pool) })),
  }
}

export const planViolations = (state: PasidState, before: HostPasid, assignment: ReadonlyMap<string, string>, plan: PasidPlan): string[] => {
  const out: string[] = []
  const hostOf = new Map(state.functions.map((f) => [f.id, assignment.get(f.id) ?? f.id]))
  const guestsOf = new Map<string, string[]>()
  for (const [g, h] of hostOf) guestsOf.set(h, [...(guestsOf.get(h) ?? []), g])
  for (const [h, gs] of guestsOf) if (gs.length > 1) out.push(`${h} takes ${gs.join(' and ')}: assignments are one-to-one`)
  const fn = new Map<string, HostPasid['functions'][number]>()
  for (const f of before.functions) {
    if (fn.has(f.id)) out.push(`the destination lists ${f.id} twice, and a plan was made on it`)
    fn.set(f.id, f)
  }
  const limit = (id: string): number => {
    const f = fn.get(id)
    return f === undefined ? 0 : 1 << Math.min(f.capabilityWidth, before.iommuWidth)
  }
  const seen = new Set<string>()
  for (const e of plan.entries) {
    const key = `${e.function}#${e.pasid}`
    if (seen.has(key)) out.push(`PASID ${e.pasid} is programmed twice on ${e.function}`)
    seen.add(key)
    if (e.pasid === 0) out.push(`PASID 0 handed out on ${e.function}`)
    if (e.pasid >= limit(e.function)) out.push(`PASID ${e.pasid} on ${e.function} is at or above its limit ${limit(e.function)}`)
    if (e.kind === 'global' && isAllocated(before.global, e.pasid)) out.push(`global ${e.pasid} was already allocated`)
    if ((e.kind === 'hardware' || e.kind === 'physical') && fn.get(e.function) !== undefined && isAllocated(fn.get(e.function)!.pool, e.pasid)) {
      out.push(`PASID ${e.pasid} was already in use on ${e.function}`)
    }
  }
  // Every guest PASID is served: each binding has its entry, each local its global on each of its functions.
  if (state.mode === 'global-split') {
    const mapped = new Map(plan.map.map((m) => [m.local, m.global]))
    for (const l of state.locals) {
      const g = mapped.get(l.local)
      if (g === undefined) out.push(`local ${l.local} has no global`)
      for (const id of l.functions) {
        const h = hostOf.get(id)!
        if (!plan.entries.some((e) => e.function === h && e.guest === l.local && e.kind === 'global' && e.pasid === g)) out.push(`local ${l.local} has no global entry on ${h}`)
      }
    }
    if (plan.map.length !== state.locals.length) out.push(`${plan.map.length} globals for ${state.locals.length} locals`)
  } else if (plan.entries.length < state.bindings.length) out.push(`${plan.entries.length} entries for ${state.bindings.length} bindings`)
  if (state.mode === 'global-split' || state.mode === 'global-per-function') {
    const globals = new Map<number, number>()
    for (const m of plan.map) {
      if (globals.has(m.global)) out.push(`global ${m.global} given to guest PASIDs ${globals.get(m.global)} and ${m.local}`)
      globals.set(m.global, m.local)
      const from = state.mode === 'global-split' ? (before.split ?? Infinity) : 1
      if (m.global < from) out.push(`global ${m.global} below ${from}`)
    }
  } else if (state.mode === 'per-rid') {
    const given = new Set<string>()
    for (const m of plan.map) {
      const key = `${m.function}#${m.global}`
      if (given.has(key)) out.push(`pPASID ${m.global} given twice on ${m.function}`)
      given.add(key)
    }
  }
  return out
}

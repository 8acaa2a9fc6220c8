/**
 * The extender's answers as pure functions of an inventory, a pod's state and the node names
 * kube-scheduler asks about: which nodes pass, which fail (with the first error reason, by
 * `code: sentence`) and whether an eviction could help (`reason-resolution.ts`), and the score of
 * each node for `/prioritize`. Judgement is `Inventory.filter`, which gives `filterHosts`'s
 * answer on the same hosts; a node the inventory does not hold is refused as unresolvable (vpci
 * cannot prove what it has not seen).
 *
 * Score rule (0 to `MAX_EXTENDER_PRIORITY`, 10, the extender API's MaxExtenderPriority), per
 * node asked about:
 *
 * - 0 when the host is refused (or unknown, or the pod's state unreadable);
 * - an accepted host scores `moveScore + pasidScore`: `moveScore` is 8, 6, 4 or 2 when 0, 1, 2,
 *   or 3 and more passthrough capabilities sit at another physical offset than the guest sees
 *   (each one a config access the VMM must redirect), summed over the VM's functions; `pasidScore`
 *   is `floor(2 · free / mostFree)`, `free` the host's free global PASIDs at or above its split
 *   and `mostFree` the most of any accepted host in the same request (0 when none has PASIDs);
 * - a pod that is not a vpci VM scores every node 0 (it leaves the choice to the scheduler).
 *
 * So a host where nothing moves beats any where something does, and among equals the one with the
 * most free PASIDs (the one most likely to take the next VM too) gets up to 2 more.
 */
import type { Reason, ReasonCode } from '../proof/reason.js'
import type { AcceptedHost, RejectedHost } from '../migrate/filter-hosts.js'
import { type Host, pfOf } from '../migrate/host.js'
import { NoCandidate } from '../migrate/host-judgement.js'
import { personaKey } from '../migrate/migration-plan.js'
import type { Inventory } from '../migrate/inventory.js'
import { rangesFree } from '../pasid/pasid-ranges.js'
import type { MigrationState } from '../state/migration-state.js'
import { oneLine } from '../decode/one-line.js'
import { refusalResolution } from './reason-resolution.js'

export const MAX_EXTENDER_PRIORITY = 10

/** The code a refusal is counted under in metrics and shown first in a message. */
export type VerdictCode = ReasonCode | 'ACCEPTED' | 'UNKNOWN_NODE' | 'POD_STATE'

export interface FilterDecision {
  /** Node names that pass, in the order asked (a name asked twice appears twice, as judged twice). */
  readonly passed: readonly string[]
  /** Refused, an eviction could help: node → `CODE: sentence`. */
  readonly failed: Readonly<Record<string, string>>
  /** Refused, no eviction could help. */
  readonly unresolvable: Readonly<Record<string, string>>
  /** Per node judged, the code it is counted under. */
  readonly verdicts: readonly VerdictCode[]
}

export interface HostPriority {
  readonly Host: string
  readonly Score: number
}

/** A record that takes any node name as a key (`__proto__` included) and is plain JSON. */
const record = (): Record<string, string> => Object.create(null) as Record<string, string>

const firstError = (reasons: readonly Reason[]): Reason | undefined => reasons.find((r) => r.severity === 'error') ?? reasons[0]

const UNKNOWN = 'UNKNOWN_NODE: not in vpci\'s host inventory (add the host with PutHost or a file of --inventory)'

/** Every node refused as unresolvable with `message` (a pod whose state cannot be read). */
export const refuseAll = (names: readonly string[], message: string): FilterDecision => {
  const unresolvable = record()
  for (const n of names) unresolvable[n] = `POD_STATE: ${message}`
  return { passed: [], failed: record(), unresolvable, verdicts: names.map(() => 'POD_STATE') }
}

/** A number per object, for keys of object identity. */
const ids = new WeakMap<object, number>()
let nextId = 0
const idOf = (o: object): number => {
  let id = ids.get(o)
  if (id === undefined) ids.set(o, (id = nextId++))
  return id
}

/**
 * What a NO_CANDIDATE refusal depends on: the host's free functions (model, persona, address, PF).
 * Hosts of one hardware configuration share it, and so their refusal but for the host's name.
 */
const coverageKey = (host: Host): string => {
  let key = ''
  for (const f of host.functions) {
    if (!f.free) continue
    const pf = pfOf(host.functions, f)
    key += `${idOf(f.function)}|${f.address}|${personaKey(f.persona)}|${pf === undefined ? '-' : idOf(pf)}\n`
  }
  return key
}

/**
 * A refusal as kube-scheduler shows it: `CODE: sentence` of the first error, the node's own name
 * replaced by "this node" so that nodes refused alike read alike (kube-scheduler counts equal
 * messages in the pod's event: "3 NO_CANDIDATE: ...").
 */
const refusalLine = (r: RejectedHost): { readonly line: string; readonly code: ReasonCode; readonly unresolvable: boolean } => {
  const first = firstError(r.reasons)
  const text = first === undefined ? 'refused' : `${first.code}: ${first.message.split(r.host.name).join('this node')}`
  return { line: oneLine(text), code: first?.code ?? 'NO_CANDIDATE', unresolvable: refusalResolution(r.reasons) === 'unresolvable' }
}

/** `/filter`: the nodes that can take the VM, and why each other cannot. */
export const filterDecision = (inventory: Pick<Inventory, 'filter'>, state: MigrationState, names: readonly string[]): FilterDecision => {
  const result = inventory.filter(state, { names })
  const passed = result.accepted.map((a) => a.host.name)
  const failed = record()
  const unresolvable = record()
  const verdicts: VerdictCode[] = passed.map(() => 'ACCEPTED')
  // Refusals for want of a candidate, by what they depend on: written once per hardware configuration.
  const byCoverage = new Map<string, ReturnType<typeof refusalLine>>()
  for (const r of result.rejected) {
    let refusal: ReturnType<typeof refusalLine> | undefined
    if (r instanceof NoCandidate) {
      const key = coverageKey(r.host)
      refusal = byCoverage.get(key)
      if (refusal === undefined) byCoverage.set(key, (refusal = refusalLine(r)))
    } else refusal = refusalLine(r)
    verdicts.push(refusal.code)
    if (refusal.unresolvable) unresolvable[r.host.name] = refusal.line
    else failed[r.host.name] = refusal.line
  }
  for (const n of result.unknown) {
    unresolvable[n] = UNKNOWN
    verdicts.push('UNKNOWN_NODE')
  }
  return { passed, failed, unresolvable, verdicts }
}

/** Passthrough capabilities the guest sees at another offset than the physical one, over the VM's functions. */
export const movedCapabilities = (a: AcceptedHost): number => {
  let moved = 0
  for (const f of a.assignment) for (const m of f.offsetMap) if (m.backing === 'passthrough' && m.physicalOffset !== m.virtualOffset) moved++
  return moved
}

/** Free global PASIDs at or above the host's split (all of them when it has none); 0 without a PASID side. */
export const freeGlobalPasids = (host: Host): number => {
  const p = host.pasid
  if (p === null) return 0
  return rangesFree(p.global, p.split ?? 1, 2 ** p.iommuWidth)
}

const MOVE_SCORE = [8, 6, 4, 2] as const

/** `/prioritize`: each node asked about with its score (see the module's rule). */
export const prioritizeDecision = (inventory: Pick<Inventory, 'filter'>, state: MigrationState, names: readonly string[]): HostPriority[] => {
  const result = inventory.filter(state, { names })
  const accepted = result.accepted
  let mostFree = 0
  const free = accepted.map((a) => {
    const n = freeGlobalPasids(a.host)
    mostFree = Math.max(mostFree, n)
    return n
  })
  const score = new Map<string, number>()
  accepted.forEach((a, i) => {
    const moves = MOVE_SCORE[Math.min(3, movedCapabilities(a))]!
    const pasids = mostFree === 0 ? 0 : Math.floor((2 * free[i]!) / mostFree)
    score.set(a.host.name, Math.max(score.get(a.host.name) ?? 0, moves + pasids))
  })
  return names.map((Host) => ({ Host, Score: score.get(Host) ?? 0 }))
}

/**
 * The extender's replies, from a decoded JSON body to the JSON kube-scheduler reads back:
 * `ExtenderFilterResult` (`Nodes`, `NodeNames`, `FailedNodes`, `FailedAndUnresolvableNodes`,
 * `Error`) for `/filter` and `HostPriorityList` (`[{Host, Score}]`) for `/prioritize`, keys
 * capitalised as the Go types (no JSON tags) marshal them. A body that is not `ExtenderArgs`
 * gives `Error` (kube-scheduler fails the pod's filtering with it, or skips an ignorable
 * extender), never a throw; `/prioritize` has no error field, so a bad body scores nothing (an
 * empty list: kube-scheduler ignores an extender's prioritization errors anyway).
 *
 * In `nodeCacheCapable` mode the passing nodes go back as `NodeNames`; otherwise as `Nodes`, the
 * very `v1.Node` objects sent, since kube-scheduler takes them from the reply.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Inventory } from '../migrate/inventory.js'
import type { MigrationState } from '../state/migration-state.js'
import { decodeExtenderArgs, type ExtenderArgs, renderExtenderArgsError } from './extender-args.js'
import { type FilterDecision, filterDecision, type HostPriority, prioritizeDecision, refuseAll, type VerdictCode } from './extender-decision.js'
import { podState } from './pod-state.js'

/** What the extender judges with: the server's inventory and its registered states. */
export interface ExtenderSource {
  /** The hosts, by node name. */
  readonly inventory: () => Pick<Inventory, 'filter'>
  /** A state registered by name (gRPC PutState or the --states folder). */
  readonly state: (name: string) => MigrationState | undefined
  /** True once the inventory is loaded. */
  readonly ready: () => boolean
}

export interface ExtenderFilterResult {
  readonly Nodes: { readonly metadata: Record<string, never>; readonly items: readonly unknown[] } | null
  readonly NodeNames: readonly string[] | null
  readonly FailedNodes: Readonly<Record<string, string>>
  readonly FailedAndUnresolvableNodes: Readonly<Record<string, string>>
  readonly Error: string
}

export interface Answer<T> {
  readonly body: T
  /** Per node judged, its verdict code (empty for an error or a pod that is not a vpci VM). */
  readonly verdicts: readonly VerdictCode[]
  /** Nodes judged (0 for an error or a pod that is not a vpci VM). */
  readonly judged: number
  /** The error carried in the reply, if any. */
  readonly error: string | null
}

const errorResult = (message: string): ExtenderFilterResult => ({ Nodes: null, NodeNames: null, FailedNodes: {}, FailedAndUnresolvableNodes: {}, Error: message })

/** The reply of `decision` in the mode the scheduler asked in. */
const filterResult = (args: ExtenderArgs, d: Pick<FilterDecision, 'passed' | 'failed' | 'unresolvable'>): ExtenderFilterResult => {
  if (args.mode === 'names') return { Nodes: null, NodeNames: d.passed, FailedNodes: d.failed, FailedAndUnresolvableNodes: d.unresolvable, Error: '' }
  const passing = new Set(d.passed)
  const items = args.nodeItems!.filter((_, i) => passing.has(args.nodeNames[i]!))
  return { Nodes: { metadata: {}, items }, NodeNames: null, FailedNodes: d.failed, FailedAndUnresolvableNodes: d.unresolvable, Error: '' }
}

/** `/filter` of a decoded body. */
export const answerFilter = (source: ExtenderSource, body: unknown): Answer<ExtenderFilterResult> => {
  const args = decodeExtenderArgs(body)
  if (E.isLeft(args)) {
    const message = `vpci extender: ${renderExtenderArgsError(args.left)}`
    return { body: errorResult(message), verdicts: [], judged: 0, error: message }
  }
  const a = args.right
  if (!source.ready()) {
    const message = 'vpci extender: the host inventory is not loaded yet'
    return { body: errorResult(message), verdicts: [], judged: 0, error: message }
  }
  const pod = podState(a.pod, source.state)
  if (E.isLeft(pod)) {
    const d = refuseAll(a.nodeNames, pod.left.message)
    return { body: filterResult(a, d), verdicts: d.verdicts, judged: a.nodeNames.length, error: null }
  }
  if (pod.right._tag === 'NotVpci') return { body: filterResult(a, { passed: a.nodeNames, failed: {}, unresolvable: {} }), verdicts: [], judged: 0, error: null }
  const d = filterDecision(source.inventory(), pod.right.state, a.nodeNames)
  return { body: filterResult(a, d), verdicts: d.verdicts, judged: a.nodeNames.length, error: null }
}

/** `/prioritize` of a decoded body. */
export const answerPrioritize = (source: ExtenderSource, body: unknown): Answer<readonly HostPriority[]> => {
  const args = decodeExtenderArgs(body)
  if (E.isLeft(args)) return { body: [], verdicts: [], judged: 0, error: `vpci extender: ${renderExtenderArgsError(args.left)}` }
  const a = args.right
  const zero = (): Answer<readonly HostPriority[]> => ({ body: a.nodeNames.map((Host) => ({ Host, Score: 0 })), verdicts: [], judged: 0, error: null })
  if (!source.ready()) return { ...zero(), error: 'vpci extender: the host inventory is not loaded yet' }
  const pod = podState(a.pod, source.state)
  if (E.isLeft(pod) || pod.right._tag === 'NotVpci') return zero()
  return { body: prioritizeDecision(source.inventory(), pod.right.state, a.nodeNames), verdicts: [], judged: a.nodeNames.length, error: null }
}

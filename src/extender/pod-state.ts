/**
 * Which migration state a pod names, from its annotations:
 *
 * - `vpci.dev/migration-state`: the `vpci.migration.v1.MigrationState` message itself, base64
 *   (RFC 4648 §4, padding optional). A pod's annotations share one budget of 256 KiB, keys and
 *   values together (`TotalAnnotationSizeLimitB = 256 * (1 << 10)`, k8s.io/apimachinery
 *   pkg/api/validation/objectmeta.go), so a state whose base64 does not fit with the pod's other
 *   annotations goes by name instead;
 * - `vpci.dev/migration-state-name`: the name of a state registered with the server (gRPC
 *   `PutState`, or a file of the `--states` folder).
 *
 * A pod with neither is not a vpci VM: the extender passes every node for it. A pod with both,
 * or whose state cannot be read, is refused on every node (never passed: a state the extender
 * cannot read cannot be proved to fit anywhere).
 */
import * as E from 'fp-ts/lib/Either.js'
import { oneLine } from '../decode/one-line.js'
import type { MigrationState } from '../state/migration-state.js'
import { decodeMigrationState } from '../state/state-codec.js'
import type { ExtenderPod } from './extender-args.js'

export const STATE_ANNOTATION = 'vpci.dev/migration-state'
export const STATE_NAME_ANNOTATION = 'vpci.dev/migration-state-name'
/** The API server's bound on all of an object's annotations together (keys and values, bytes). */
export const ANNOTATIONS_BUDGET = 256 * 1024

export type PodState =
  | { readonly _tag: 'NotVpci' }
  | { readonly _tag: 'State'; readonly state: MigrationState; readonly source: 'inline' | 'named' }

/** Refused on every node, with this sentence. */
export interface PodStateError {
  readonly _tag: 'PodStateError'
  readonly message: string
}

const refuse = (message: string): E.Either<PodStateError, never> => E.left({ _tag: 'PodStateError', message: oneLine(message) })

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** The state a pod names: inline, or by name through `named`. */
export const podState = (pod: ExtenderPod, named: (name: string) => MigrationState | undefined): E.Either<PodStateError, PodState> => {
  const inline = Object.hasOwn(pod.annotations, STATE_ANNOTATION) ? pod.annotations[STATE_ANNOTATION]! : undefined
  const name = Object.hasOwn(pod.annotations, STATE_NAME_ANNOTATION) ? pod.annotations[STATE_NAME_ANNOTATION]! : undefined
  if (inline === undefined && name === undefined) return E.right({ _tag: 'NotVpci' })
  if (inline !== undefined && name !== undefined) return refuse(`pod names its migration state twice (${STATE_ANNOTATION} and ${STATE_NAME_ANNOTATION}); keep one`)
  if (name !== undefined) {
    const state = named(name)
    return state === undefined ? refuse(`no migration state named "${name}" is registered with this server (${STATE_NAME_ANNOTATION})`) : E.right({ _tag: 'State', state, source: 'named' })
  }
  const text = inline!.trim()
  if (text.length > ANNOTATIONS_BUDGET || !BASE64.test(text) || text.length % 4 === 1) return refuse(`${STATE_ANNOTATION} is not base64 of at most ${ANNOTATIONS_BUDGET} bytes`)
  const decoded = decodeMigrationState(Buffer.from(text, 'base64'))
  if (E.isLeft(decoded)) {
    const first = decoded.left[0]
    return refuse(`${STATE_ANNOTATION}: not a migration state${first === undefined ? '' : `: ${first.path.length > 0 ? `${first.path.join('.')}: ` : ''}${first.message}`}`)
  }
  return E.right({ _tag: 'State', state: decoded.right, source: 'inline' })
}

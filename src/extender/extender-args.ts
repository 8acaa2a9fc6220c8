/**
 * kube-scheduler's extender request, decoded: `ExtenderArgs` of `k8s.io/kube-scheduler/extender/v1`
 * is `{Pod, Nodes, NodeNames}` with no JSON tags, so the scheduler sends those capitalised keys;
 * Go's `encoding/json` matches keys case-insensitively (an exact match first, then any case;
 * a later key of the same field overwrites an earlier one), and so does this decoder, at every
 * level (`metadata`, `annotations`, `items`, `name` are tags in `k8s.io/api/core/v1` that Go also
 * matches in any case). `NodeNames` is sent when the extender is `nodeCacheCapable`, `Nodes` (a
 * `v1.NodeList`) otherwise; one of them must be there. Only what the extender reads is decoded:
 * the pod's namespace, name and annotations, and each node's name. Every error is a value with
 * the JSON path it concerns; nothing here throws on any input.
 */
import * as E from 'fp-ts/lib/Either.js'

/** Node names one request may carry: more than any cluster kube-scheduler supports (5,000 nodes documented, 15,000 seen). */
export const MAX_EXTENDER_NODES = 100_000
/** Annotations the extender reads of one pod: the API server's own bound on their total size makes far fewer possible. */
const MAX_ANNOTATIONS = 100_000

export interface ExtenderPod {
  readonly namespace: string
  readonly name: string
  readonly annotations: Readonly<Record<string, string>>
}

export interface ExtenderArgs {
  readonly pod: ExtenderPod
  /** The candidate nodes by name, in the order sent. */
  readonly nodeNames: readonly string[]
  /** `names` when the scheduler sent `NodeNames` (nodeCacheCapable: true), `nodes` when it sent a `NodeList`. */
  readonly mode: 'names' | 'nodes'
  /** The `NodeList` items as sent (mode `nodes`), to return the accepted ones whole. */
  readonly nodeItems: readonly unknown[] | null
}

export interface ExtenderArgsError {
  readonly _tag: 'ExtenderArgsError'
  /** JSON path, e.g. `Nodes.items[3].metadata.name`. */
  readonly path: string
  readonly message: string
}

const error = (path: string, message: string): ExtenderArgsError => ({ _tag: 'ExtenderArgsError', path, message })

type Obj = Readonly<Record<string, unknown>>

const isObject = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x)

/**
 * The value of field `name` as Go's decoder finds it: the last key equal to `name` ignoring case
 * (Go folds Unicode case; kube-scheduler's keys are ASCII, and an ASCII name matches only ASCII
 * keys after `toLowerCase` except for the Kelvin sign and long s, which Go also folds to k and s).
 */
export const goField = (obj: Obj, name: string): unknown => {
  const wanted = fold(name)
  let found: unknown
  for (const k of Object.keys(obj)) if (fold(k) === wanted) found = obj[k]
  return found
}

/** Go's simple case folding as it matters for ASCII field names: K (U+212A) folds to k, ſ (U+017F) to s. */
const fold = (s: string): string => s.replace(/\u212a/g, 'k').replace(/\u017f/g, 's').toLowerCase()

const str = (x: unknown): x is string => typeof x === 'string'

const podOf = (x: unknown): E.Either<ExtenderArgsError, ExtenderPod> => {
  if (!isObject(x)) return E.left(error('Pod', 'must be a v1.Pod object'))
  const meta = goField(x, 'metadata')
  if (meta !== undefined && meta !== null && !isObject(meta)) return E.left(error('Pod.metadata', 'must be an object'))
  const m: Obj = meta ?? {}
  const name = goField(m, 'name') ?? ''
  const namespace = goField(m, 'namespace') ?? ''
  if (!str(name)) return E.left(error('Pod.metadata.name', 'must be a string'))
  if (!str(namespace)) return E.left(error('Pod.metadata.namespace', 'must be a string'))
  const raw = goField(m, 'annotations')
  if (raw !== undefined && raw !== null && !isObject(raw)) return E.left(error('Pod.metadata.annotations', 'must be an object of strings'))
  const annotations: Record<string, string> = {}
  const keys = raw === undefined || raw === null ? [] : Object.keys(raw)
  if (keys.length > MAX_ANNOTATIONS) return E.left(error('Pod.metadata.annotations', `${keys.length} annotations is more than any pod carries (limit ${MAX_ANNOTATIONS})`))
  for (const k of keys) {
    const v = (raw as Obj)[k]
    if (!str(v)) return E.left(error(`Pod.metadata.annotations[${JSON.stringify(k)}]`, 'must be a string'))
    // Map keys are matched exactly by Go (annotations are a map, not a struct).
    Object.defineProperty(annotations, k, { value: v, enumerable: true, writable: false })
  }
  return E.right({ name, namespace, annotations })
}

const namesOf = (x: unknown): E.Either<ExtenderArgsError, string[]> => {
  if (!Array.isArray(x)) return E.left(error('NodeNames', 'must be a list of node names'))
  if (x.length > MAX_EXTENDER_NODES) return E.left(error('NodeNames', `${x.length} nodes is more than one request may carry (limit ${MAX_EXTENDER_NODES})`))
  for (let i = 0; i < x.length; i++) if (!str(x[i])) return E.left(error(`NodeNames[${i}]`, 'must be a string'))
  return E.right(x as string[])
}

const nodeListOf = (x: unknown): E.Either<ExtenderArgsError, { names: string[]; items: unknown[] }> => {
  if (!isObject(x)) return E.left(error('Nodes', 'must be a v1.NodeList object'))
  const items = goField(x, 'items') ?? []
  if (!Array.isArray(items)) return E.left(error('Nodes.items', 'must be a list of v1.Node'))
  if (items.length > MAX_EXTENDER_NODES) return E.left(error('Nodes.items', `${items.length} nodes is more than one request may carry (limit ${MAX_EXTENDER_NODES})`))
  const names: string[] = []
  for (let i = 0; i < items.length; i++) {
    const node: unknown = items[i]
    const meta = isObject(node) ? goField(node, 'metadata') : undefined
    const name = isObject(meta) ? goField(meta, 'name') : undefined
    if (!str(name)) return E.left(error(`Nodes.items[${i}].metadata.name`, 'every node must have a name'))
    names.push(name)
  }
  return E.right({ names, items })
}

/** The extender arguments in a decoded JSON body, or the first thing wrong with them. */
export const decodeExtenderArgs = (body: unknown): E.Either<ExtenderArgsError, ExtenderArgs> => {
  if (!isObject(body)) return E.left(error('', 'the body must be a JSON object (ExtenderArgs: Pod, Nodes, NodeNames)'))
  const pod = podOf(goField(body, 'Pod'))
  if (E.isLeft(pod)) return pod
  const names = goField(body, 'NodeNames')
  const nodes = goField(body, 'Nodes')
  if (names !== undefined && names !== null) {
    const list = namesOf(names)
    return E.isLeft(list) ? list : E.right({ pod: pod.right, nodeNames: list.right, mode: 'names', nodeItems: null })
  }
  if (nodes !== undefined && nodes !== null) {
    const list = nodeListOf(nodes)
    return E.isLeft(list) ? list : E.right({ pod: pod.right, nodeNames: list.right.names, mode: 'nodes', nodeItems: list.right.items })
  }
  return E.left(error('', 'neither NodeNames nor Nodes is given'))
}

/** One line for an error, as the extender's `Error` field carries it. */
export const renderExtenderArgsError = (e: ExtenderArgsError): string => (e.path === '' ? e.message : `${e.path}: ${e.message}`)

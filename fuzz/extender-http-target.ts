/**
 * Fuzz target `extender-http`: request bodies sent to a running scheduler extender (the HTTP
 * server of `vpci serve --http`, on a loopback port, over the corpus hosts of vm-17-n2's table
 * and two variants), as POST /filter and POST /prioritize. Seeds are bodies as kube-scheduler
 * sends them in both node-cache modes, with the state inline and by name, capitalised and
 * lower-case; the target's own mutations change a body's structure as an attacker would (keys in
 * other cases, fields dropped or of the wrong type, 10^5 node names, names repeated or like
 * `__proto__`, the state's bytes flipped, both annotations). Besides exceptions, hangs and
 * unbounded memory, a failure is: a reply that is not HTTP 200 with JSON, a /filter reply without
 * a string `Error`, a node passed that was not asked about, a node passed for a pod naming a
 * state that the library (`filterHosts` on the same host) refuses, a score outside 0-10, or a
 * server that stops answering /healthz.
 */
import * as E from 'fp-ts/lib/Either.js'
import { decodeExtenderArgs } from '../src/extender/extender-args.js'
import { podState, STATE_ANNOTATION, STATE_NAME_ANNOTATION } from '../src/extender/pod-state.js'
import { filterHosts } from '../src/migrate/filter-hosts.js'
import type { Host } from '../src/migrate/host.js'
import { createInventory } from '../src/migrate/inventory.js'
import { startExtenderServer } from '../src/service/extender-http.js'
import type { MigrationState } from '../src/state/migration-state.js'
import { fileURLToPath } from 'node:url'
import { judgedHosts, kubePod, n2From, namesArgs, nodesArgs } from '../test/extender/kube-shapes.js'
import type { Random } from './mutate.js'
import type { Target } from './targets.js'

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
// The corpus as this file finds it (the fuzzer runs bundled, from a folder beside fuzz/).
const CORPUS = fileURLToPath(new URL('../corpus/', import.meta.url))
const N2 = n2From(CORPUS)
const STATES: Readonly<Record<string, MigrationState>> = { 'tenants/vm-17': N2.state }
const INLINE = Buffer.from(N2.bytes).toString('base64')

/** The server, started once for the process (unref'd: it never keeps the process alive). */
let server: Promise<{ base: string; hosts: readonly Host[] }> | null = null
const running = () =>
  (server ??= (async () => {
    const hosts = await judgedHosts(CORPUS)
    const inventory = createInventory(hosts)
    const s = await startExtenderServer({ inventory: () => inventory, state: (n) => (Object.hasOwn(STATES, n) ? STATES[n] : undefined), ready: () => true }, '127.0.0.1', 0)
    s.server.unref()
    return { base: `http://127.0.0.1:${s.port}`, hosts }
  })())

const NAMES = ['host-good', 'host-v2-accelerator', 'host-split-low', 'host-no-translation', 'host-busy', 'host-pasids-taken', 'elsewhere']

const seeds = (): Uint8Array[] =>
  [
    namesArgs(kubePod({ [STATE_ANNOTATION]: INLINE }), NAMES),
    nodesArgs(kubePod({ [STATE_ANNOTATION]: INLINE }), NAMES),
    namesArgs(kubePod({ [STATE_NAME_ANNOTATION]: 'tenants/vm-17' }), NAMES),
    { pod: kubePod({ [STATE_ANNOTATION]: INLINE }), nodenames: ['host-good', 'host-good'] },
    namesArgs(kubePod({}), NAMES),
  ].map((b) => utf8(JSON.stringify(b)))

const DEEP = '\u0000deep\u0000'

const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!

/** A structural change to a JSON body (falls back to the bytes when they are not JSON). */
const mutateBody = (r: Random, input: Uint8Array): Uint8Array => {
  let body: any // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    body = JSON.parse(new TextDecoder().decode(input))
  } catch {
    return input
  }
  if (typeof body !== 'object' || body === null) return input
  const annotations = () => body.Pod?.metadata?.annotations ?? body.pod?.metadata?.annotations
  switch (Math.floor(r() * 10)) {
    case 0: // keys in another case
      for (const k of Object.keys(body)) {
        const v = body[k]
        delete body[k]
        body[pick(r, [k.toLowerCase(), k.toUpperCase(), k[0]!.toLowerCase() + k.slice(1), k])] = v
      }
      break
    case 1: // a field dropped
      delete body[pick(r, Object.keys(body).length > 0 ? Object.keys(body) : ['Pod'])]
      break
    case 2: // a field of the wrong type
      body[pick(r, ['Pod', 'Nodes', 'NodeNames'])] = pick(r, [1, 'x', true, [], {}, [null], [{}], { items: 5 }, { items: [{ metadata: { name: 7 } }] }])
      break
    case 3: // very many names
      body.NodeNames = Array.from({ length: pick(r, [1000, 100_000, 100_001]) }, (_, i) => pick(r, NAMES) + (i % 3 === 0 ? '' : String(i)))
      delete body.nodenames
      break
    case 4: // names like object keys
      body.NodeNames = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'host-good', '__proto__']
      break
    case 5: { // the state's bytes flipped
      const a = annotations()
      if (a !== undefined && typeof a[STATE_ANNOTATION] === 'string') {
        const b = Buffer.from(a[STATE_ANNOTATION], 'base64')
        for (let i = 0; i < 1 + Math.floor(r() * 4); i++) { const at = Math.floor(r() * b.length); b[at] = b[at]! ^ (1 << Math.floor(r() * 8)) }
        a[STATE_ANNOTATION] = b.toString('base64')
      }
      break
    }
    case 6: { // both annotations, or an annotation of another type
      const a = annotations()
      if (a !== undefined) a[pick(r, [STATE_ANNOTATION, STATE_NAME_ANNOTATION])] = pick(r, [INLINE, 'tenants/vm-17', '', 5, null, 'x'.repeat(300_000)])
      break
    }
    case 7: // the pod's metadata replaced
      if (body.Pod !== undefined) body.Pod.metadata = pick(r, [null, [], 'x', { annotations: [] }, { annotations: { [STATE_ANNOTATION]: INLINE, ['__proto__']: 'x' } }])
      break
    case 8: // deep nesting inside the pod
      body.Pod = DEEP
      break
    default: // node items without names, or duplicated
      body.Nodes = { items: [{}, { metadata: { name: 'host-good' } }, { metadata: { name: 'host-good' } }] }
      delete body.NodeNames
  }
  // Nesting is written as text: JSON.stringify itself would run out of stack on it.
  return utf8(JSON.stringify(body).replace(JSON.stringify(DEEP), '['.repeat(100_000) + ']'.repeat(100_000)))
}

const fail = (what: string): never => {
  throw new Error(what)
}

const post = async (base: string, verb: string, body: Uint8Array): Promise<unknown> => {
  const res = await fetch(`${base}/${verb}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  const text = await res.text()
  if (res.status !== 200) fail(`/${verb} answered HTTP ${res.status}`)
  try {
    return JSON.parse(text)
  } catch {
    return fail(`/${verb} answered no JSON: ${text.slice(0, 100)}`)
  }
}

const run = async (input: Uint8Array): Promise<void> => {
  const { base, hosts } = await running()
  const filter = (await post(base, 'filter', input)) as Record<string, unknown>
  if (typeof filter !== 'object' || filter === null || typeof filter.Error !== 'string') fail('/filter answered without a string Error')
  const prioritized = await post(base, 'prioritize', input)
  if (!Array.isArray(prioritized)) fail('/prioritize answered no list')
  for (const p of prioritized as Array<{ Score: unknown }>) if (typeof p.Score !== 'number' || p.Score < 0 || p.Score > 10 || !Number.isInteger(p.Score)) fail(`score ${String(p.Score)} outside 0-10`)
  // The oracle: decode the body as the extender should, and hold every node it passed to the library's verdict.
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder().decode(input))
  } catch {
    parsed = undefined
  }
  const args = decodeExtenderArgs(parsed)
  if (E.isRight(args) && filter.Error === '') {
    const asked = new Set(args.right.nodeNames)
    const passed = (filter.NodeNames as string[] | null) ?? ((filter.Nodes as { items: Array<{ metadata: { name: string } }> } | null)?.items ?? []).map((n) => n.metadata.name)
    for (const n of passed) if (!asked.has(n)) fail(`${n} passed without being asked about`)
    const pod = podState(args.right.pod, (n) => (Object.hasOwn(STATES, n) ? STATES[n] : undefined))
    if (E.isLeft(pod) && passed.length > 0) fail('nodes passed for a pod whose state cannot be read')
    if (E.isRight(pod) && pod.right._tag === 'State') {
      const verdict = new Map<string, boolean>()
      for (const n of new Set(passed)) {
        const host = hosts.find((h) => h.name === n)
        verdict.set(n, host !== undefined && filterHosts(pod.right.state, [host]).accepted.length === 1)
      }
      for (const n of passed) if (verdict.get(n) !== true) fail(`${n} passed though the library refuses it`)
    }
  } else if (E.isLeft(args) && filter.Error === '') fail(`a body the decoder refuses was answered without Error`)
  const health = await fetch(`${base}/healthz`)
  if (health.status !== 200) fail('the server stopped answering /healthz')
}

export const extenderHttpTarget: Target = { name: 'extender-http', seeds, mutate: mutateBody, run, maxMs: 5000, budget: 250 }

/**
 * The scheduler extender over HTTP, called as kube-scheduler calls it (bodies from
 * kube-shapes.ts), in both node-cache modes. Expectations come from corpus/README.md's verdicts
 * for vm-17-n2 on the corpus hosts, from `filterHosts` on the same hosts (the library call the
 * extender must agree with), and from the extender protocol (k8s.io/kube-scheduler/extender/v1:
 * capitalised keys, `Error` with HTTP 200, scores 0-10).
 */
import { readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { pasidRanges } from '../../src/pasid/pasid-ranges.js'
import { createMigrationState } from '../../src/state/create-state.js'
import { preparedCorpus } from '../support/prepared.js'
import { corpusPath } from '../support/repo-corpus.js'
import { filterHosts } from '../../src/migrate/filter-hosts.js'
import type { Host } from '../../src/migrate/host.js'
import { createInventory } from '../../src/migrate/inventory.js'
import { STATE_ANNOTATION, STATE_NAME_ANNOTATION } from '../../src/extender/pod-state.js'
import { type ExtenderServer, startExtenderServer } from '../../src/service/extender-http.js'
import { judgedHosts, kubeNode, kubePod, namesArgs, nodesArgs, post } from './kube-shapes.js'
import { N2_BYTES, n2 } from './corpus-n2.js'

let hosts: Host[]
let server: ExtenderServer
let base: string
let ready = true

const INLINE = kubePod({ [STATE_ANNOTATION]: Buffer.from(N2_BYTES).toString('base64'), 'kubevirt.io/domain': 'vm-17' })
const NAMED = kubePod({ [STATE_NAME_ANNOTATION]: 'tenants/vm-17' })
const UNKNOWN = 'node-not-in-inventory'

beforeAll(async () => {
  hosts = await judgedHosts()
  const inventory = createInventory(hosts)
  server = await startExtenderServer({ inventory: () => inventory, state: (name) => (name === 'tenants/vm-17' ? n2 : undefined), ready: () => ready }, '127.0.0.1', 0)
  base = `http://127.0.0.1:${server.port}`
})
afterAll(async () => server.close())

interface FilterResult {
  Nodes: { items: Array<{ metadata: { name: string } }> } | null
  NodeNames: string[] | null
  FailedNodes: Record<string, string>
  FailedAndUnresolvableNodes: Record<string, string>
  Error: string
}

/** corpus/README.md for vm-17-n2, and the two variants: which list each host lands in, and its first code. */
const EXPECTED: Record<string, ['passed'] | ['failed' | 'unresolvable', string]> = {
  'host-good': ['passed'],
  'host-v2-accelerator': ['unresolvable', 'NO_CANDIDATE'],
  'host-split-low': ['unresolvable', 'PASID_SPLIT'],
  'host-no-translation': ['unresolvable', 'PASID_NO_TRANSLATION'],
  'host-busy': ['failed', 'NO_CANDIDATE'],
  'host-pasids-taken': ['failed', 'PASID_POOL_EXHAUSTED'],
  [UNKNOWN]: ['unresolvable', 'UNKNOWN_NODE'],
}

const landing = (r: FilterResult, passed: readonly string[]) =>
  Object.fromEntries(
    Object.keys(EXPECTED).map((n) => [
      n,
      passed.includes(n) ? ['passed'] : n in r.FailedNodes ? ['failed', r.FailedNodes[n]!.split(':')[0]] : n in r.FailedAndUnresolvableNodes ? ['unresolvable', r.FailedAndUnresolvableNodes[n]!.split(':')[0]] : ['missing'],
    ]),
  )

describe('/filter as kube-scheduler calls it', () => {
  const names = () => [...hosts.map((h) => h.name), UNKNOWN]

  it('nodeCacheCapable: node names in, node names out; each refusal in the list an eviction can or cannot help', async () => {
    const { status, json } = await post(base, '/filter', namesArgs(INLINE, names()))
    expect(status).toBe(200)
    const r = json as FilterResult
    expect(r.Error).toBe('')
    expect(r.Nodes).toBeNull()
    expect(landing(r, r.NodeNames!)).toEqual(EXPECTED)
  })

  it('agrees with filterHosts on the same hosts: the accepted in order, each refusal with filterHosts\'s first error, the node named "this node"', async () => {
    const lib = filterHosts(n2, hosts)
    const r = (await post(base, '/filter', namesArgs(INLINE, names()))).json as FilterResult
    expect(r.NodeNames).toEqual(lib.accepted.map((a) => a.host.name))
    const refused = { ...r.FailedNodes, ...r.FailedAndUnresolvableNodes }
    for (const x of lib.rejected) {
      const first = x.reasons.find((q) => q.severity === 'error')!
      // The node's own name reads "this node" (equal refusals read alike in the pod's event).
      expect(refused[x.host.name]!.replaceAll('this node', x.host.name)).toBe(`${first.code}: ${first.message}`)
    }
    expect(Object.keys(refused).sort()).toEqual([...lib.rejected.map((x) => x.host.name), UNKNOWN].sort())
  })

  it('without a node cache: a v1.NodeList in, the passing v1.Node objects back whole', async () => {
    const r = (await post(base, '/filter', nodesArgs(INLINE, names()))).json as FilterResult
    expect(r.Error).toBe('')
    expect(r.NodeNames).toBeNull()
    expect(r.Nodes!.items).toEqual([kubeNode('host-good', 0)])
    expect(landing(r, r.Nodes!.items.map((n) => n.metadata.name))).toEqual(EXPECTED)
  })

  it('a state registered by name gives the same answer as the state inline', async () => {
    const inline = (await post(base, '/filter', namesArgs(INLINE, names()))).json
    const named = (await post(base, '/filter', namesArgs(NAMED, names()))).json
    expect(named).toEqual(inline)
  })

  it('lower-case keys (Go decodes case-insensitively) give the same answer', async () => {
    const upper = (await post(base, '/filter', namesArgs(INLINE, names()))).json
    const lower = (await post(base, '/filter', { pod: INLINE, nodes: null, nodenames: names() })).json
    const mixed = (await post(base, '/filter', { POD: INLINE, nodeNames: names() })).json
    expect(lower).toEqual(upper)
    expect(mixed).toEqual(upper)
  })

  it('a pod that names no vpci state passes every node; one whose state cannot be used is refused everywhere, never passed', async () => {
    const plain = (await post(base, '/filter', namesArgs(kubePod({}), names()))).json as FilterResult
    expect(plain.NodeNames).toEqual(names())
    expect(plain.FailedNodes).toEqual({})
    for (const pod of [
      kubePod({ [STATE_NAME_ANNOTATION]: 'no-such-state' }),
      kubePod({ [STATE_ANNOTATION]: 'not base64!' }),
      kubePod({ [STATE_ANNOTATION]: Buffer.from('not a state').toString('base64') }),
      kubePod({ [STATE_ANNOTATION]: Buffer.from(N2_BYTES.subarray(0, 40)).toString('base64') }),
      kubePod({ [STATE_ANNOTATION]: Buffer.from(N2_BYTES).toString('base64'), [STATE_NAME_ANNOTATION]: 'tenants/vm-17' }),
    ]) {
      const r = (await post(base, '/filter', namesArgs(pod, names()))).json as FilterResult
      expect(r.NodeNames).toEqual([])
      expect(Object.keys(r.FailedAndUnresolvableNodes).sort()).toEqual(names().sort())
      for (const m of Object.values(r.FailedAndUnresolvableNodes)) expect(m).toMatch(/^POD_STATE: /)
    }
  })

  it('malformed bodies get Error with HTTP 200, never a crash', async () => {
    const bodies: Array<string | object> = [
      '',
      '{',
      'null',
      '[]',
      '"Pod"',
      '{"Pod": 1, "NodeNames": []}',
      { Pod: INLINE },
      { Pod: INLINE, NodeNames: 'host-good' },
      { Pod: INLINE, NodeNames: [1, 2] },
      { Pod: INLINE, Nodes: { items: [{ metadata: {} }] } },
      { Pod: INLINE, Nodes: { items: 'x' } },
      { Pod: { metadata: { annotations: { [STATE_ANNOTATION]: 7 } } }, NodeNames: [] },
      { Pod: { metadata: [] }, NodeNames: [] },
      '['.repeat(100_000),
    ]
    for (const b of bodies) {
      const r = await post(base, '/filter', b)
      expect(r.status).toBe(200)
      expect((r.json as FilterResult).Error).toMatch(/^vpci extender: /)
      expect((r.json as FilterResult).NodeNames).toBeNull()
      const p = await post(base, '/prioritize', b)
      expect([p.status, p.json]).toEqual([200, []])
    }
    expect((await fetch(`${base}/healthz`)).status).toBe(200)
  })

  it('a node name like __proto__ is a plain key in the reply', async () => {
    const r = (await post(base, '/filter', namesArgs(INLINE, ['__proto__', 'constructor']))).json as FilterResult
    expect(Object.keys(r.FailedAndUnresolvableNodes).sort()).toEqual(['__proto__', 'constructor'])
  })
})

describe('/prioritize', () => {
  it('scores every node asked about, 0 to 10: refused and unknown nodes 0, accepted ones above', async () => {
    const names = [...hosts.map((h) => h.name), UNKNOWN]
    for (const args of [namesArgs(INLINE, names), nodesArgs(INLINE, names)]) {
      const { status, json } = await post(base, '/prioritize', args)
      expect(status).toBe(200)
      const list = json as Array<{ Host: string; Score: number }>
      expect(list.map((x) => x.Host)).toEqual(names)
      // host-good: every passthrough capability where the layouts put it (vpci check's offset map of
      // vm-17-n2 on host-good), and the only accepted host, so the most free PASIDs: 8 + 2.
      expect(list.map((x) => x.Score)).toEqual(names.map((n) => (n === 'host-good' ? 10 : 0)))
    }
  })

  it('a host where capabilities move scores below one where none does; fewer free PASIDs score less', async () => {
    // vm-n1: one NIC function on corpus/layouts/nic-v1.yaml (MSI-X at 0x50, PCIe at 0x60). The V2 NIC
    // has them at 0x90 and 0x48 (families/nic/v2.lspci): 2 moves, 4 points; the V1 NIC none: 8 points.
    const layout = decodeLayout(readFileSync(corpusPath('layouts/nic-v1.yaml'), 'utf8'), 'nic-v1.yaml')
    if (E.isLeft(layout)) throw new Error('nic-v1.yaml')
    const vm = createMigrationState({ vmName: 'vm-n1', functions: [{ guestAddress: '00:06.0', layout: layout.right }] })
    if (E.isLeft(vm)) throw new Error(JSON.stringify(vm.left))
    const good = hosts[0]!
    const nicV1 = { family: 'vpci-example-nic', hardwareVersion: 'V1', firmware: '1.4', migrationStreams: [1, 2] }
    const v1Host: Host = { ...good, name: 'host-nic-v1', functions: good.functions.map((f) => (f.address === '0000:5e:00.0' ? { ...f, function: preparedCorpus('families/nic/v1.lspci'), persona: nicV1 } : f)) }
    // Half the globals above the split taken: floor(2 * free / mostFree) = 1.
    const half: Host = { ...v1Host, name: 'host-nic-v1-half', pasid: { ...good.pasid!, global: pasidRanges(good.pasid!.global.width, [[64, 2 ** 19]]) } }
    const inventory = createInventory([good, v1Host, half])
    const local = await startExtenderServer({ inventory: () => inventory, state: () => undefined, ready: () => true }, '127.0.0.1', 0)
    try {
      const pod = kubePod({ [STATE_ANNOTATION]: Buffer.from(vm.right.bytes).toString('base64') })
      const list = (await post(`http://127.0.0.1:${local.port}`, '/prioritize', namesArgs(pod, ['host-good', 'host-nic-v1', 'host-nic-v1-half']))).json
      expect(list).toEqual([
        { Host: 'host-good', Score: 4 + 2 },
        { Host: 'host-nic-v1', Score: 8 + 2 },
        { Host: 'host-nic-v1-half', Score: 8 + 1 },
      ])
    } finally {
      await local.close()
    }
  })
})

describe('health, readiness, metrics', () => {
  it('/readyz follows the inventory; /metrics counts requests, hosts judged and verdicts by code', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200)
    ready = false
    expect((await fetch(`${base}/readyz`)).status).toBe(503)
    const notReady = (await post(base, '/filter', namesArgs(INLINE, ['host-good']))).json as FilterResult
    expect(notReady.Error).toMatch(/not loaded/)
    ready = true
    expect((await fetch(`${base}/readyz`)).status).toBe(200)
    await post(base, '/filter', namesArgs(INLINE, ['host-good', 'host-split-low']))
    const res = await fetch(`${base}/metrics`)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    expect(text).toMatch(/^vpci_extender_requests_total\{verb="filter",outcome="ok"\} [1-9]/m)
    expect(text).toMatch(/^vpci_extender_requests_total\{verb="filter",outcome="error"\} [1-9]/m)
    expect(text).toMatch(/^vpci_extender_request_duration_seconds_bucket\{le="5",verb="filter"\} [1-9]/m)
    expect(text).toMatch(/^vpci_extender_hosts_judged_total\{verb="filter"\} [1-9]/m)
    expect(text).toMatch(/^vpci_extender_verdicts_total\{code="ACCEPTED"\} [1-9]/m)
    expect(text).toMatch(/^vpci_extender_verdicts_total\{code="PASID_SPLIT"\} [1-9]/m)
    expect((await fetch(`${base}/nothing`)).status).toBe(404)
    expect((await fetch(`${base}/filter`)).status).toBe(405)
  })
})

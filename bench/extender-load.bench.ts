/**
 * The scheduler extender under a cluster's load (issue 17): an inventory of 10,000 generated
 * hosts, 100 concurrent /filter requests of 1,000 node names each (vm-17-n2 inline in the pod's
 * annotation), each request's latency taken at the client (request sent to answer read). Baseline
 * in the same run: the library calls the extender makes for the same 100 requests, one after
 * another in this process (`filterDecision`: Inventory.filter of the 1,000 names and each
 * refusal's first reason). kube-scheduler's default extender timeout is 5 s (httpTimeout); the
 * figures go in bench/README.md with p50/p99 of both.
 */
import { afterAll, bench, describe } from 'vitest'
import { seeded } from '../fuzz/mutate.js'
import { filterDecision } from '../src/extender/extender-decision.js'
import { STATE_ANNOTATION } from '../src/extender/pod-state.js'
import { createInventory } from '../src/migrate/inventory.js'
import { startExtenderServer } from '../src/service/extender-http.js'
import { fleet } from '../test/support/fleet.js'
import { kubePod, namesArgs } from '../test/extender/kube-shapes.js'
import { N2_BYTES, n2 } from '../test/extender/corpus-n2.js'

const NODES = 10_000
const REQUESTS = 100
const PER_REQUEST = 1_000

const hosts = fleet({ hosts: NODES, seed: 17 })
const inventory = createInventory(hosts)
const server = await startExtenderServer({ inventory: () => inventory, state: () => undefined, ready: () => true }, '127.0.0.1', 0)
const url = `http://127.0.0.1:${server.port}/filter`
const rnd = seeded(5)
const asks = Array.from({ length: REQUESTS }, () => Array.from({ length: PER_REQUEST }, () => hosts[Math.floor(rnd() * NODES)]!.name))
const pod = kubePod({ [STATE_ANNOTATION]: Buffer.from(N2_BYTES).toString('base64') })
const bodies = asks.map((names) => JSON.stringify(namesArgs(pod, names)))

const extender: number[] = []
const library: number[] = []
let sink = 0

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!
}
const row = (name: string, xs: readonly number[]): string => `${name}: ${xs.length} calls, p50 ${quantile(xs, 0.5).toFixed(1)} ms, p99 ${quantile(xs, 0.99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`

afterAll(async () => {
  console.log(row('baseline, library filterDecision (sequential)', library))
  console.log(row('extender, /filter (100 concurrent)', extender))
  console.log(`p99 / kube-scheduler's 5 s extender timeout: ${((quantile(extender, 0.99) / 5000) * 100).toFixed(1)}%; sink ${sink}`)
  await server.close()
})

describe(`extender, ${NODES.toLocaleString('en')}-host inventory, ${REQUESTS} requests × ${PER_REQUEST.toLocaleString('en')} nodes`, () => {
  bench(
    'baseline: the library calls of the 100 requests, in turn',
    () => {
      for (const names of asks) {
        const t = performance.now()
        sink += filterDecision(inventory, n2, names).passed.length
        library.push(performance.now() - t)
      }
    },
    { iterations: 3, warmupIterations: 1 },
  )
  bench(
    '100 concurrent POST /filter',
    async () => {
      await Promise.all(
        bodies.map(async (body) => {
          const t = performance.now()
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
          sink += (await res.text()).length
          extender.push(performance.now() - t)
        }),
      )
    },
    { iterations: 3, warmupIterations: 1 },
  )
})

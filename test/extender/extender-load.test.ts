/**
 * Load on the extender as a cluster of 10,000 nodes puts it: an inventory of 10,000 generated
 * hosts (test/support/fleet.ts) and 100 concurrent /filter requests of 1,000 node names each,
 * drawn at random. Every answer must be right: the passing nodes are exactly filterHosts's
 * accepted among those 1,000 hosts in order, every other node is refused, none is lost. Latency
 * is the bench's (bench/extender-load.bench.ts), never asserted here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seeded } from '../../fuzz/mutate.js'
import { STATE_ANNOTATION } from '../../src/extender/pod-state.js'
import { filterHosts } from '../../src/migrate/filter-hosts.js'
import type { Host } from '../../src/migrate/host.js'
import { createInventory } from '../../src/migrate/inventory.js'
import { type ExtenderServer, startExtenderServer } from '../../src/service/extender-http.js'
import { fleet } from '../support/fleet.js'
import { kubePod, namesArgs, post } from './kube-shapes.js'
import { N2_BYTES, n2 } from './corpus-n2.js'

const NODES = 10_000
const REQUESTS = 100
const PER_REQUEST = 1_000

let hosts: Host[]
let server: ExtenderServer
let base: string

beforeAll(async () => {
  hosts = fleet({ hosts: NODES, seed: 17 })
  const inventory = createInventory(hosts)
  server = await startExtenderServer({ inventory: () => inventory, state: () => undefined, ready: () => true }, '127.0.0.1', 0)
  base = `http://127.0.0.1:${server.port}`
})
afterAll(async () => server.close())

describe('extender under load', () => {
  it('100 concurrent /filter requests of 1,000 nodes each on a 10,000-host inventory: every answer right', { timeout: 120_000 }, async () => {
    const rnd = seeded(5)
    const pod = kubePod({ [STATE_ANNOTATION]: Buffer.from(N2_BYTES).toString('base64') })
    const asks = Array.from({ length: REQUESTS }, () => Array.from({ length: PER_REQUEST }, () => hosts[Math.floor(rnd() * NODES)]!))
    const answers = await Promise.all(asks.map((a) => post(base, '/filter', namesArgs(pod, a.map((h) => h.name)))))
    // filterHosts once on the whole fleet: a host's verdict does not depend on the others asked with it.
    const lib = filterHosts(n2, hosts)
    const takes = new Set(lib.accepted.map((a) => a.host.name))
    const firstError = new Map(lib.rejected.map((x) => [x.host.name, x.reasons.find((q) => q.severity === 'error')!]))
    let accepted = 0
    answers.forEach((r, i) => {
      expect(r.status).toBe(200)
      const body = r.json as { NodeNames: string[]; FailedNodes: Record<string, string>; FailedAndUnresolvableNodes: Record<string, string>; Error: string }
      expect(body.Error).toBe('')
      const names = asks[i]!.map((h) => h.name)
      expect(body.NodeNames).toEqual(names.filter((n) => takes.has(n)))
      const refused = new Set([...Object.keys(body.FailedNodes), ...Object.keys(body.FailedAndUnresolvableNodes)])
      expect(refused).toEqual(new Set(names.filter((n) => !takes.has(n))))
      // Each refusal is the library's first error for that very host (its name read as "this node"),
      // though refusals of hosts alike are written once per request.
      for (const [n, line] of [...Object.entries(body.FailedNodes), ...Object.entries(body.FailedAndUnresolvableNodes)]) {
        const first = firstError.get(n)!
        const full = `${first.code}: ${first.message}`
        const back = line.replaceAll('this node', n)
        if (line.endsWith('…')) expect(full.startsWith(back.slice(0, -1))).toBe(true)
        else expect(back).toBe(full)
      }
      accepted += body.NodeNames.length
    })
    // The fleet mixes the VM's hardware with other models: some nodes pass, most do not.
    expect(accepted).toBeGreaterThan(0)
    expect(accepted).toBeLessThan(REQUESTS * PER_REQUEST)
  })
})

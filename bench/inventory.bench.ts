/**
 * The standing inventory (issue 15, item 1): 10^6 hosts of the generated fleet held by
 * `createInventory`, filtered again and again for vm-17-n2 (an instance type already seen), and
 * updated a host at a time. Targets: a filter in at most 50 ms on one core (moonshot: 11 ms,
 * one pod's scheduling budget), an update in at most 10 µs, memory at most 720 MiB. Baseline in
 * the same run: the bench's visit-every-host loop (bench/filter.bench.ts). Wall clock here; the
 * CPU-time tables (`npm run bench:cpu -- filter`) are the ones bench/README.md quotes.
 */
import { readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { bench, describe } from 'vitest'
import type { Host } from '../src/migrate/host.js'
import { createInventory } from '../src/migrate/inventory.js'
import { decodeMigrationState } from '../src/state/state-codec.js'
import { fleet } from '../test/support/fleet.js'

const HOSTS = 1_000_000
const UPDATES = 1000
const bytes = new Uint8Array(readFileSync(new URL('../corpus/state/vm-17-n2-schema-v1.pb', import.meta.url)))
const decoded = decodeMigrationState(bytes)
if (E.isLeft(decoded)) throw new Error('vm-17-n2 did not decode')
const state = decoded.right
const hosts = fleet({ hosts: HOSTS, seed: 42 })
const inventory = createInventory(hosts)
console.log(`inventory of ${HOSTS.toLocaleString('en')} hosts: rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB; the first filter accepts ${inventory.filter(state).acceptedCount}`)
let sink = 0
let k = 0
/** A pool change: the host with its global pool emptied. */
const updated = (h: Host): Host => ({ ...h, pasid: { ...h.pasid!, global: { ...h.pasid!.global, ranges: h.pasid!.global.ranges.slice(0, 3) } } })

describe(`the standing inventory, ${HOSTS.toLocaleString('en')} hosts`, () => {
  bench(
    'baseline: visit every host, function and pool',
    () => {
      for (let i = 0; i < hosts.length; i++) {
        const h = hosts[i]!
        for (let f = 0; f < h.functions.length; f++) sink += h.functions[f]!.free ? 1 : 0
        sink += h.pasid!.global.ranges.length
      }
    },
    { iterations: 5, warmupIterations: 1, time: 0 },
  )
  bench('inventory.filter, a state of a known instance type decoded anew', () => {
    const s = decodeMigrationState(bytes)
    if (E.isRight(s)) sink += inventory.filter(s.right).acceptedCount
  })
  bench(`inventory.put, ${UPDATES} hosts changed`, () => {
    for (let u = 0; u < UPDATES; u++) inventory.put(updated(hosts[(k++ * 7919) % HOSTS]!))
  })
})

export { sink }

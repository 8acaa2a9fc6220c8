/**
 * Filtering 10^6 hosts for vm-17-n2 (issue 15, items 1 and 2), CPU time, each table in a heap
 * of its own (run them as separate processes for clean memory figures):
 *
 * - `filterHosts` from scratch against the bench's visit-every-host loop (target: at most 5×);
 * - the standing inventory: a repeated filter for an instance type already seen (the same
 *   state, and the same state decoded anew from its bytes: a new VM of that type), against the
 *   same loop (target: at most 50 ms; moonshot 11 ms), and a host update (target: 10 µs);
 * - memory: the fleet alone, then with filterHosts's result, then with the inventory and its
 *   result (target: at most 720 MiB for 10^6 hosts, today's filterHosts).
 */
import { type FilterResult, filterHosts } from '../../src/migrate/filter-hosts.js'
import type { Host } from '../../src/migrate/host.js'
import { createInventory } from '../../src/migrate/inventory.js'
import { fleet } from '../../test/support/fleet.js'
import { interleave, mib, retained, settle, table } from './interleave.js'
import { corpus, decoded, visitEveryHost, vm17n2 } from './scenarios.js'

const HOSTS = 1_000_000

const rss = (): number => process.memoryUsage().rss
const peak = (): number => process.resourceUsage().maxRSS * 1024

/** filterHosts from scratch against the visit loop, in a heap holding only the fleet; and its result's memory. */
export const filterTable = (): void => {
  const state = vm17n2()
  const hosts = fleet({ hosts: HOSTS, seed: 42 })
  settle()
  const fleetRss = rss()
  const fleetHeap = retained()
  let first: FilterResult | null = filterHosts(state, hosts)
  const resultHeap = retained() - fleetHeap
  console.log(`\nfleet: ${HOSTS.toLocaleString('en')} hosts; filterHosts accepts ${first.accepted.length.toLocaleString('en')}, rejects ${first.rejectedCount.toLocaleString('en')} (${first.plan.classesJudged()} classes judged)`)
  first = null
  settle()
  table(
    `filterHosts from scratch, ${HOSTS.toLocaleString('en')} hosts (per filter)`,
    interleave(
      [
        { name: 'baseline: visit every host, function and pool', run: () => visitEveryHost(hosts), times: 4 },
        { name: 'filterHosts', run: () => filterHosts(state, hosts).accepted.length },
      ],
      9,
    ),
  )
  console.log(`\nmemory: the fleet alone ${mib(fleetRss)} RSS (${mib(fleetHeap)} of heap and buffers); a result holds ${mib(resultHeap)}; peak RSS ${mib(peak())}`)
}

/** The standing inventory: its filter against the visit loop, host updates, its memory. */
export const inventoryTable = (): void => {
  const state = vm17n2()
  const bytes = corpus('state/vm-17-n2-schema-v1.pb')
  const hosts = fleet({ hosts: HOSTS, seed: 42 })
  settle()
  const fleetRss = rss()
  const fleetHeap = retained()
  let t = process.cpuUsage()
  const inventory = createInventory(hosts)
  t = process.cpuUsage(t)
  const build = (t.user + t.system) / 1000
  const first = inventory.filter(state)
  const inventoryHeap = retained() - fleetHeap
  const inventoryRss = rss()
  const inventoryPeak = peak()
  const same = filterHosts(state, hosts).accepted.every((a, i) => a.host === first.accepted[i]!.host)
  console.log(`\nfleet: ${HOSTS.toLocaleString('en')} hosts; the inventory accepts ${first.acceptedCount.toLocaleString('en')} (the hosts filterHosts accepts: ${same}), rejects ${first.rejectedCount.toLocaleString('en')}; built in ${build.toFixed(0)} ms of CPU (${((build / HOSTS) * 1000).toFixed(1)} µs a host)`)
  settle()
  table(
    `the standing inventory, ${HOSTS.toLocaleString('en')} hosts (per filter)`,
    interleave(
      [
        { name: 'baseline: visit every host, function and pool', run: () => visitEveryHost(hosts), times: 4 },
        { name: 'inventory.filter, the same state again', run: () => inventory.filter(state).acceptedCount, times: 10 },
        { name: 'inventory.filter, a state of that instance type decoded anew', run: () => inventory.filter(decoded(bytes)).acceptedCount, times: 10 },
        { name: 'the same, and every acceptance read (its host named)', run: () => inventory.filter(decoded(bytes)).accepted.map((a) => a.host.name).length, times: 10 },
      ],
      9,
    ),
  )
  let k = 0
  /** A pool change: the host replaced by a copy with its global pool emptied. */
  const updated = (h: Host): Host => ({ ...h, pasid: { ...h.pasid!, global: { ...h.pasid!.global, ranges: h.pasid!.global.ranges.slice(0, 3) } } })
  table(
    'host updates between filters (per update)',
    interleave(
      [
        { name: 'baseline: copy the host object (what the caller makes)', run: () => updated(hosts[(k++ * 7919) % HOSTS]!), times: 20_000 },
        { name: 'inventory.put, one host changed (its global pool)', run: () => inventory.put(updated(hosts[(k++ * 7919) % HOSTS]!)), times: 20_000 },
        { name: 'inventory.filter between them (per filter)', run: () => inventory.filter(state).acceptedCount, times: 1 },
      ],
      9,
    ),
  )
  console.log(`\nmemory: the fleet alone ${mib(fleetRss)} RSS (${mib(fleetHeap)} of heap and buffers); with the inventory and one result ${mib(inventoryRss)} RSS, peak ${mib(inventoryPeak)} (the inventory and its result hold ${mib(inventoryHeap)})`)
}

/**
 * Filtering 1,000,000 candidate hosts for one VM (corpus/state/vm-17: two functions, ENQCMD
 * PASIDs in global-split mode). The fleet (test/support/fleet.ts): 20 device models shared by
 * every host carrying them, 1–8 functions per host, global PASID pools of 0–8 random allocated
 * ranges (1 in 30 nearly full). Target: the million in at most 1 s on one core, peak memory
 * (fleet + results) under 1 GiB. The baseline walks the same hosts touching every function and
 * pool (the floor of any filter that looks at each host). Memory is printed after the first
 * filter. Figures: bench/README.md.
 */
import { readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { bench, describe } from 'vitest'
import { filterHosts } from '../src/migrate/filter-hosts.js'
import { decodeMigrationState } from '../src/state/state-codec.js'
import { fleet } from '../test/support/fleet.js'

const HOSTS = 1_000_000
const decoded = decodeMigrationState(new Uint8Array(readFileSync(new URL('../corpus/state/vm-17-n2-schema-v1.pb', import.meta.url))))
if (E.isLeft(decoded)) throw new Error('vm-17 did not decode')
const state = decoded.right
const hosts = fleet({ hosts: HOSTS, seed: 42 })
const fleetRss = process.memoryUsage().rss
let sink = 0
let reported = false
const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`

describe(`filter ${HOSTS.toLocaleString('en')} hosts for vm-17`, () => {
  bench(
    'baseline: visit every host, function and pool',
    () => {
      for (let i = 0; i < hosts.length; i++) {
        const h = hosts[i]!
        for (let k = 0; k < h.functions.length; k++) sink += h.functions[k]!.free ? 1 : 0
        sink += h.pasid!.global.ranges.length
      }
    },
    { iterations: 5, warmupIterations: 1, time: 0 },
  )
  bench(
    'filterHosts',
    () => {
      const r = filterHosts(state, hosts)
      sink += r.accepted.length
      if (!reported) {
        reported = true
        const m = process.memoryUsage()
        const codes = new Map<string, number>()
        console.log(`accepted ${r.accepted.length}, rejected ${r.rejectedCount}; classes judged ${r.plan.classesJudged()}; rss with the fleet alone ${mib(fleetRss)}, after filtering ${mib(m.rss)} (heap used ${mib(m.heapUsed)}), peak ${mib(process.resourceUsage().maxRSS * 1024)}`)
        for (const x of r.rejected) codes.set(x.reasons[0]!.code, (codes.get(x.reasons[0]!.code) ?? 0) + 1)
        console.log(`first reason of the rejected: ${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')}`)
      }
    },
    { iterations: 5, warmupIterations: 1, time: 0 },
  )
})

export { sink }

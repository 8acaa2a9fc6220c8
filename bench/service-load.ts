/**
 * `npm run bench:service`: the gRPC service under the load test's load (bench/README.md,
 * "gRPC service"). A server of the real code on 127.0.0.1 whose inventory holds 10,000 generated
 * hosts; 200 FilterHosts calls of vm-17-n2 (names only, over the whole inventory) sent at once
 * over one channel from the same process. Per round: the calls' latency (send to answer, p50
 * and p99), throughput (calls / wall time) and the server's own time per call (its log lines);
 * the baseline, in the same round and process, is the library doing each call's work with no
 * gRPC: decode the state, filter the inventory, list the names, 200 times in a row. Then one
 * call's work by phase (decode, filter, names, encode), the measurement behind serving calls on
 * the event loop rather than in a worker pool.
 */
import { loadavg } from 'node:os'
import * as E from 'fp-ts/lib/Either.js'
import { decodeMigrationState } from '../src/state/state-codec.js'
import { encodeFilterHostNames } from '../src/state/service-codec.js'
import { readCorpusBytes } from '../test/support/repo-corpus.js'
import { filterRequest, percentile, startLoad } from '../test/support/service-load.js'

const HOSTS = 10_000
const CALLS = 200
const ROUNDS = 5
const stateBytes = readCorpusBytes('state/vm-17-n2-schema-v1.pb')

const ms = (x: number) => `${x.toFixed(1)} ms`
const median = (xs: readonly number[]) => percentile(xs, 50)

const load = await startLoad(HOSTS)
const inventory = load.running.store.inventory
const request = filterRequest(stateBytes, { namesOnly: true })

/** One call's work through the library (what the server does for it, less gRPC and encoding). */
const libraryCall = (): number => {
  const state = decodeMigrationState(stateBytes)
  if (E.isLeft(state)) throw new Error('state')
  const result = inventory.filter(state.right)
  const accepted = result.accepted.map((a) => a.host.name)
  const taken = new Set(accepted)
  return inventory.hosts().filter((h) => !taken.has(h.name)).length + accepted.length
}

// Warm-up: both paths, so the realizations of the fleet's classes are cached for both.
await load.burst(Array.from({ length: 20 }, () => request))
for (let i = 0; i < 20; i++) libraryCall()

const rows: Array<{ p50: number; p99: number; perSecond: number; server50: number; server99: number; lib50: number; lib99: number; libPerSecond: number }> = []
for (let round = 0; round < ROUNDS; round++) {
  load.running.logs.length = 0
  const { answers, wallMs } = await load.burst(Array.from({ length: CALLS }, () => request))
  if (answers.some((a) => a.code !== 0)) throw new Error('a call failed')
  const server = load.running.logs.map((l) => JSON.parse(l).durationMs as number)
  const lib: number[] = []
  const started = performance.now()
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now()
    libraryCall()
    lib.push(performance.now() - t)
  }
  const libWall = performance.now() - started
  const latency = answers.map((a) => a.ms)
  rows.push({ p50: percentile(latency, 50), p99: percentile(latency, 99), perSecond: (CALLS / wallMs) * 1000, server50: percentile(server, 50), server99: percentile(server, 99), lib50: percentile(lib, 50), lib99: percentile(lib, 99), libPerSecond: (CALLS / libWall) * 1000 })
}

// One call's work by phase, each the median of 50.
const phase = (f: () => unknown): number => {
  const xs: number[] = []
  for (let i = 0; i < 50; i++) {
    const t = performance.now()
    f()
    xs.push(performance.now() - t)
  }
  return median(xs)
}
const decoded = decodeMigrationState(stateBytes)
if (E.isLeft(decoded)) throw new Error('state')
const result = inventory.filter(decoded.right)
const acceptedNames = result.accepted.map((a) => a.host.name)
const rejectedNames = inventory.hosts().map((h) => h.name).filter((n) => !new Set(acceptedNames).has(n))
const phases = {
  decode: phase(() => decodeMigrationState(stateBytes)),
  filter: phase(() => inventory.filter(decoded.right).accepted),
  names: phase(() => {
    const taken = new Set(inventory.filter(decoded.right).accepted.map((a) => a.host.name))
    return inventory.hosts().filter((h) => !taken.has(h.name))
  }),
  encode: phase(() => encodeFilterHostNames('vm-17', acceptedNames, rejectedNames)),
}
await load.stop()

const byMedian = <K extends keyof (typeof rows)[number]>(k: K) => median(rows.map((r) => r[k]))
process.stdout.write(`gRPC service load, ${new Date().toISOString().slice(0, 10)}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}, ${ROUNDS} rounds (median of rounds):\n\n`)
process.stdout.write('| what | p50 latency | p99 latency | throughput |\n|---|---|---|---|\n')
process.stdout.write(`| ${CALLS} concurrent FilterHosts (names only) over ${HOSTS.toLocaleString('en')} hosts, gRPC | ${ms(byMedian('p50'))} | ${ms(byMedian('p99'))} | ${byMedian('perSecond').toFixed(0)} calls/s |\n`)
process.stdout.write(`| … the server's time per call (its log) | ${ms(byMedian('server50'))} | ${ms(byMedian('server99'))} | — |\n`)
process.stdout.write(`| baseline: the library doing each call's work, one after another | ${ms(byMedian('lib50'))} | ${ms(byMedian('lib99'))} | ${byMedian('libPerSecond').toFixed(0)} calls/s |\n`)
process.stdout.write(`\nthroughput ratio gRPC / library: ${(byMedian('perSecond') / byMedian('libPerSecond')).toFixed(2)}\n`)
process.stdout.write(`\none call's work by phase (median of 50): decode ${ms(phases.decode)}, filter ${ms(phases.filter)}, filter + names ${ms(phases.names)}, encode ${ms(phases.encode)} (${acceptedNames.length} accepted, ${rejectedNames.length} rejected)\n`)
for (const r of rows) process.stdout.write(`  round: p50 ${ms(r.p50)} p99 ${ms(r.p99)} ${r.perSecond.toFixed(0)}/s; server p50 ${ms(r.server50)}; library p50 ${ms(r.lib50)} ${r.libPerSecond.toFixed(0)}/s\n`)

/**
 * Growth (issue 15, item 7): each path at growing sizes, CPU time (median of rounds) and memory
 * (heap and array buffers retained, after collecting). filterHosts and the inventory on fleets
 * of 10^3–10^6 hosts (vm-17-n2); PASID remap of 10^3 to 5·10^5 ENQCMD locals (global-split: a
 * local and its global both live in the 2^20 space, so 2^19 locals is the most a state can
 * hold) and 10^3–10^6 delegated bindings; state decode of 1–64 functions and 10^2–10^5
 * bindings, warm, beside protobufjs's plain decode. Each table's last column is the time per
 * item, which stays flat where growth is linear.
 */
import * as E from 'fp-ts/lib/Either.js'
import { filterHosts } from '../../src/migrate/filter-hosts.js'
import { createInventory } from '../../src/migrate/inventory.js'
import { remapPasids } from '../../src/pasid/remap.js'
import { decodeMigrationState } from '../../src/state/state-codec.js'
import { deviceModels, fleet } from '../../test/support/fleet.js'
import { interleave, mib, retained, show } from './interleave.js'

let sink = 0
import { bindingsState, localsState, pasidHost, plainDecoder, stateBytes, vm17n2 } from './scenarios.js'

const median = (run: () => unknown, times: number, rounds: number): number => interleave([{ name: '', run, times }], rounds)[0]!.median

const perItem = (ms: number, n: number): string => `${((ms * 1e6) / n).toFixed(n >= 1e5 ? 0 : 1)} ns`

const filterGrowth = (): void => {
  const state = vm17n2()
  const models = deviceModels()
  console.log('\nfilter and inventory on fleets of growing size (vm-17-n2)\n')
  console.log('| hosts | fleet (retained) | filterHosts | per host | inventory build, per host | inventory (retained) | inventory.filter | per host |')
  console.log('|---|---|---|---|---|---|---|---|')
  for (const n of [1_000, 10_000, 100_000, 1_000_000]) {
    const before = retained()
    const hosts = fleet({ hosts: n, seed: 42, models })
    const withFleet = retained()
    const times = Math.max(1, Math.round(100_000 / n))
    const rounds = n >= 1_000_000 ? 5 : 9
    const f = median(() => filterHosts(state, hosts).accepted.length, times, rounds)
    const beforeInventory = retained()
    let t = process.cpuUsage()
    const inventory = createInventory(hosts)
    t = process.cpuUsage(t)
    const build = (t.user + t.system) / 1000
    const inventoryMemory = retained() - beforeInventory
    const i = median(() => inventory.filter(state).accepted.length, times, rounds)
    console.log(`| ${n.toLocaleString('en')} | ${mib(withFleet - before)} | ${show(f)} | ${perItem(f, n)} | ${perItem(build, n)} | ${mib(inventoryMemory)} | ${show(i)} | ${perItem(i, n)} |`)
    sink += inventory.size()
  }
}

const remapGrowth = (): void => {
  const empty = pasidHost(1 << 19, false)
  const planned = (s: Parameters<typeof remapPasids>[0]): number => {
    const r = remapPasids(s, empty)
    if (E.isLeft(r) || r.right.plan === null) throw new Error('bench scenario must be remappable')
    return r.right.plan.entries.length
  }
  console.log('\nPASID remap of growing states onto empty 2^20 pools (split 2^19)\n')
  console.log('| size | global-split locals | per local | the plan (retained) | delegated bindings | per binding | the plan (retained) |')
  console.log('|---|---|---|---|---|---|---|')
  for (const n of [1_000, 10_000, 100_000, 500_000, 1_000_000]) {
    const times = Math.max(1, Math.round(100_000 / n))
    const split = n < 1 << 19 ? localsState(n, 1 << 19) : null
    const bound = bindingsState('delegated', n)
    const g = split === null ? null : median(() => planned(split), times, 7)
    const d = median(() => planned(bound), times, 7)
    const base = retained()
    const keptSplit = split === null ? null : remapPasids(split, empty)
    const gMem = retained() - base
    const keptBound = remapPasids(bound, empty)
    const dMem = retained() - base - gMem
    sink += (keptSplit === null ? 0 : 1) + (E.isRight(keptBound) ? 1 : 0)
    console.log(`| ${n.toLocaleString('en')} | ${g === null ? 'more than 2^19: cannot be a state' : show(g)} | ${g === null ? '' : perItem(g, n)} | ${g === null ? '' : mib(gMem)} | ${show(d)} | ${perItem(d, n)} | ${mib(dMem)} |`)
  }
}

const stateGrowth = (): void => {
  const plain = plainDecoder()
  console.log('\nstate decode, warm, by functions and bindings (ratio to protobufjs plain decode of the same bytes)\n')
  const sizes = [100, 1_000, 10_000, 100_000]
  console.log(`| functions \\ bindings | ${sizes.map((b) => b.toLocaleString('en')).join(' | ')} |`)
  console.log(`|---|${sizes.map(() => '---').join('|')}|`)
  for (const f of [1, 4, 16, 64]) {
    const cells = sizes.map((b) => {
      const bytes = stateBytes(f, b)
      if (E.isLeft(decodeMigrationState(bytes))) throw new Error('bench state must decode')
      const times = Math.max(1, Math.round(2_000_000 / bytes.length))
      const [p, d] = interleave(
        [
          { name: 'plain', run: () => plain(bytes), times },
          { name: 'decode', run: () => decodeMigrationState(bytes), times },
        ],
        7,
      )
      return `${show(d!.median)} (${(d!.median / p!.median).toFixed(2)}×; ${(bytes.length / 1024).toFixed(0)} KiB, ${perItem(d!.median, f + b)} per item)`
    })
    console.log(`| ${f} | ${cells.join(' | ')} |`)
  }
}

export const growthTables = (): void => {
  filterGrowth()
  remapGrowth()
  stateGrowth()
  if (sink < 0) console.log(sink)
}

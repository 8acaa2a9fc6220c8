/**
 * The whole-VM assignment on its worst cases (issue 12, item 1): 40 VM functions against 39
 * identical free ones (refused by Hall's condition), a VM of 6 NIC functions and 2 ENQCMD
 * accelerators against a host of 64 free NIC functions and 1 accelerator (refused) or 2
 * (taken), and the PASID limit search on its two hardest families (test/migrate/limit-search.test.ts):
 * 16 accelerators in pairs sharing their locals (taken after a search) and 24 with distinct
 * demands (refused by the capacity proof). Target: each judgement in at most 1 ms on one core.
 *
 * Each row judges one host under a plan compiled (and its device classes judged) beforehand:
 * the cost a scheduler pays per host. Baseline in the same run: reading every (VM function,
 * free host function) edge of the same host once, the floor of any method that looks at each
 * pair. Figures: bench/README.md.
 */
import { bench, describe } from 'vitest'
import type { Host } from '../src/migrate/host.js'
import { compileMigration, judgeHost, type MigrationPlan } from '../src/migrate/migration-plan.js'
import { pasidRanges } from '../src/pasid/pasid-ranges.js'
import type { PasidState } from '../src/pasid/pasid-state.js'
import type { Pasid, PasidWidth } from '../src/pasid/pasid.js'
import type { MigrationState } from '../src/state/migration-state.js'
import { ACCELERATOR_V1, guestAddress, host, type InstanceType, many, NIC_V1, vm } from '../test/migrate/whole-vm-fixtures.js'

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, x) => from + x)

interface Case {
  readonly name: string
  readonly plan: MigrationPlan
  readonly host: Host
  readonly compatible: boolean
}

const prepared = (name: string, state: MigrationState, h: Host, compatible: boolean): Case => {
  const plan = compileMigration(state)
  const j = judgeHost(plan, h)
  if (j.compatible !== compatible) throw new Error(`${name}: expected ${compatible ? 'taken' : 'refused'}`)
  return { name, plan, host: h, compatible }
}

// 40 against 39.
const forty = prepared('40 VM functions against 39 free', vm(Array<InstanceType>(40).fill('nic')), host('h39', many(39, { model: NIC_V1 })), false)

// 6 NIC + 2 accelerators, ENQCMD PASIDs on the accelerators.
const types: InstanceType[] = [...Array<InstanceType>(6).fill('nic'), 'accelerator', 'accelerator']
const realistic: PasidState = {
  mode: 'global-split',
  split: 64,
  functions: types.map((t, i) => ({ id: guestAddress(i + 5), capability: { width: (t === 'nic' ? 16 : 20) as PasidWidth, execute: false, privileged: false }, enqcmd: t !== 'nic' })),
  locals: types.map((_, i) => ({ local: (i + 1) as Pasid, functions: [guestAddress(i + 5)] })),
}
const nic64 = (accelerators: number) => host(`nic64-acc${accelerators}`, [...many(64, { model: NIC_V1 }), ...many(accelerators, { model: ACCELERATOR_V1 })])
const refused = prepared('6 NIC + 2 accelerators against 64 NIC + 1 accelerator', vm(types, realistic), nic64(1), false)
const taken = prepared('6 NIC + 2 accelerators against 64 NIC + 2 accelerators', vm(types, realistic), nic64(2), true)

// The limit search: ENQCMD accelerators, widths 13 and 16, split 4096.
const accelerators = (k: number, groups: ReadonlyArray<readonly [readonly number[], number]>): MigrationState => {
  let next = 1
  return vm(range(0, k).map(() => 'accelerator'), {
    mode: 'global-split',
    split: 4096,
    functions: range(0, k).map((i) => ({ id: guestAddress(i + 5), capability: { width: 20 as PasidWidth, execute: false, privileged: false }, enqcmd: true })),
    locals: groups.flatMap(([fs, c]) => range(0, c).map(() => ({ local: next++ as Pasid, functions: fs.map((i) => guestAddress(i + 5)) }))),
  })
}
const acceleratorHost = (widths: readonly number[], free: readonly number[]): Host => {
  const allocated: Array<[number, number]> = []
  let at = 4096
  for (const p of free) {
    if (p > at) allocated.push([at, p])
    at = p + 1
  }
  allocated.push([at, 1 << 16])
  return host('h', widths.map((w) => ({ model: ACCELERATOR_V1, pasidWidth: w })), { split: 4096, global: pasidRanges(16 as PasidWidth, allocated) })
}
const pairs = prepared(
  '16 accelerators in pairs sharing locals (searched, taken)',
  accelerators(16, range(0, 8).map((a) => [[2 * a, 2 * a + 1], 3] as const)),
  acceleratorHost(range(0, 16).map((x) => (x % 2 === 0 ? 13 : 16)), [...range(4097, 4109), ...range(20000, 20048)]),
  true,
)
const distinct = prepared(
  '24 accelerators of distinct demands (refused by capacity)',
  accelerators(24, range(0, 24).map((i) => [[i], i + 1] as const)),
  acceleratorHost(range(0, 24).map((x) => (x < 12 ? 13 : 16)), [...range(4097, 4174), ...range(20000, 20400)]),
  false,
)

let sink = 0
for (const c of [forty, refused, taken, pairs, distinct]) {
  const before = c.plan.searchSteps()
  judgeHost(c.plan, c.host)
  console.log(`${c.name}: ${c.plan.searchSteps() - before} steps`)
}

for (const c of [forty, refused, taken, pairs, distinct]) {
  const free = c.host.functions.filter((f) => f.free)
  const n = c.plan.state.functions.length
  describe(c.name, () => {
    bench(`baseline: read each of the ${n}×${free.length} edges once`, () => {
      for (const f of free) {
        const cls = c.plan.classOf(f, undefined)
        for (let i = 0; i < n; i++) sink += cls.edges[i]!.map === null ? 0 : 1
      }
    })
    bench('judgeHost', () => {
      const j = judgeHost(c.plan, c.host)
      sink += j.compatible ? 1 : j.reasons.length
    })
  })
}

export { sink }

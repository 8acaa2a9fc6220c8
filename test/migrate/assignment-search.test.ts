/**
 * The whole-VM assignment, written from the rule: a one-to-one assignment exists exactly when
 * every set of k VM functions can be taken by at least k free host functions (Hall); when it
 * does not, the refusal names such a set and the k − 1 host functions it is confined to. The
 * search counts its steps: on worst cases they grow as a polynomial (n VM functions, m free
 * host functions: at most n·m·(n + 1) per matching), never as the number of assignments.
 */
import { describe, expect, it } from 'vitest'
import { checkMigration } from '../../src/migrate/check-migration.js'
import type { Host } from '../../src/migrate/host.js'
import { compileMigration, judgeHost } from '../../src/migrate/migration-plan.js'
import { pasidRanges } from '../../src/pasid/pasid-ranges.js'
import type { PasidFunction, PasidState } from '../../src/pasid/pasid-state.js'
import type { Pasid, PasidWidth } from '../../src/pasid/pasid.js'
import type { MigrationState } from '../../src/state/migration-state.js'
import { seeded } from '../../fuzz/mutate.js'
import { ACCELERATOR_V1, guestAddress, host, hostAddress, type InstanceType, many, NIC_V1, NIC_V2, vm } from './whole-vm-fixtures.js'

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, x) => from + x)

/** Judges one host under a fresh plan: the judgement and the steps its search took. */
const judged = (state: MigrationState, h: Host) => {
  const plan = compileMigration(state)
  const judgement = judgeHost(plan, h)
  return { judgement, steps: plan.searchSteps() }
}

/** The per-matching bound of augmenting paths: n augmentations, each at most m + n·m edges examined. */
const matchingBound = (n: number, m: number): number => n * m * (n + 1)

describe("Hall's condition refuses, naming the deficient set", () => {
  it('40 VM functions against 39 identical free ones: these 40 can only be taken by these 39', () => {
    const { judgement, steps } = judged(vm(Array<InstanceType>(40).fill('nic')), host('h39', many(39, { model: NIC_V1 })))
    expect(judgement.compatible).toBe(false)
    const guests = range(5, 45).map(guestAddress)
    const hosts = range(0, 39).map(hostAddress)
    expect(judgement.compatible ? [] : judgement.reasons).toEqual([
      expect.objectContaining({
        code: 'NO_ASSIGNMENT',
        source: guests.join(', '),
        destination: hosts.join(', '),
        message: `these 40 guest functions (${guests.join(', ')}) can only be taken by these 39 free functions of h39 (${hosts.join(', ')}): no one-to-one assignment exists`,
      }),
    ])
    // 40!/1! partial assignments for an exhaustive search; at most 40·39·41 edges here.
    expect(steps).toBeLessThanOrEqual(matchingBound(40, 39))
  })

  // A realistic VM (6 NIC functions and 2 accelerators, ENQCMD PASIDs on the accelerators)
  // against a host with 64 free NIC functions: the two accelerators compete for what accelerators there are.
  const nics = 6
  const types: InstanceType[] = [...Array<InstanceType>(nics).fill('nic'), 'accelerator', 'accelerator']
  const fn = (i: number, enqcmd: boolean, width: number): PasidFunction => ({ id: guestAddress(i + 5), capability: { width: width as PasidWidth, execute: false, privileged: false }, enqcmd })
  const pasid: PasidState = {
    mode: 'global-split',
    split: 64,
    functions: types.map((t, i) => (t === 'nic' ? fn(i, false, 16) : fn(i, true, 20))),
    locals: types.map((_, i) => ({ local: (i + 1) as Pasid, functions: [guestAddress(i + 5)] })),
  }
  const state = vm(types, pasid)
  const withAccelerators = (accelerators: number, free = accelerators) =>
    host(`nic64-acc${accelerators}`, [...many(64, { model: NIC_V2 }), ...range(0, accelerators).map((x) => ({ model: ACCELERATOR_V1, free: x < free }))])

  it('6 NIC functions and 2 accelerators against 64 free NIC functions and 1 free accelerator: refused, two accelerators, one free', () => {
    for (const h of [withAccelerators(1), withAccelerators(2, 1)]) {
      const { judgement, steps } = judged(state, h)
      expect(judgement.compatible).toBe(false)
      expect(judgement.compatible ? [] : judgement.reasons).toEqual([
        expect.objectContaining({ code: 'NO_ASSIGNMENT', source: `${guestAddress(11)}, ${guestAddress(12)}`, destination: hostAddress(64) }),
      ])
      expect(judgement.compatible ? '' : judgement.reasons[0]!.message).toContain(`these 2 guest functions (00:0b.0, 00:0c.0) can only be taken by this free function of ${h.name} (0000:20:08.0)`)
      expect(steps).toBeLessThanOrEqual(matchingBound(8, h.functions.filter((f) => f.free).length))
    }
  })

  it('with a second free accelerator the same VM is taken: NICs on NIC functions, accelerators on accelerators, PASIDs planned', () => {
    const v = checkMigration(state, withAccelerators(2))
    expect(v.compatible).toBe(true)
    expect(v.assignment!.map((a) => a.hostAddress)).toEqual([...range(0, nics).map(hostAddress), hostAddress(64), hostAddress(65)])
    expect(v.pasidPlan!.map.map((m) => m.local)).toEqual(range(1, 9))
    expect(v.pasidPlan!.map.every((m) => m.global >= 64)).toBe(true)
  })
})

/**
 * n NIC functions in delegated mode, function i bound to PASID i + 1, against m NIC functions
 * whose pools hold exactly the PASIDs of the VM functions they must not take: every bipartite
 * graph is such a host. All pairs pass the layout checks; the PASID pools alone decide.
 */
const graphCase = (n: number, m: number, edge: (i: number, k: number) => boolean) => {
  const pasid: PasidState = {
    mode: 'delegated',
    functions: range(0, n).map((i) => ({ id: guestAddress(i + 5), capability: { width: 16 as PasidWidth, execute: false, privileged: false }, enqcmd: false })),
    bindings: range(0, n).map((i) => ({ function: guestAddress(i + 5), pasid: (i + 1) as Pasid })),
  }
  const pools = range(0, m).map((k) => pasidRanges(16 as PasidWidth, range(0, n).filter((i) => !edge(i, k)).map((i) => [i + 1, i + 2] as const)))
  return { state: vm(Array<InstanceType>(n).fill('nic'), pasid), host: host(`graph-${n}x${m}`, range(0, m).map((k) => ({ model: NIC_V2, pasidWidth: 16, pool: pools[k]! }))) }
}

describe('the search counts its steps; they grow polynomially on generated worst cases', () => {
  it('n VM functions against n − 1 identical free ones: at most n·m·(n + 1), growing at most 8-fold when n doubles', () => {
    const counts = [5, 10, 20, 40, 80].map((n) => {
      const { judgement, steps } = judged(vm(Array<InstanceType>(n).fill('nic')), host('h', many(n - 1, { model: NIC_V1 })))
      expect(judgement.compatible).toBe(false)
      expect(steps).toBeLessThanOrEqual(matchingBound(n, n - 1))
      return steps
    })
    for (let x = 1; x < counts.length; x++) expect(counts[x]! / counts[x - 1]!).toBeLessThanOrEqual(8)
  })

  it('random graphs with a hidden deficient set (PASID pools as edges): refused, the named set confined to the named host functions, steps within two matchings', () => {
    const rnd = seeded(12)
    for (const n of [6, 12, 24, 48]) {
      for (let trial = 0; trial < 3; trial++) {
        // VM functions below n/2 can only use host functions below n/2 − 1; the rest, anything at random.
        const half = n >> 1
        const dense = range(0, n).map(() => range(0, n).map(() => rnd() < 0.5))
        const edge = (i: number, k: number): boolean => (i < half ? k < half - 1 && dense[i]![k]! : dense[i]![k]!) || (i >= half && k === i)
        const c = graphCase(n, n, edge)
        const { judgement, steps } = judged(c.state, c.host)
        expect(judgement.compatible).toBe(false)
        if (judgement.compatible) continue
        const hall = judgement.reasons.find((r) => r.code === 'NO_ASSIGNMENT')!
        expect(hall.message).toContain('that pass their PASID checks')
        const guests = String(hall.source).split(', ').map((g) => range(0, n).find((i) => guestAddress(i + 5) === g)!)
        const named = new Set(hall.destination === '' ? [] : String(hall.destination).split(', '))
        expect(named.size).toBe(guests.length - 1)
        // The certificate, checked against the graph itself: every candidate of every named guest function is named.
        for (const i of guests) for (let k = 0; k < n; k++) if (edge(i, k)) expect(named.has(hostAddress(k))).toBe(true)
        expect(steps).toBeLessThanOrEqual(2 * matchingBound(n, n))
      }
    }
  })
})

describe('locals programmed as they are decide the assignment', () => {
  // global-split: a non-ENQCMD function's local is written into its host function's PASID table
  // as it is, so it must lie below that function's limit. Two free NIC functions, the first
  // 8 bits wide (limit 256): a local of 300 can only go on the second.
  const pasid: PasidState = {
    mode: 'global-split',
    split: 1024,
    functions: [{ id: guestAddress(5), capability: { width: 16 as PasidWidth, execute: false, privileged: false }, enqcmd: false }],
    locals: [{ local: 300 as Pasid, functions: [guestAddress(5)] }],
  }
  const state = vm(['nic'], pasid)

  it('a local above the first candidate limit goes on the second: taken', () => {
    const v = checkMigration(state, host('narrow-then-wide', [{ model: NIC_V2, pasidWidth: 8 }, { model: NIC_V2 }], { split: 1024 }))
    expect(v.reasons.filter((r) => r.severity === 'error')).toEqual([])
    expect(v.assignment!.map((a) => a.hostAddress)).toEqual([hostAddress(1)])
    expect(v.pasidPlan!.entries).toContainEqual({ function: hostAddress(1), pasid: 300, guest: 300, kind: 'local' })
  })

  it('with both candidates 8 bits wide: refused, the local named beyond the limit', () => {
    const v = checkMigration(state, host('narrow', [{ model: NIC_V2, pasidWidth: 8 }, { model: NIC_V2, pasidWidth: 8 }], { split: 1024 }))
    expect(v.compatible).toBe(false)
    expect(v.reasons.map((r) => r.code)).toContain('PASID_WIDTH')
  })
})

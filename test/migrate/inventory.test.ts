/**
 * The standing inventory against `filterHosts` on the same hosts, after random updates: hosts
 * added, removed, their global pools changed, a function freed or taken, then a filter. The
 * inventory must give exactly filterHosts's answer (the accepted in order with their
 * assignments and warnings, the rejected in order with every reason), and hold exactly the hosts
 * a plain Map given the same updates holds, in its order. Hosts are generated from the fleet's 20
 * device models with VFs naming PFs, PASID entries missing or listed twice, and pools of random
 * occupancy; states are vm-17-n2, its variants, and vm-17 (which contradicts itself).
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { filterHosts, type FilterResult } from '../../src/migrate/filter-hosts.js'
import type { Host, HostFunction } from '../../src/migrate/host.js'
import { createInventory, type Inventory } from '../../src/migrate/inventory.js'
import { compileMigration } from '../../src/migrate/migration-plan.js'
import type { HostPasidFunction } from '../../src/pasid/host-pasid.js'
import { type PasidRanges, pasidRanges } from '../../src/pasid/pasid-ranges.js'
import type { PasidFunction, PasidState } from '../../src/pasid/pasid-state.js'
import type { Pasid, PasidWidth } from '../../src/pasid/pasid.js'
import type { MigrationState } from '../../src/state/migration-state.js'
import { decodeMigrationState } from '../../src/state/state-codec.js'
import { deviceModels, fleet } from '../support/fleet.js'
import { corpusPath } from '../support/repo-corpus.js'
import { guestAddress, vm } from './whole-vm-fixtures.js'

const decoded = (name: string): MigrationState => {
  const s = decodeMigrationState(new Uint8Array(readFileSync(corpusPath(name))))
  if (E.isLeft(s)) throw new Error(JSON.stringify(s.left))
  return s.right
}
const n2 = decoded('state/vm-17-n2-schema-v1.pb')
/** An accelerator (20-bit PASIDs) at 00:05.0 and a NIC (16-bit) at 00:06.0 with PASIDs of each mode. */
const claim = (i: number, width: number, extra: Partial<PasidFunction> = {}): PasidFunction => ({ id: guestAddress(i + 5), capability: { width: width as PasidWidth, execute: false, privileged: false }, enqcmd: false, ...extra })
const bindings = (list: Array<[number, number]>) => list.map(([i, p]) => ({ function: guestAddress(i + 5), pasid: p as Pasid }))
const twoModes: PasidState[] = [
  { mode: 'delegated', functions: [claim(0, 20), claim(1, 16)], bindings: bindings([[0, 5], [1, 300], [0, 70000], [1, 9]]) },
  { mode: 'per-rid', functions: [claim(0, 20), claim(1, 16)], bindings: bindings([[0, 1], [0, 2], [0, 3], [1, 1], [1, 40]]) },
  {
    mode: 'global-per-function',
    functions: [claim(0, 20, { enqcmd: true, pool: 'global' }), claim(1, 16, { pool: 'local' })],
    bindings: bindings([[0, 1], [0, 2], [1, 3], [1, 30]]),
  },
  { mode: 'global-split', split: 1024, functions: [claim(0, 20, { enqcmd: true }), claim(1, 16)], locals: [{ local: 300 as Pasid, functions: [guestAddress(6)] }, { local: 7 as Pasid, functions: [guestAddress(5), guestAddress(6)] }] },
]
const STATES: readonly MigrationState[] = [
  n2,
  { ...n2, pasid: null },
  // One VM function; the PASID state still names both: it contradicts itself, and every host refuses it.
  { ...n2, functions: [n2.functions[0]!] },
  { ...n2, functions: [n2.functions[1]!], pasid: null },
  decoded('state/vm-17-schema-v1.pb'),
  ...twoModes.map((p) => vm(['accelerator', 'nic'], p)),
]

const models = deviceModels()
const ADDRESSES = ['0000:17:00.0', '0000:5a:00.0', '0000:5e:00.0', '0000:5e:00.1', '0000:80:00.0']
const W20 = 20 as PasidWidth

const range = fc.tuple(fc.integer({ min: 1, max: (1 << 20) - 1 }), fc.integer({ min: 1, max: 1 << 16 })).map(([s, n]): [number, number] => [s, s + n])
const pool = fc.oneof(
  { weight: 4, arbitrary: fc.array(range, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constant([[64, (1 << 20) - 2]] as Array<[number, number]>) },
  { weight: 1, arbitrary: fc.constant([[2, 40]] as Array<[number, number]>) },
)

interface HostShape {
  readonly functions: ReadonlyArray<{ model: number; free: boolean; vf: boolean; entry: 'own' | 'none' | 'twice'; enabled: boolean; width: number | null; features: boolean; pool: Array<[number, number]> }>
  readonly pasid: boolean
  readonly translation: boolean
  readonly split: 32 | 64 | 2048 | null
  readonly global: Array<[number, number]>
}

const hostShape: fc.Arbitrary<HostShape> = fc.record({
  functions: fc.array(
    fc.record({
      // Weighted towards the models vm-17-n2's functions take (accelerator V1 on either host, NIC V2).
      model: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(0, 1, 4) }, { weight: 2, arbitrary: fc.nat(models.length - 1) }),
      free: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      vf: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      entry: fc.oneof({ weight: 8, arbitrary: fc.constant('own' as const) }, { weight: 1, arbitrary: fc.constantFrom('none' as const, 'twice' as const) }),
      enabled: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      // The PASID capability as the host lists it: the model's width, or another; execute and privileged or neither.
      width: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(0, 2, 8, 16, 20) }),
      features: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      // The function's own pool: empty, or a few PASIDs taken (many allocated: profiled only up to a length).
      pool: fc.oneof({ weight: 4, arbitrary: fc.constant([] as Array<[number, number]>) }, { weight: 1, arbitrary: fc.array(fc.tuple(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 40 })).map(([a, n]): [number, number] => [a, a + n]), { maxLength: 12 }) }),
    }),
    { maxLength: 5 },
  ),
  pasid: fc.oneof({ weight: 10, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  translation: fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  split: fc.constantFrom(64 as const, 64 as const, 64 as const, 32 as const, 2048 as const, null),
  global: pool,
})

const makeHost = (name: string, shape: HostShape): Host => {
  const functions: HostFunction[] = shape.functions.map((f, k) => {
    const m = models[f.model]!
    // A VF names the first function as its PF (absent on a one-function host).
    return { address: ADDRESSES[k]!, function: m.function, persona: m.persona, pf: f.vf ? ADDRESSES[0]! : null, free: f.free }
  })
  const entries: HostPasidFunction<PasidRanges>[] = shape.functions.flatMap((f, k) => {
    const w = (f.width ?? models[f.model]!.pasidWidth) as PasidWidth
    const entry = { id: ADDRESSES[k]!, capabilityWidth: w, execute: f.features, privileged: f.features, pasidEnabled: f.enabled, isVf: f.vf, pool: pasidRanges(w, f.pool) }
    return f.entry === 'none' ? [] : f.entry === 'twice' ? [entry, { ...entry }] : [entry]
  })
  return {
    name,
    functions,
    pasid: shape.pasid ? { iommuWidth: W20, cpuTranslation: shape.translation, split: shape.split, global: pasidRanges(W20, shape.global), functions: entries } : null,
  }
}

type Op =
  | { kind: 'add'; name: number; shape: HostShape }
  | { kind: 'remove'; pick: number }
  | { kind: 'pool'; pick: number; global: Array<[number, number]> }
  | { kind: 'free'; pick: number; fn: number }
  | { kind: 'filter'; state: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), name: fc.nat(60), shape: hostShape }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pool' as const), pick: fc.nat(), global: pool }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat(), fn: fc.nat(4) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('filter' as const), state: fc.nat(STATES.length - 1) }) },
)

/** What a filter says, in plain data: every accepted host with its assignment and warnings, every rejected one with its reasons. */
const said = (r: FilterResult) => ({
  accepted: r.accepted.map((a) => ({ host: a.host.name, assignment: a.assignment, warnings: a.warnings })),
  rejected: r.rejected.map((x) => ({ host: x.host.name, reasons: x.reasons })),
  rejectedCount: r.rejectedCount,
})

/** The inventory's filter equals filterHosts on its hosts, in its order, and its hosts are the model's. */
const agrees = (inventory: Inventory, model: Map<string, Host>, state: MigrationState): void => {
  const hosts = [...model.values()]
  expect(inventory.hosts()).toEqual(hosts)
  expect(inventory.size()).toBe(model.size)
  const got = inventory.filter(state)
  const want = filterHosts(state, hosts)
  expect(got.acceptedCount).toBe(want.accepted.length)
  expect(said(got)).toEqual(said(want))
  got.accepted.forEach((a, i) => expect(a.host).toBe(want.accepted[i]!.host))
}

const apply = (inventory: Inventory, model: Map<string, Host>, o: Op): void => {
  const names = [...model.keys()]
  const picked = names.length === 0 ? undefined : names[o.kind === 'add' || o.kind === 'filter' ? 0 : o.pick % names.length]!
  switch (o.kind) {
    case 'add': {
      const h = makeHost(`host-${o.name}`, o.shape)
      model.set(h.name, h)
      inventory.put(h)
      return
    }
    case 'remove':
      expect(inventory.remove(picked ?? 'none')).toBe(picked !== undefined)
      if (picked !== undefined) model.delete(picked)
      return
    case 'pool': {
      const h = picked === undefined ? undefined : model.get(picked)
      if (h === undefined || h.pasid === null) return
      const changed: Host = { ...h, pasid: { ...h.pasid, global: pasidRanges(W20, o.global) } }
      model.set(h.name, changed)
      inventory.put(changed)
      return
    }
    case 'free': {
      const h = picked === undefined ? undefined : model.get(picked)
      if (h === undefined || h.functions.length === 0) return
      const k = o.fn % h.functions.length
      const changed: Host = { ...h, functions: h.functions.map((f, i) => (i === k ? { ...f, free: !f.free } : f)) }
      model.set(h.name, changed)
      inventory.put(changed)
      return
    }
    case 'filter':
      agrees(inventory, model, STATES[o.state]!)
  }
}

describe('createInventory', () => {
  it('answers as filterHosts on its hosts after any sequence of adds, removes, pool and free changes', () => {
    fc.assert(
      fc.property(fc.array(hostShape, { maxLength: 12, size: 'medium' }), fc.array(op, { minLength: 4, maxLength: 30, size: 'medium' }), (initial, ops) => {
        const start = initial.map((s, i) => makeHost(`host-${i}`, s))
        const model = new Map(start.map((h) => [h.name, h]))
        const inventory = createInventory(start)
        for (const o of ops) apply(inventory, model, o)
        for (const s of STATES) agrees(inventory, model, s)
      }),
      { numRuns: 50 },
    )
  })

  it('answers as filterHosts on a generated fleet, accepting and refusing past coverage alike', () => {
    const hosts = fleet({ hosts: 3000, seed: 11, models })
    const inventory = createInventory(hosts)
    const got = inventory.filter(n2)
    const want = filterHosts(n2, hosts)
    expect(said(got)).toEqual(said(want))
    // Both outcomes, and refusals of each kind the fleet holds.
    expect(got.accepted.length).toBeGreaterThan(50)
    expect(new Set(got.rejected.map((r) => r.reasons[0]!.code))).toEqual(new Set(['NO_CANDIDATE', 'PASID_NO_TRANSLATION', 'PASID_POOL_EXHAUSTED', 'PASID_SPLIT']))
  })

  it('keeps its answers and order when more hosts are removed than are left (their slots reclaimed)', () => {
    const hosts = fleet({ hosts: 3000, seed: 12, models })
    const inventory = createInventory(hosts)
    const model = new Map(hosts.map((h) => [h.name, h]))
    for (let i = 0; i < 3000; i += 3) {
      inventory.remove(`host-${i}`)
      inventory.remove(`host-${i + 1}`)
      model.delete(`host-${i}`)
      model.delete(`host-${i + 1}`)
    }
    agrees(inventory, model, n2)
    // Re-added hosts go last; a replaced one keeps its place.
    inventory.put(hosts[0]!)
    model.set(hosts[0]!.name, hosts[0]!)
    const second = model.get('host-5')!
    const changed = { ...second, functions: second.functions.map((f) => ({ ...f, free: true })) }
    inventory.put(changed)
    model.set(changed.name, changed)
    agrees(inventory, model, n2)
  })

  it('a result read after the inventory changed is the answer at the time of the filter', () => {
    const hosts = fleet({ hosts: 2500, seed: 16, models })
    const inventory = createInventory(hosts)
    const result = inventory.filter(n2)
    const want = said(filterHosts(n2, hosts))
    for (let i = 0; i < 2500; i += 7) inventory.remove(`host-${i}`)
    for (let i = 1; i < 2500; i += 5) inventory.put({ ...hosts[i]!, functions: hosts[i]!.functions.map((f) => ({ ...f, free: !f.free })) })
    inventory.put({ ...hosts[0]!, name: 'new' })
    expect(said(result)).toEqual(want)
  })

  it('filters a subset by name, in the order given, listing names it does not hold', () => {
    const hosts = fleet({ hosts: 400, seed: 13, models })
    const inventory = createInventory(hosts)
    const names = ['host-399', 'nowhere', ...hosts.slice(0, 200).map((h) => h.name).reverse(), 'host-400', ...hosts.map((h) => h.name), ...hosts.map((h) => h.name), ...hosts.map((h) => h.name)]
    const got = inventory.filter(n2, { names })
    const want = filterHosts(n2, names.flatMap((n) => (inventory.get(n) === undefined ? [] : [inventory.get(n)!])))
    expect(said(got)).toEqual(said(want))
    expect(got.unknown).toEqual(['nowhere', 'host-400'])
    expect(inventory.filter(n2).unknown).toEqual([])
  })

  it('takes a compiled plan, and a state of a known instance type again, with the same answers', () => {
    const hosts = fleet({ hosts: 500, seed: 14, models })
    const inventory = createInventory(hosts)
    const first = said(inventory.filter(n2))
    expect(said(inventory.filter(compileMigration(n2)))).toEqual(first)
    // The layouts seen before are realized from the inventory's cache; the answer is unchanged.
    expect(said(inventory.filter(n2))).toEqual(first)
    expect(said(filterHosts(n2, hosts))).toEqual(first)
  })

  it('holds hosts by name: get, replace, remove', () => {
    const [a, b] = fleet({ hosts: 2, seed: 15, models })
    const inventory = createInventory([a!, b!])
    expect(inventory.get(a!.name)).toBe(a)
    expect(inventory.get('none')).toBeUndefined()
    const a2 = { ...a!, pasid: null }
    inventory.put(a2)
    expect(inventory.get(a!.name)).toBe(a2)
    expect(inventory.hosts()).toEqual([a2, b])
    expect(inventory.remove(a!.name)).toBe(true)
    expect(inventory.remove(a!.name)).toBe(false)
    expect(inventory.hosts()).toEqual([b])
    expect(inventory.size()).toBe(1)
  })
})

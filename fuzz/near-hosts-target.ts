/**
 * `near-hosts` (issue 12, item 8): VMs of 1–16 functions judged against hosts whose free
 * functions almost match: each function a VM function needs is there, but some are one field
 * off (the Device ID, the Revision ID, one capability gone, a narrower PASID capability, busy,
 * a PASID pool one PASID short), with near models among the extras and sometimes one function
 * missing. The oracle is brute force over assignments (test/migrate/assignment-brute-force.ts):
 * every pair decided from scratch, then, without PASIDs, every one-to-one assignment searched
 * (memoized on the functions used); with PASIDs (up to 3 VM functions), every assignment planned
 * by `remapPasids`. `checkMigration` (and, on one input in four, `filterHosts`) must say what the oracle says, and an
 * assignment the judge gives must pass the oracle's checks.
 *
 * The input is a seed: any bytes, hashed.
 */
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { pasidState } from '../src/arbitraries/index.js'
import { checkMigration } from '../src/migrate/check-migration.js'
import { filterHosts } from '../src/migrate/filter-hosts.js'
import { withBitmapPools } from '../src/pasid/host-pasid.js'
import { pasidRanges } from '../src/pasid/pasid-ranges.js'
import type { PasidMode, PasidState } from '../src/pasid/pasid-state.js'
import type { PasidWidth } from '../src/pasid/pasid.js'
import { remapPasids } from '../src/pasid/remap.js'
import { type Case, fits, oracle } from '../test/migrate/assignment-brute-force.js'
import { guestAddress, host, type HostFunctionSpec, type InstanceType, NEAR_MODELS, vm } from '../test/migrate/whole-vm-fixtures.js'
import { seeded } from './mutate.js'
import type { Target } from './targets.js'

/** Models that take each instance type (the oracle decides; these only steer the generator). */
const TAKERS: Record<InstanceType, readonly number[]> = { accelerator: [0, 1], nic: [3, 4] }

type Off = 'device' | 'revision' | 'capability' | 'width' | 'busy' | 'pool'
const OFFS: readonly Off[] = ['device', 'revision', 'capability', 'width', 'busy', 'pool']

/** PASIDs the state binds on VM function `id` (what its host function's own pool must hold in delegated and per-rid modes). */
const bound = (p: PasidState | null, id: string): number =>
  p === null || p.mode === 'global-split' ? 0 : p.bindings.filter((b) => b.function === id).length

/** A host function like `spec`, one field off. */
const offBy = (off: Off, spec: HostFunctionSpec, need: number): HostFunctionSpec => {
  switch (off) {
    case 'device':
    case 'revision':
    case 'capability':
      return { ...spec, model: NEAR_MODELS[off][spec.model] ?? spec.model }
    case 'width':
      return { ...spec, pasidWidth: 4 }
    case 'busy':
      return { ...spec, free: false }
    case 'pool': {
      // Every PASID of a 5-bit pool allocated but need − 1 (PASID 0 is never given).
      const w = 5 as PasidWidth
      const free = Math.max(0, need - 1)
      return { ...spec, pasidWidth: 5, pool: pasidRanges(w, free >= 31 ? [] : [[1 + free, 32]]) }
    }
  }
}

interface NearCase {
  readonly c: Case
  readonly offs: readonly string[]
}

const nearCase = (seed: number): NearCase => {
  const r = seeded(seed)
  const int = (n: number): number => Math.floor(r() * n)
  // 1–16 functions, small ones more often (the judge's cost grows with the functions).
  const n = 1 + Math.floor(16 * r() ** 2)
  const types: InstanceType[] = Array.from({ length: n }, () => (int(2) === 0 ? 'accelerator' : 'nic'))
  const withPasid = n <= 3 && int(2) === 0
  const mode = (['delegated', 'per-rid', 'global-split', 'global-per-function'] as const)[int(4)]! satisfies PasidMode
  const pasid = withPasid
    ? fc.sample(pasidState({ mode, functionIds: types.map((_, i) => guestAddress(i + 5)), maxPasids: 8, maxWidth: 16 }), { seed, numRuns: 1 })[0]!
    : null
  // NIC functions claim neither Execute nor Privileged (the NIC models' PASID capabilities have neither).
  const plain = pasid === null ? null : { ...pasid, functions: pasid.functions.map((f) => (types.some((t, i) => t === 'nic' && guestAddress(i + 5) === f.id) ? { ...f, capability: { ...f.capability, execute: false, privileged: false } } : f)) }
  const offs: string[] = []
  const specs: HostFunctionSpec[] = types.map((t, i) => {
    const spec: HostFunctionSpec = { model: TAKERS[t][int(TAKERS[t].length)]! }
    if (int(3) !== 0) return spec
    const off = OFFS[int(OFFS.length)]!
    offs.push(`${guestAddress(i + 5)}:${off}`)
    return offBy(off, spec, bound(plain, guestAddress(i + 5)))
  })
  // Extras: near models and takers, or one function missing.
  for (let k = int(3); k > 0; k--) {
    const t = types[int(n)]!
    const spec: HostFunctionSpec = { model: TAKERS[t][int(TAKERS[t].length)]! }
    specs.push(int(2) === 0 ? spec : offBy(OFFS[int(3)]!, spec, 0))
  }
  if (int(5) === 0 && specs.length > 1) {
    specs.splice(int(specs.length), 1)
    offs.push('one missing')
  }
  for (let k = specs.length - 1; k > 0; k--) {
    const j = int(k + 1)
    ;[specs[k], specs[j]] = [specs[j]!, specs[k]!]
  }
  return { c: { types, hostFunctions: specs, pasid: plain, iommuWidth: 20, cpuTranslation: true, split: plain?.mode === 'global-split' ? plain.split : 64, global: pasidRanges(20 as PasidWidth) }, offs }
}

/**
 * Brute force without PASIDs: whether some one-to-one assignment of VM functions to free host
 * functions has every pair fit, trying every host function for each VM function in turn,
 * remembering which sets of used host functions already failed from each position.
 */
const someAssignment = (ok: readonly (readonly boolean[])[], hostCount: number): boolean => {
  const failed = new Set<number>()
  const from = (i: number, used: number): boolean => {
    if (i === ok.length) return true
    const key = used * 32 + i
    if (failed.has(key)) return false
    for (let k = 0; k < hostCount; k++) if (ok[i]![k] && (used & (1 << k)) === 0 && from(i + 1, used | (1 << k))) return true
    failed.add(key)
    return false
  }
  return from(0, 0)
}

export const runNearCase = (seed: number): void => {
  const { c, offs } = nearCase(seed)
  const state = vm(c.types, c.pasid)
  const h = host('near', c.hostFunctions, { iommuWidth: c.iommuWidth, cpuTranslation: c.cpuTranslation, split: c.split, global: c.global })
  const ok = c.types.map((t, i) => h.functions.map((f, k) => f.free && fits(state, i, t, c.hostFunctions[k]!.model)))
  const passing = c.pasid === null ? someAssignment(ok, h.functions.length) : oracle(c, state, h).length > 0
  const verdict = checkMigration(state, h)
  const where = `(seed ${seed}, ${c.types.length} functions, ${h.functions.length} on the host, ${c.pasid?.mode ?? 'no PASIDs'}, off: ${offs.join(' ') || 'none'})`
  if (verdict.compatible !== passing) throw new Error(`checkMigration says ${verdict.compatible ? 'compatible' : 'incompatible'}, brute force ${passing ? 'compatible' : 'incompatible'} ${where}`)
  // filterHosts (the scheduler's path) on one input in four: it costs as much as checkMigration.
  if (seed % 4 === 0 && filterHosts(state, [h]).accepted.length !== (passing ? 1 : 0)) throw new Error(`filterHosts disagrees with brute force ${where}`)
  if (!verdict.compatible) return
  const picks = verdict.assignment!.map((a) => h.functions.findIndex((f) => f.address === a.hostAddress))
  if (new Set(picks).size !== picks.length || picks.some((k, i) => k < 0 || !ok[i]![k])) throw new Error(`the judge's assignment ${picks.join(',')} does not pass the pair checks ${where}`)
  if (c.pasid !== null) {
    const plan = remapPasids(c.pasid, withBitmapPools(h.pasid!), { assignment: new Map(picks.map((k, i) => [state.functions[i]!.guestAddress, h.functions[k]!.address])) })
    if (E.isLeft(plan) || !plan.right.compatible) throw new Error(`the judge's assignment ${picks.join(',')} has no PASID plan ${where}`)
  }
}

const seedOf = (input: Uint8Array): number => createHash('sha256').update(input).digest().readUInt32LE(0) & 0x7fffffff

export const nearHostsTarget: Target = {
  name: 'near-hosts',
  budget: 250,
  // Judging a 16-function VM (and brute force) takes up to a second alone on the development VM; a loaded one, several.
  maxMs: 10_000,
  seeds: () => Array.from({ length: 32 }, (_, k) => Uint8Array.of(k, k >> 8)),
  run: (input) => runNearCase(seedOf(input)),
}

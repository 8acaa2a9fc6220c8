/**
 * The whole-VM judge against brute force on small generated cases (the oracle:
 * assignment-brute-force.ts, which shares nothing with the judge's matching or PASID
 * decomposition). The host takes the VM exactly when some assignment passes.
 *
 * Hosts give each function its own PASID capability width, features and pool, and leave few
 * free globals at scattered magnitudes, so which host function a VM function takes changes its
 * PASID limit, and so whether the fresh globals fit.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { pasidState } from '../../src/arbitraries/index.js'
import { checkMigration } from '../../src/migrate/check-migration.js'
import type { Host } from '../../src/migrate/host.js'
import { withBitmapPools } from '../../src/pasid/host-pasid.js'
import { pasidRanges } from '../../src/pasid/pasid-ranges.js'
import type { PasidMode, PasidState } from '../../src/pasid/pasid-state.js'
import type { Pasid, PasidWidth } from '../../src/pasid/pasid.js'
import { remapPasids } from '../../src/pasid/remap.js'
import type { MigrationState } from '../../src/state/migration-state.js'
import { type Case, oracle } from './assignment-brute-force.js'
import { guestAddress, host, type InstanceType, vm } from './whole-vm-fixtures.js'

const GLOBAL_WIDTH = 12 as PasidWidth

/** Models that take each instance type (the oracle decides; these only steer the generator). */
const TAKERS: Record<InstanceType, readonly number[]> = { accelerator: [0, 1], nic: [3, 4, 4] } // NIC V2 backs both NIC layouts, V1 only the one without PASID

/** A host function; `plain`: free, with every PASID feature and PASID enabled. */
const hostFunction = (models: readonly number[], widths: readonly number[], plain: boolean) => {
  const mostly = plain ? fc.constant(true) : fc.constantFrom(true, true, true, false)
  return fc
    .record({
      model: fc.constantFrom(...models),
      free: mostly,
      pasidWidth: fc.constantFrom(...widths),
      execute: mostly,
      privileged: mostly,
      pasidEnabled: mostly,
      isVf: fc.boolean(),
      allocated: fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 6 })), { maxLength: 2 }),
      order: fc.nat(),
    })
    .map((f) => ({ ...f, pool: pasidRanges(f.pasidWidth as PasidWidth, f.allocated.map(([s, l]) => [s, s + l] as const)) }))
}

/** A global pool of 2^12 with everything from `start` allocated but a few holes at magnitudes from 2^(low−1) up. */
const globalPool = (low: number, start: number) => fc.array(fc.tuple(fc.integer({ min: low, max: 12 }), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })), { maxLength: 10 }).map((holes) => {
  const free = [...new Set(holes.map(([e, f]) => Math.max(1, Math.floor(2 ** (e - 1) * (1 + f)))))].filter((p) => p < 1 << GLOBAL_WIDTH).sort((a, b) => a - b)
  const allocated: Array<[number, number]> = []
  let at = start
  for (const p of free) {
    if (p > at) allocated.push([at, p])
    at = p + 1
  }
  allocated.push([at, 1 << GLOBAL_WIDTH])
  return pasidRanges(GLOBAL_WIDTH, allocated)
})

interface CaseShape {
  readonly types: fc.Arbitrary<InstanceType[]>
  readonly modes: readonly PasidMode[]
  readonly widths: readonly number[]
  /** Models of the host functions beyond one taker per VM function. */
  readonly extras: readonly number[]
  readonly maxExtra: number
  readonly hostSide: boolean
  /** Host functions free, with every PASID feature (see `hostFunction`). */
  readonly plain: boolean
  /** The global pool is allocated from here, but for its holes. */
  readonly allocatedFrom: number
  /** The lowest magnitude (log2) of the global pool's free holes. */
  readonly holesFrom: number
  /** Adjusts the generated PASID state. */
  readonly adjust?: (s: PasidState) => PasidState
  /** The widest PASIDs the state shows a guest (the NIC models' PASID capabilities are 16 bits). */
  readonly maxWidth?: number
}

/**
 * NIC functions claim neither Execute nor Privileged (the NIC models' PASID capabilities have
 * neither, so a NIC layout showing them would have no candidate at all and decide nothing).
 */
const nicsPlain = (p: PasidState, types: readonly InstanceType[]): PasidState => ({
  ...p,
  functions: p.functions.map((f) => (types.some((t, i) => t === 'nic' && guestAddress(i + 5) === f.id) ? { ...f, capability: { ...f.capability, execute: false, privileged: false } } : f)),
})

/** A VM, and a host with one function of a model that takes each VM function plus extras, shuffled. */
const cases = (shape: CaseShape): fc.Arbitrary<Case> =>
  shape.types.chain((types) =>
    fc
      .record({
        takers: fc.tuple(...types.map((t) => hostFunction(TAKERS[t], shape.widths, shape.plain))),
        extra: fc.array(hostFunction(shape.extras, shape.widths, shape.plain), { maxLength: shape.maxExtra }),
        mode: fc.constantFrom(...shape.modes),
        iommuWidth: shape.hostSide ? fc.constantFrom(8, 12, 20, 20, 20) : fc.constant(20),
        cpuTranslation: shape.hostSide ? fc.constantFrom(true, true, true, false) : fc.constant(true),
        splitShift: shape.hostSide ? fc.constantFrom(null, -1, 0, 0, 0, 4) : fc.constantFrom(0, 0, 3),
        global: globalPool(shape.holesFrom, shape.allocatedFrom),
      })
      .chain((r) =>
        fc.option(pasidState({ mode: r.mode, functionIds: types.map((_, i) => guestAddress(i + 5)), maxPasids: 12, ...(shape.maxWidth === undefined ? {} : { maxWidth: shape.maxWidth }) })
            .map((p) => nicsPlain(p, types))
            .map(shape.adjust ?? ((x) => x)), { freq: 8 }).map(
          (pasid): Case => ({
            types,
            hostFunctions: [...r.takers, ...r.extra].sort((a, b) => a.order - b.order),
            pasid,
            iommuWidth: r.iommuWidth,
            cpuTranslation: r.cpuTranslation,
            split: r.splitShift === null ? null : Math.max(1, (pasid?.mode === 'global-split' ? pasid.split : 16) + r.splitShift),
            global: r.global,
          }),
        ),
      ),
  )

const materialize = (c: Case): { state: MigrationState; host: Host } => ({
  state: vm(c.types, c.pasid),
  host: host('generated', c.hostFunctions, { iommuWidth: c.iommuWidth, cpuTranslation: c.cpuTranslation, split: c.split, global: c.global }),
})

/**
 * The state with every function shown 5-bit PASIDs (so every host function of 5 bits or more
 * passes the width checks) and, in global-split, at most seven locals renumbered below split 8:
 * what is left to decide is the fresh globals under each function's limit.
 */
const narrow = (s: PasidState): PasidState => {
  const functions = s.functions.map((f) => ({ ...f, capability: { ...f.capability, width: 5 as PasidWidth } }))
  if (s.mode !== 'global-split') return { ...s, functions }
  return { ...s, functions, split: 8, locals: s.locals.slice(0, 7).map((l, x) => ({ ...l, local: (x + 1) as Pasid })) }
}

/** Runs the judge and the oracle on `runs` cases; counts what the cases exercised. */
const agree = (arbitrary: fc.Arbitrary<Case>, runs: number, seed: number) => {
  const seen = { accepted: 0, refused: 0, pasidMatters: 0, limitsMatter: 0 }
  fc.assert(
    fc.property(arbitrary, (c) => {
      const { state, host: h } = materialize(c)
      const passing = oracle(c, state, h)
      const v = checkMigration(state, h)
      expect(v.compatible).toBe(passing.length > 0)
      if (v.compatible) {
        seen.accepted++
        const picks = v.assignment!.map((a) => h.functions.findIndex((f) => f.address === a.hostAddress))
        expect(passing.map((p) => p.join(','))).toContain(picks.join(','))
      } else seen.refused++
      // Cases where the host function taken decides the PASIDs: some class-compatible assignment fails, another passes.
      if (passing.length > 0 && c.pasid !== null) {
        const all = oracle({ ...c, pasid: null }, { ...state, pasid: null }, h)
        if (all.length > passing.length) seen.pasidMatters++
        // Some assignment fails on the fresh globals alone: the PASID limits of the functions taken decide.
        const bitmap = withBitmapPools(h.pasid!)
        const onGlobalsOnly = all.some((p) => {
          const r = remapPasids(c.pasid!, bitmap, { assignment: new Map(p.map((k, x) => [state.functions[x]!.guestAddress, h.functions[k]!.address])) })
          return E.isRight(r) && !r.right.compatible && r.right.reasons.every((x) => x.code === 'PASID_POOL_EXHAUSTED')
        })
        if (onGlobalsOnly && (c.pasid.mode === 'global-split' || c.pasid.mode === 'global-per-function')) seen.limitsMatter++
      }
    }),
    { numRuns: runs, seed },
  )
  return seen
}

describe('the whole-VM judge agrees with brute force', () => {
  it('on VMs of accelerators and NICs against hosts of mixed models and PASID sides (every mode)', () => {
    const seen = agree(
      cases({
        types: fc.array(fc.constantFrom<InstanceType>('accelerator', 'nic'), { minLength: 1, maxLength: 4 }),
        modes: ['delegated', 'per-rid', 'global-split', 'global-per-function'],
        widths: [0, 5, 6, 8, 12, 16, 20, 20, 20, 20],
        // Accelerator V1 (two hosts' copies), accelerator V2, NIC V1, NIC V2, a conventional function.
        extras: [0, 1, 2, 3, 4, 6],
        maxExtra: 2,
        hostSide: true,
        plain: false,
        allocatedFrom: 0,
        holesFrom: 3,
        maxWidth: 16,
      }),
      450,
      20261201,
    )
    // The generator reaches every outcome that matters (a check of the cases, not of the judge).
    expect(seen.accepted).toBeGreaterThan(50)
    expect(seen.refused).toBeGreaterThan(50)
    expect(seen.pasidMatters).toBeGreaterThan(15)
  })

  it('on VMs of accelerators only, where only the PASID limits and pools tell the host functions apart (global modes)', () => {
    const seen = agree(
      cases({
        types: fc.array(fc.constant<InstanceType>('accelerator'), { minLength: 2, maxLength: 4 }),
        modes: ['global-split', 'global-split', 'global-per-function'],
        widths: [5, 6, 8, 20],
        extras: [0, 1],
        maxExtra: 2,
        hostSide: false,
        plain: true,
        allocatedFrom: 8,
        holesFrom: 4,
        adjust: narrow,
      }),
      300,
      20261202,
    )
    expect(seen.accepted).toBeGreaterThan(100)
    expect(seen.refused).toBeGreaterThan(40)
    expect(seen.limitsMatter).toBeGreaterThan(15)
  })
})

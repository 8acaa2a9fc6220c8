/**
 * Which PASID limits a VM's functions get, when the fresh globals are short for some
 * assignments and not others (global-split, ENQCMD accelerators, each local bound by the
 * smallest limit of its functions). Hosts here have accelerator V1 functions of two PASID
 * widths and a global pool with free globals counted out by hand; expectations are derived from
 * the rule (for every bound b, the locals bounded by b fit in the free globals below b).
 */
import { describe, expect, it } from 'vitest'
import { checkMigration } from '../../src/migrate/check-migration.js'
import { compileMigration, judgeHost } from '../../src/migrate/migration-plan.js'
import { pasidRanges } from '../../src/pasid/pasid-ranges.js'
import type { PasidState } from '../../src/pasid/pasid-state.js'
import type { Pasid, PasidWidth } from '../../src/pasid/pasid.js'
import { ACCELERATOR_V1, guestAddress, host, hostAddress, vm } from './whole-vm-fixtures.js'

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, x) => from + x)

/** k ENQCMD accelerators; each entry of `groups` is that many locals attached to those VM functions. Locals numbered from 1. */
const accelerators = (k: number, split: number, groups: ReadonlyArray<readonly [readonly number[], number]>) => {
  let next = 1
  const pasid: PasidState = {
    mode: 'global-split',
    split,
    functions: range(0, k).map((i) => ({ id: guestAddress(i + 5), capability: { width: 20 as PasidWidth, execute: false, privileged: false }, enqcmd: true })),
    locals: groups.flatMap(([fs, c]) => range(0, c).map(() => ({ local: next++ as Pasid, functions: fs.map((i) => guestAddress(i + 5)) }))),
  }
  return vm(range(0, k).map(() => 'accelerator'), pasid)
}

/** Accelerators of the given PASID widths; the 16-bit global pool is allocated from `split` up but for `free`. */
const acceleratorHost = (widths: readonly number[], split: number, free: readonly number[]) => {
  const allocated: Array<[number, number]> = []
  let at = split
  for (const p of [...free].sort((a, b) => a - b)) {
    if (p > at) allocated.push([at, p])
    at = p + 1
  }
  allocated.push([at, 1 << 16])
  return host('h', widths.map((w) => ({ model: ACCELERATOR_V1, pasidWidth: w })), { split, global: pasidRanges(16 as PasidWidth, allocated) })
}

describe('the PASID limits the VM functions get', () => {
  it('finds the assignment the first one misses: the function with 3 locals on the 20-bit function, the one with 1 on the 5-bit', () => {
    // Limits 32 and 2^20; free globals from split 8: 10 below 32, then 100-102. On the 5-bit
    // function, 00:05.0's three locals would need three globals below 32: there is one.
    const state = accelerators(2, 8, [
      [[0], 3],
      [[1], 1],
    ])
    const v = checkMigration(state, acceleratorHost([5, 20], 8, [10, 100, 101, 102]))
    expect(v.compatible).toBe(true)
    expect(v.assignment!.map((a) => [a.guestAddress, a.hostAddress])).toEqual([
      ['00:05.0', hostAddress(1)],
      ['00:06.0', hostAddress(0)],
    ])
    // Tightest bound first: local 4 (bound 32) takes 10; locals 1-3 the next free.
    expect(v.pasidPlan!.map).toEqual([
      { local: 1, global: 100 },
      { local: 2, global: 101 },
      { local: 3, global: 102 },
      { local: 4, global: 10 },
    ])
  })

  it('refuses with the capacity proof when half the functions must take low limits and the globals below cannot serve even the smallest demands', () => {
    // 24 functions, function i with i + 1 locals of its own; 12 functions of limit 2^13, 12 of
    // 2^16. Any assignment gives 12 VM functions the low limit: at least 1 + ... + 12 = 78
    // locals need a global below 8192, and 77 are free in [4096, 8192).
    const k = 24
    const state = accelerators(k, 4096, range(0, k).map((i) => [[i], i + 1] as const))
    const h = acceleratorHost(range(0, k).map((x) => (x < k / 2 ? 13 : 16)), 4096, [...range(4097, 4097 + 77), ...range(20000, 20400)])
    const j = judgeHost(compileMigration(state), h)
    expect(j.compatible).toBe(false)
    expect(j.compatible ? [] : j.reasons).toEqual([
      expect.objectContaining({
        code: 'PASID_POOL_EXHAUSTED',
        source: 78,
        destination: 77,
        message:
          'h has 12 free functions with a PASID limit above 8192 for the VM\'s functions that could use one, so at least 12 of them get a limit of at most 8192; with the guest PASIDs they touch, at least 78 guest PASIDs need a fresh global below 8192, but h has only 77 free in [4096, 8192)',
      }),
    ])
  })

  /** Pairs of functions sharing `c` locals each; widths alternate 13 and 16, so pairs can only sit together on low limits if placed so. */
  const pairs = (k: number, c: number, lowFree: number) => ({
    state: accelerators(k, 4096, range(0, k / 2).map((a) => [[2 * a, 2 * a + 1], c] as const)),
    host: acceleratorHost(range(0, k).map((x) => (x % 2 === 0 ? 13 : 16)), 4096, [...range(4097, 4097 + lowFree), ...range(20000, 20000 + k * c)]),
  })

  it('pairs sharing their locals: both members on low limits when the globals below allow it, else refused (shares of shared locals)', () => {
    // k/2 functions take the low limit. k/4 pairs wholly on low limits touch k/4 · c locals below
    // 8192: fits with that many free, and no placement touches fewer.
    for (const k of [8, 16]) {
      const ok = pairs(k, 3, (k / 4) * 3)
      const v = checkMigration(ok.state, ok.host)
      expect(v.compatible).toBe(true)
      const low = (address: string) => ok.host.functions.findIndex((f) => f.address === address) % 2 === 0
      for (let a = 0; a < k / 2; a++) expect(low(v.assignment![2 * a]!.hostAddress)).toBe(low(v.assignment![2 * a + 1]!.hostAddress))
      const short = pairs(k, 3, (k / 4) * 3 - 1)
      const refused = checkMigration(short.state, short.host)
      expect(refused.compatible).toBe(false)
      expect(refused.reasons.map((r) => r.code)).toEqual(['PASID_POOL_EXHAUSTED'])
    }
  })

  it('never accepts what its bound left unproved: the same feasible host refused as SEARCH_BOUND under a tiny maxSearchSteps', () => {
    const ok = pairs(8, 3, 6)
    expect(checkMigration(ok.state, ok.host).compatible).toBe(true)
    const bounded = checkMigration(ok.state, ok.host, { maxSearchSteps: 50 })
    expect(bounded.compatible).toBe(false)
    expect(bounded.reasons[0]).toMatchObject({ code: 'SEARCH_BOUND', source: 50 })
    expect(bounded.reasons[0]!.message).toContain('refused, since nothing was proved')
  })

  it('the steps grow polynomially: at most 8-fold per doubling of the functions, on both families', () => {
    const grow = (counts: number[]) => counts.slice(1).map((c, x) => c / counts[x]!)
    const distinct = [6, 12, 24, 48].map((k) => {
      const minimum = ((k / 2) * (k / 2 + 1)) / 2
      const plan = compileMigration(accelerators(k, 4096, range(0, k).map((i) => [[i], i + 1] as const)))
      const j = judgeHost(plan, acceleratorHost(range(0, k).map((x) => (x < k / 2 ? 13 : 16)), 4096, [...range(4097, 4096 + minimum), ...range(20000, 21200)]))
      expect(j.compatible).toBe(false)
      return plan.searchSteps()
    })
    const paired = [4, 8, 16, 32].map((k) => {
      const c = pairs(k, 3, (k / 4) * 3)
      const plan = compileMigration(c.state)
      expect(judgeHost(plan, c.host).compatible).toBe(true)
      return plan.searchSteps()
    })
    for (const ratio of [...grow(distinct), ...grow(paired)]) expect(ratio).toBeLessThanOrEqual(8)
  })
})

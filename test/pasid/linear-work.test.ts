/**
 * PASID paths do work proportional to bindings + pool size (issue 12: per-rid remap of 10^6
 * bindings took 125 s, duplicate locals were reported in quadratic time, delegated copied the
 * 128 KiB pool per binding). Counted, not timed: each path reports its steps (loop iterations,
 * bytes scanned or copied) through `countSteps`, on 10^3, 10^4 and 10^5 bindings. Linear work
 * grows tenfold per tenfold input at most; and it stays within a fixed multiple of bindings plus
 * the bytes of the pools (a pool copied per binding would be 10^5 × 128 KiB).
 */
import { describe, expect, it } from 'vitest'
import type { HostPasid } from '../../src/pasid/host-pasid.js'
import { pasidStateFromData } from '../../src/pasid/pasid-files.js'
import { pasidPool } from '../../src/pasid/pasid-pool.js'
import type { PasidMode, PasidState } from '../../src/pasid/pasid-state.js'
import type { Pasid, PasidWidth } from '../../src/pasid/pasid.js'
import { remapPasids } from '../../src/pasid/remap.js'
import { validatePasidState } from '../../src/pasid/validate-state.js'

const W = 20 as PasidWidth
const FUNCTIONS = 4
/** One 2^20-bit pool. */
const POOL_BYTES = (1 << 20) / 8
const SIZES = [1_000, 10_000, 100_000] as const

const host = (): HostPasid => ({
  iommuWidth: W,
  cpuTranslation: true,
  split: 1 << 18,
  // Every other global taken: the lowest free global has to be searched for.
  global: pasidPool(W, Array.from({ length: 1 << 12 }, (_, k) => [(1 << 18) + 2 * k, (1 << 18) + 2 * k + 1] as const)),
  functions: Array.from({ length: FUNCTIONS }, (_, i) => ({ id: `f${i}`, capabilityWidth: W, execute: true, privileged: true, pasidEnabled: true, isVf: false, pool: pasidPool(W, [[1, 1000]]) })),
})

/** `n` bindings (or locals) of `mode` over four functions: PASIDs in descending order, so any order the paths need is made. */
const stateOf = (mode: PasidMode, n: number): PasidState => {
  const functions = Array.from({ length: FUNCTIONS }, (_, i) => ({
    id: `f${i}`,
    capability: { width: W, execute: false, privileged: false },
    enqcmd: i % 2 === 0,
    ...(mode === 'global-per-function' ? { pool: i % 2 === 0 ? ('global' as const) : ('local' as const) } : {}),
  }))
  if (mode === 'global-split') {
    return { mode, split: 1 << 18, functions, locals: Array.from({ length: n }, (_, k) => ({ local: (n - k) as Pasid, functions: k % 3 === 0 ? ['f0', 'f1'] : [`f${k % FUNCTIONS}`] })) }
  }
  // Above the 1,000 the host holds on each function: delegated and local functions keep their PASIDs.
  return { mode, functions, bindings: Array.from({ length: n }, (_, k) => ({ function: `f${k % FUNCTIONS}`, pasid: (1000 + n - k) as Pasid })) }
}

const steps = (run: (count: (s: number) => void) => void): number => {
  let total = 0
  run((s) => {
    total += s
  })
  return total
}

/** Linear: tenfold input, at most about tenfold work; and within `perItem` × n + `perPoolByte` × pool bytes. */
const expectLinear = (counts: readonly number[], poolBytes: number, perItem = 64, perPoolByte = 4): void => {
  expect(counts.every((c) => c > 0)).toBe(true)
  for (let k = 2; k < counts.length; k++) expect(counts[k]! - counts[k - 1]!).toBeLessThanOrEqual(11 * (counts[k - 1]! - counts[k - 2]!))
  SIZES.forEach((n, k) => expect(counts[k]!).toBeLessThanOrEqual(perItem * n + perPoolByte * poolBytes))
}

describe('PASID work grows linearly with bindings', () => {
  it.each(['delegated', 'per-rid', 'global-per-function', 'global-split'] as const)('remapPasids, %s: 10^3..10^5 bindings', (mode) => {
    const h = host()
    const counts = SIZES.map((n) =>
      steps((countSteps) => {
        const r = remapPasids(stateOf(mode, n), h, { countSteps })
        if (r._tag === 'Left' || !r.right.compatible) throw new Error(`the ${mode} scenario must be planned: ${JSON.stringify(r)}`)
      }),
    )
    // The validator's bitmap, the global pool and each function pool: touched at most once each.
    expectLinear(counts, (FUNCTIONS + 2) * POOL_BYTES)
  })

  it('validation reports duplicate locals in linear time (each was looked up from the start)', () => {
    const counts = SIZES.map((n) =>
      steps((countSteps) => {
        const state: PasidState = { mode: 'global-split', split: 64, functions: [{ id: 'a', capability: { width: W, execute: false, privileged: false }, enqcmd: true }], locals: Array.from({ length: n }, () => ({ local: 5 as Pasid, functions: ['a'] })) }
        expect(validatePasidState(state, countSteps)).toHaveLength(101)
      }),
    )
    expectLinear(counts, POOL_BYTES)
  })

  it('decoding a state validates it in linear time', () => {
    const counts = SIZES.map((n) =>
      steps((countSteps) => {
        const data = { apiVersion: 'vpci/v1', kind: 'PasidState', ...stateOf('delegated', n) }
        expect(pasidStateFromData(data, countSteps)._tag).toBe('Right')
      }),
    )
    expectLinear(counts, 0)
  })
})

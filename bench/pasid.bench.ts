/**
 * PASID remapping at scale. Target: a 2^20-wide destination pool, half occupied at random,
 * 100,000 local PASIDs remapped (global-split, ENQCMD) in at most 50 ms on one core, with pool
 * memory at most 2^20/8 bytes plus the range list. Baseline in the same run: copying the
 * 128 KiB bitmap (what any all-or-nothing plan must do at least). Figures: bench/README.md.
 */
import * as E from 'fp-ts/lib/Either.js'
import { bench, describe } from 'vitest'
import type { HostPasid } from '../src/pasid/host-pasid.js'
import { pasidPool } from '../src/pasid/pasid-pool.js'
import type { PasidState } from '../src/pasid/pasid-state.js'
import type { Pasid, PasidWidth } from '../src/pasid/pasid.js'
import { remapPasids } from '../src/pasid/remap.js'

const WIDTH = 20 as PasidWidth
const SPLIT = 1 << 17 // locals [1, 2^17) guest-owned
const LOCALS = 100_000

/** A reproducible half-occupied global range: xorshift32 decides each PASID. */
const occupied = (() => {
  const ranges: Array<[number, number]> = []
  let x = 0x9e3779b9
  for (let p = SPLIT; p < 1 << 20; p++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    if ((x & 1) === 0) continue
    const last = ranges[ranges.length - 1]
    if (last !== undefined && last[1] === p) last[1] = p + 1
    else ranges.push([p, p + 1])
  }
  return ranges
})()

const host: HostPasid = {
  iommuWidth: WIDTH,
  cpuTranslation: true,
  split: SPLIT,
  global: pasidPool(WIDTH, occupied),
  functions: [0, 1, 2, 3].map((i) => ({
    id: `f${i}`,
    capabilityWidth: WIDTH,
    execute: true,
    privileged: true,
    pasidEnabled: true,
    isVf: false,
    pool: pasidPool(WIDTH),
  })),
}

const state: PasidState = {
  mode: 'global-split',
  split: SPLIT,
  functions: [0, 1, 2, 3].map((i) => ({ id: `f${i}`, capability: { width: WIDTH, execute: false, privileged: false }, enqcmd: true })),
  locals: Array.from({ length: LOCALS }, (_, i) => ({ local: (i + 1) as Pasid, functions: [`f${i % 4}`] })),
}

const check = remapPasids(state, host)
if (E.isLeft(check) || !check.right.compatible) throw new Error('bench scenario must be remappable')
// Memory: the global pool is one bitmap of 2^20 bits.
console.log(`global pool bitmap: ${host.global.bits.byteLength} bytes (2^20/8 = ${(1 << 20) / 8}); occupied ranges: ${occupied.length}`)

let sink = 0

describe('remap 100,000 ENQCMD locals onto a half-occupied 2^20 pool', () => {
  bench('baseline: copy the 128 KiB global bitmap', () => {
    sink += host.global.bits.slice()[0]!
  })
  bench('remapPasids (global-split, 4 functions)', () => {
    const r = remapPasids(state, host)
    if (E.isRight(r)) sink += r.right.plan?.map.length ?? 0
  })
})

export { sink }

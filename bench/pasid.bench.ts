/**
 * PASID remapping at scale (figures: bench/README.md). Two tables:
 *
 * 1. 100,000 ENQCMD locals (global-split, 4 functions) onto a 2^20-wide pool half occupied at
 *    random. Target: at most 10× one full scan of the 2^20-bit pool, measured in the same run.
 * 2. 10^6 bindings in each mode (delegated, per-rid, global-per-function; global-split: 500,000
 *    locals on two functions each), on empty 2^20 pools: linear in bindings + pool size.
 *
 * Baselines in the same run: one scan of the 2^20-bit pool (every PASID tested, as any plan
 * that looks for free PASIDs may have to) and a copy of the 128 KiB bitmap (what any
 * all-or-nothing plan must do at least once).
 */
import * as E from 'fp-ts/lib/Either.js'
import { bench, describe } from 'vitest'
import type { HostPasid } from '../src/pasid/host-pasid.js'
import { pasidPool } from '../src/pasid/pasid-pool.js'
import type { PasidMode, PasidState } from '../src/pasid/pasid-state.js'
import type { Pasid, PasidWidth } from '../src/pasid/pasid.js'
import { remapPasids } from '../src/pasid/remap.js'

const WIDTH = 20 as PasidWidth
const SPLIT = 1 << 17 // locals [1, 2^17) guest-owned
const LOCALS = 100_000
const MILLION = 1_000_000

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

const hostOf = (split: number, global: ReturnType<typeof pasidPool>): HostPasid => ({
  iommuWidth: WIDTH,
  cpuTranslation: true,
  split,
  global,
  functions: [0, 1, 2, 3].map((i) => ({ id: `f${i}`, capabilityWidth: WIDTH, execute: true, privileged: true, pasidEnabled: true, isVf: false, pool: pasidPool(WIDTH) })),
})

const halfFull = hostOf(SPLIT, pasidPool(WIDTH, occupied))
const empty = hostOf(1 << 19, pasidPool(WIDTH))

const functionsOf = (mode: PasidMode) =>
  [0, 1, 2, 3].map((i) => ({
    id: `f${i}`,
    capability: { width: WIDTH, execute: false, privileged: false },
    enqcmd: i < 2,
    ...(mode === 'global-per-function' ? { pool: i < 2 ? ('global' as const) : ('local' as const) } : {}),
  }))

const locals100k: PasidState = {
  mode: 'global-split',
  split: SPLIT,
  functions: functionsOf('global-split'),
  locals: Array.from({ length: LOCALS }, (_, i) => ({ local: (i + 1) as Pasid, functions: [`f${i % 4}`] })),
}

/** 10^6 bindings of `mode` over four functions, 250,000 PASIDs each (the global functions of global-per-function share theirs). */
const million = (mode: PasidMode): PasidState =>
  mode === 'global-split'
    ? { mode, split: 1 << 19, functions: functionsOf(mode), locals: Array.from({ length: MILLION / 2 }, (_, i) => ({ local: (i + 1) as Pasid, functions: i % 2 === 0 ? ['f0', 'f2'] : ['f1', 'f3'] })) }
    : { mode, functions: functionsOf(mode), bindings: Array.from({ length: MILLION }, (_, i) => ({ function: `f${i % 4}`, pasid: (1 + (i >> 2)) as Pasid })) }

const MODES: readonly PasidMode[] = ['delegated', 'per-rid', 'global-per-function', 'global-split']
const states = new Map(MODES.map((m) => [m, million(m)]))

for (const [state, host, what] of [[locals100k, halfFull, '100,000 locals'], ...MODES.map((m) => [states.get(m)!, empty, `10^6 ${m}`] as const)] as const) {
  const r = remapPasids(state, host)
  if (E.isLeft(r) || !r.right.compatible) throw new Error(`bench scenario ${what} must be remappable: ${JSON.stringify(E.isLeft(r) ? r.left[0] : r.right.reasons[0])}`)
}
// Memory: the global pool is one bitmap of 2^20 bits.
console.log(`global pool bitmap: ${halfFull.global.bits.byteLength} bytes (2^20/8 = ${(1 << 20) / 8}); occupied ranges: ${occupied.length}`)

let sink = 0
/** One scan of the 2^20-bit pool: every PASID's bit tested. */
const scanPool = (): number => {
  const bits = halfFull.global.bits
  let free = 0
  for (let p = 0; p < 1 << 20; p++) if (((bits[p >>> 3]! >>> (p & 7)) & 1) === 0) free++
  return free
}

describe('remap 100,000 ENQCMD locals onto a half-occupied 2^20 pool', () => {
  bench('baseline: one scan of the 2^20-bit pool', () => {
    sink += scanPool()
  })
  bench('baseline: copy the 128 KiB global bitmap', () => {
    sink += halfFull.global.bits.slice()[0]!
  })
  bench('remapPasids (global-split, 4 functions)', () => {
    const r = remapPasids(locals100k, halfFull)
    if (E.isRight(r)) sink += r.right.plan?.map.length ?? 0
  })
})

describe('remap 10^6 bindings per mode onto empty 2^20 pools', () => {
  bench('baseline: one scan of the 2^20-bit pool', () => {
    sink += scanPool()
  })
  for (const mode of MODES) {
    bench(
      `remapPasids (${mode}${mode === 'global-split' ? ': 500,000 locals × 2 functions' : ''})`,
      () => {
        const r = remapPasids(states.get(mode)!, empty)
        if (E.isRight(r)) sink += r.right.plan?.entries.length ?? 0
      },
      { time: 2000, iterations: 3 },
    )
  }
})

export { sink }

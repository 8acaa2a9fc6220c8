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
import type { PasidMode } from '../src/pasid/pasid-state.js'
import { remapPasids } from '../src/pasid/remap.js'
import { bindingsState, localsState, pasidHost, scanPool as scan } from './cpu/scenarios.js'

const SPLIT = 1 << 17 // locals [1, 2^17) guest-owned
const LOCALS = 100_000
const MILLION = 1_000_000

const halfFull = pasidHost(SPLIT, true)
const empty = pasidHost(1 << 19, false)
const locals100k = localsState(LOCALS, SPLIT)

const MODES: readonly PasidMode[] = ['delegated', 'per-rid', 'global-per-function', 'global-split']
const states = new Map(MODES.map((m) => [m, bindingsState(m, MILLION)]))

for (const [state, host, what] of [[locals100k, halfFull, '100,000 locals'], ...MODES.map((m) => [states.get(m)!, empty, `10^6 ${m}`] as const)] as const) {
  const r = remapPasids(state, host)
  if (E.isLeft(r) || !r.right.compatible) throw new Error(`bench scenario ${what} must be remappable: ${JSON.stringify(E.isLeft(r) ? r.left[0] : r.right.reasons[0])}`)
}
// Memory: the global pool is one bitmap of 2^20 bits.
console.log(`global pool bitmap: ${halfFull.global.bits.byteLength} bytes (2^20/8 = ${(1 << 20) / 8})`)

let sink = 0
/** One scan of the 2^20-bit pool: every PASID's bit tested. */
const scanPool = (): number => scan(halfFull.global.bits)

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

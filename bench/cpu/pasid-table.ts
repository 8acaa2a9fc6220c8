/**
 * PASID remapping (issue 15, item 3), CPU time: 100,000 ENQCMD locals onto a half-occupied
 * 2^20 pool against one scan of its 2^20 bits (target: at most 10×), and 10^6 bindings in each
 * mode on empty pools against the same scan (linear: the growth table holds them to it).
 */
import * as E from 'fp-ts/lib/Either.js'
import type { PasidMode } from '../../src/pasid/pasid-state.js'
import { remapPasids } from '../../src/pasid/remap.js'
import { interleave, table } from './interleave.js'
import { bindingsState, localsState, pasidHost, scanPool } from './scenarios.js'

const SPLIT = 1 << 17
const MODES: readonly PasidMode[] = ['delegated', 'per-rid', 'global-per-function', 'global-split']

const planned = (state: Parameters<typeof remapPasids>[0], host: Parameters<typeof remapPasids>[1]): number => {
  const r = remapPasids(state, host)
  if (E.isLeft(r) || r.right.plan === null) throw new Error('bench scenario must be remappable')
  return r.right.plan.entries.length
}

export const pasidTable = (): void => {
  const halfFull = pasidHost(SPLIT, true)
  const empty = pasidHost(1 << 19, false)
  const locals = localsState(100_000, SPLIT)
  table(
    '100,000 ENQCMD locals (global-split, 4 functions) onto a half-occupied 2^20 pool',
    interleave(
      [
        { name: 'baseline: one scan of the 2^20-bit pool', run: () => scanPool(halfFull.global.bits), times: 10 },
        { name: 'remapPasids', run: () => planned(locals, halfFull), times: 3 },
      ],
      15,
    ),
  )
  const millions = MODES.map((m) => [m, bindingsState(m, 1_000_000)] as const)
  table(
    '10^6 bindings per mode onto empty 2^20 pools (global-split: 500,000 locals on two functions each)',
    interleave([{ name: 'baseline: one scan of the 2^20-bit pool', run: () => scanPool(empty.global.bits), times: 10 }, ...millions.map(([m, s]) => ({ name: `remapPasids, ${m}`, run: () => planned(s, empty) }))], 7),
  )
}

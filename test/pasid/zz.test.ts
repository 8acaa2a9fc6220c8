import { it } from 'vitest'
import { pasidPool } from '../../src/pasid/pasid-pool.js'
import { validatePasidState } from '../../src/pasid/validate-state.js'
import { compilePasids } from '../../src/pasid/compile-pasids.js'
import { remapPasids } from '../../src/pasid/remap.js'
import type { PasidState } from '../../src/pasid/pasid-state.js'
const W = 20 as any
const SPLIT = 1 << 17
const occupied = (() => { const r: Array<[number, number]> = []; let x = 0x9e3779b9; for (let p = SPLIT; p < 1 << 20; p++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; if ((x & 1) === 0) continue; const l = r[r.length - 1]; if (l !== undefined && l[1] === p) l[1] = p + 1; else r.push([p, p + 1]) } return r })()
const host = (split: number, g: any) => ({ iommuWidth: W, cpuTranslation: true, split, global: g, functions: [0, 1, 2, 3].map((i) => ({ id: `f${i}`, capabilityWidth: W, execute: true, privileged: true, pasidEnabled: true, isVf: false, pool: pasidPool(W) })) })
const fns = [0, 1, 2, 3].map((i) => ({ id: `f${i}`, capability: { width: W, execute: false, privileged: false }, enqcmd: true }))
const t = (what: string, f: () => unknown) => { let best = Infinity; for (let k = 0; k < 5; k++) { const s = performance.now(); f(); best = Math.min(best, performance.now() - s) } console.log(what, best.toFixed(1), 'ms') }
it('prof', () => {
  const half = host(SPLIT, pasidPool(W, occupied))
  const st: PasidState = { mode: 'global-split', split: SPLIT, functions: fns, locals: Array.from({ length: 100000 }, (_, i) => ({ local: (i + 1) as any, functions: [`f${i % 4}`] })) }
  t('scan', () => { const b = half.global.bits; let n = 0; for (let p = 0; p < 1 << 20; p++) if (((b[p >>> 3]! >>> (p & 7)) & 1) === 0) n++; return n })
  t('validate 100k', () => validatePasidState(st))
  t('compile 100k', () => compilePasids(st))
  t('remap 100k', () => remapPasids(st, half))
  const del: PasidState = { mode: 'delegated', functions: fns.map(f => ({...f, enqcmd: false})), bindings: Array.from({ length: 1000000 }, (_, i) => ({ function: `f${i % 4}`, pasid: (1 + (i >> 2)) as any })) }
  const empty = host(1 << 19, pasidPool(W))
  t('validate 1M', () => validatePasidState(del))
  t('compile 1M', () => compilePasids(del))
  t('remap 1M', () => remapPasids(del, empty))
})
import { assignGlobals } from '../../src/pasid/assign-globals.js'
import { stableOrder } from '../../src/pasid/stable-order.js'
it('prof2', () => {
  const half = host(SPLIT, pasidPool(W, occupied))
  const demands = Array.from({ length: 100000 }, (_, i) => ({ local: (i + 1) as any, bound: 1 << 20 }))
  t('assignGlobals 100k', () => assignGlobals(half.global, SPLIT, demands))
  const keys = demands.map(d => d.local)
  t('stableOrder 100k', () => stableOrder(keys))
  const m = new Map([['f0', 0], ['f1', 1]]); const ids = Array.from({ length: 1000000 }, (_, i) => `f${i % 2}`)
  t('map get 1M', () => { let s = 0; for (const id of ids) s += m.get(id)!; return s })
  t('set 1M', () => { const s = new Set<number>(); for (let i = 0; i < 1000000; i++) s.add((i & 3) * 2 ** 20 + (i >> 2)); return s })
})

/**
 * Global-split against brute force, on cases small enough to enumerate. The oracle is DESIGN.md
 * §5's rule read literally: the destination takes the state exactly when N' ≥ N, no local is
 * allocated there, ENQCMD has the CPU's translation, every non-ENQCMD function's locals lie below
 * its destination limit (they are programmed as they are), and some injective choice of globals
 * exists — each local a distinct free global in [N', the smallest limit of its functions). The
 * oracle tries every injective choice; it knows nothing of bounds, ordering or counting. How wide
 * the guest was shown PASIDs to be plays no part (that is the layout's business), so guest widths
 * are generated wider than the destination's half the time.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { HostPasid } from '../../src/pasid/host-pasid.js'
import { isAllocated, pasidPool } from '../../src/pasid/pasid-pool.js'
import type { PasidState } from '../../src/pasid/pasid-state.js'
import type { Pasid, PasidWidth } from '../../src/pasid/pasid.js'
import { remapPasids } from '../../src/pasid/remap.js'

const WIDTH = 4 // a 16-PASID space: at most 14 candidate globals per local
const w = (n: number) => n as PasidWidth

const scenario = fc
  .record({
    split: fc.integer({ min: 2, max: 8 }),
    hostSplit: fc.option(fc.integer({ min: 1, max: 10 }), { freq: 8 }),
    cpuTranslation: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    functions: fc.array(
      fc.record({
        guestWidth: fc.integer({ min: 2, max: 5 }),
        hostWidth: fc.oneof({ weight: 3, arbitrary: fc.constant(WIDTH) }, { weight: 3, arbitrary: fc.constant(WIDTH - 1) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: WIDTH }) }),
        enqcmd: fc.boolean(),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    taken: fc.uniqueArray(fc.integer({ min: 1, max: (1 << WIDTH) - 1 }), { maxLength: 10 }),
  })
  .chain((s) =>
    fc.record({
      s: fc.constant(s),
      locals: fc.uniqueArray(
        fc.record({ local: fc.integer({ min: 1, max: s.split - 1 }), functions: fc.uniqueArray(fc.nat({ max: s.functions.length - 1 }), { minLength: 1, maxLength: s.functions.length }) }),
        { selector: (l) => l.local, maxLength: 5 },
      ),
    }),
  )
  .map(({ s, locals }) => {
    // The state is valid: each local below the width its functions were shown.
    const valid = locals.filter((l) => l.functions.every((i) => l.local < 1 << s.functions[i]!.guestWidth))
    const state: PasidState = {
      mode: 'global-split',
      split: s.split,
      functions: s.functions.map((f, i) => ({ id: `f${i}`, capability: { width: w(f.guestWidth), execute: false, privileged: false }, enqcmd: f.enqcmd })),
      locals: valid.map((l) => ({ local: l.local as Pasid, functions: l.functions.map((i) => `f${i}`) })),
    }
    const host: HostPasid = {
      iommuWidth: w(WIDTH),
      cpuTranslation: s.cpuTranslation,
      split: s.hostSplit,
      global: pasidPool(w(WIDTH), s.taken.map((p) => [p, p + 1] as const)),
      functions: s.functions.map((f, i) => ({ id: `f${i}`, capabilityWidth: w(f.hostWidth), execute: true, privileged: true, pasidEnabled: true, isVf: false, pool: pasidPool(w(f.hostWidth)) })),
    }
    return { state, host, hostWidths: s.functions.map((f) => f.hostWidth) }
  })

/** Whether some injective local → global choice keeps every rule: tried exhaustively. */
const oracle = (state: Extract<PasidState, { mode: 'global-split' }>, host: HostPasid, hostWidths: readonly number[]): boolean => {
  if (host.split === null || host.split < state.split) return false
  if (state.locals.some((l) => isAllocated(host.global, l.local))) return false
  if (state.functions.some((f) => f.enqcmd) && !host.cpuTranslation) return false
  const limit = (id: string): number => 1 << hostWidths[Number(id.slice(1))]!
  const byId = new Map(state.functions.map((f) => [f.id, f]))
  if (state.locals.some((l) => l.functions.some((id) => !byId.get(id)!.enqcmd && l.local >= limit(id)))) return false
  const used = new Set<number>()
  const choose = (k: number): boolean => {
    if (k === state.locals.length) return true
    const l = state.locals[k]!
    for (let g = 0; g < 1 << WIDTH; g++) {
      if (g < host.split! || g === 0 || used.has(g) || isAllocated(host.global, g)) continue
      if (l.functions.some((id) => g >= limit(id))) continue
      used.add(g)
      if (choose(k + 1)) return true
      used.delete(g)
    }
    return false
  }
  return choose(0)
}

describe('global-split against brute force', () => {
  it('plans exactly when some injective choice of globals keeps every rule, and its plan is one of them', () => {
    const seen = { yes: 0, no: 0, narrower: 0 }
    fc.assert(
      fc.property(scenario, ({ state, host, hostWidths }) => {
        if (state.mode !== 'global-split') throw new Error('global-split only')
        const r = remapPasids(state, host)
        if (E.isLeft(r)) throw new Error(`generated states are valid: ${JSON.stringify(r.left)}`)
        const exists = oracle(state, host, hostWidths)
        expect(r.right.compatible).toBe(exists)
        if (exists) seen.yes++
        else seen.no++
        if (exists && state.functions.some((f, i) => !f.enqcmd && hostWidths[i]! < f.capability.width && state.locals.some((l) => l.functions.includes(f.id)))) seen.narrower++
        if (r.right.plan === null) return
        const globals = new Set<number>()
        for (const m of r.right.plan.map) {
          const l = state.locals.find((x) => x.local === m.local)!
          expect(globals.has(m.global)).toBe(false)
          globals.add(m.global)
          expect(m.global).toBeGreaterThanOrEqual(host.split!)
          expect(isAllocated(host.global, m.global)).toBe(false)
          for (const id of l.functions) expect(m.global).toBeLessThan(1 << hostWidths[Number(id.slice(1))]!)
        }
        expect(r.right.plan.map.length).toBe(state.locals.length)
      }),
      { numRuns: 3000 },
    )
    expect(seen.yes).toBeGreaterThan(400)
    expect(seen.no).toBeGreaterThan(600)
    // Non-ENQCMD functions on destinations narrower than the guest saw, accepted: the width is not a refusal here.
    expect(seen.narrower).toBeGreaterThan(40)
  })
})

/**
 * deriveCommon over generated sets of related functions (a model and variants that lost a
 * capability, a capacity or feature bits): every function backs the common layout, and each
 * thing given up, put back, fails on the function its note names (`realize` is the oracle).
 * Over unrelated functions (another device each) it never throws and never gives a layout one
 * of them cannot back.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { deriveCommon } from '../../src/layout/derive-common.js'
import { expectSoundAndMaximal } from '../support/common-maximal.js'
import { relatedFunctions, relatedLayouts } from '../support/related-functions.js'
import { physicalFunction } from '../../src/arbitraries/index.js'
import { readU16 } from '../../src/config-space/config-space.js'
import { prepareFunction } from '../../src/semantic/prepared-function.js'

describe('deriveCommon: generated fleets', () => {
  it('is realized by every function and maximal', () => {
    const seen = new Map<string, number>()
    fc.assert(
      fc.property(relatedLayouts(), (layouts) => {
        const fleet = relatedFunctions(layouts).map((physical) => ({ physical }))
        const r = deriveCommon(fleet, { policy: 'none' })
        if (E.isLeft(r)) throw new Error(r.left.map((e) => e.message).join('\n'))
        expectSoundAndMaximal(r.right, fleet)
        for (const n of r.right.notes) seen.set(n.change._tag, (seen.get(n.change._tag) ?? 0) + 1)
      }),
      { numRuns: 40, seed: 1414 },
    )
    // The runs gave things up in each way the generator changes a variant (else the property said little).
    for (const tag of ['CapabilityDropped', 'FieldLowered', 'FeaturesCleared']) expect(seen.get(tag) ?? 0, tag).toBeGreaterThan(2)
  })
})

describe('deriveCommon: unrelated functions', () => {
  it('never throws; when it gives a layout, every function backs it; otherwise it says which function cannot', () => {
    fc.assert(
      fc.property(fc.array(physicalFunction(), { minLength: 2, maxLength: 3 }), fc.boolean(), (dumps, name) => {
        const fleet = dumps.map((d, k) => ({ physical: { ...prepareFunction(d), name: `f${k}` } }))
        const first = fleet[0]!.physical
        // Name the first function's identity, so the derivation goes on to realize the others against it.
        const identity = name ? { vendorId: readU16(first.config, 0), deviceId: readU16(first.config, 2) } : {}
        const r = deriveCommon(fleet, { policy: 'none', identity })
        if (E.isLeft(r)) {
          expect(r.left.length).toBeGreaterThan(0)
          for (const e of r.left) expect(['IDENTITY_DIFFERS', 'NO_COMMON_LAYOUT', 'NOT_A_FUNCTION', 'IMAGE_INCOMPLETE', 'BROKEN_CHAIN', 'NO_FREE_SPACE']).toContain(e.code)
          return
        }
        expectSoundAndMaximal(r.right, fleet)
      }),
      { numRuns: 40, seed: 1415 },
    )
  })
})

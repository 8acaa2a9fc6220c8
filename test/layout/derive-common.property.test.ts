/**
 * deriveCommon over generated sets of related functions (a model and variants that lost a
 * capability, a capacity or feature bits): every function backs the common layout, and each
 * thing given up, put back, fails on the function its note names (`realize` is the oracle).
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { deriveCommon } from '../../src/layout/derive-common.js'
import { expectSoundAndMaximal } from '../support/common-maximal.js'
import { relatedFunctions, relatedLayouts } from '../support/related-functions.js'

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

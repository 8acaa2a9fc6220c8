/**
 * The generator behind the equivalence properties makes what it says: functions whose chains
 * walk without problems into exactly the capabilities it placed, at its lengths.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { walkCapabilities } from '../../src/capability/walk.js'
import { configSpace } from '../../src/config-space/config-space.js'
import { arbitraryFunction } from '../support/arbitrary-function.js'

describe('generated functions', () => {
  it('walk cleanly into the capabilities placed, with the lengths REFERENCE.md gives', () => {
    fc.assert(
      fc.property(arbitraryFunction, (f) => {
        const walk = walkCapabilities(configSpace(f.bytes)!)
        expect(walk.problems).toEqual([])
        expect(walk.capabilities.map((c) => ({ offset: c.offset, id: c.id, length: c.length }))).toEqual(f.capabilities)
      }),
      { numRuns: 500 },
    )
  })
})

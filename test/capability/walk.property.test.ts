/**
 * Properties of the walker over generated images: total on any bytes, and loops reported at the
 * offset they re-enter.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { spaceEnd } from '../../src/capability/capability.js'
import { walkCapabilities } from '../../src/capability/walk.js'
import { configSpace } from '../../src/config-space/config-space.js'
import { endpoint } from '../support/image-builder.js'

/** Random bytes, often with the bits set that make the walkers go deep. */
const image = fc
  .tuple(fc.constantFrom(64, 256, 4096), fc.boolean(), fc.integer({ min: 0, max: 0xff }))
  .chain(([size, walkable, ptr]) =>
    fc.uint8Array({ minLength: size, maxLength: size }).map((bytes) => {
      if (walkable && size >= 256) {
        bytes[0x06]! |= 0x10 // capability list
        bytes[0x0e] = 0 // type 0 header
        bytes[0x34] = ptr | 0x40
        bytes[ptr | 0x40] = 0x10 // a PCI Express capability first, so extended space is walked
      }
      return configSpace(bytes)!
    }),
  )

describe('walk properties', () => {
  it('on any image: terminates, never throws, every capability is where its space allows', () => {
    fc.assert(
      fc.property(image, (space) => {
        const walk = walkCapabilities(space)
        for (const c of walk.capabilities) {
          const [lo, hi] = c.space === 'standard' ? [0x40, 0xfc] : [0x100, 0xffc]
          expect(c.offset).toBeGreaterThanOrEqual(lo)
          expect(c.offset).toBeLessThanOrEqual(hi)
          expect(c.offset % 4).toBe(0)
          expect(c.offset + (c.space === 'standard' ? 2 : 4)).toBeLessThanOrEqual(space.size)
          if (c.offset + c.length > spaceEnd(c.space)) {
            expect(walk.problems).toContainEqual(expect.objectContaining({ code: 'CAP_PAST_END', offset: c.offset }))
          }
        }
        const offsets = walk.capabilities.map((c) => c.offset)
        expect(new Set(offsets).size).toBe(offsets.length)
      }),
      { numRuns: 3000 },
    )
  })

  /** A chain over distinct dword offsets whose last next pointer leads back to chain[back]. */
  const loop = (lo: number, hi: number) =>
    fc
      .uniqueArray(fc.integer({ min: lo / 4, max: hi / 4 }), { minLength: 1, maxLength: 12 })
      .chain((slots) => fc.tuple(fc.constant(slots.map((s) => s * 4)), fc.nat({ max: slots.length - 1 })))

  it('a standard chain made to loop is reported as a loop at the offset it re-enters', () => {
    fc.assert(
      fc.property(loop(0x40, 0xfc), ([chain, back]) => {
        const b = endpoint().u8(0x34, chain[0]!)
        chain.forEach((at, i) => b.cap(at, 0x01, chain[i + 1] ?? chain[back]!))
        const walk = walkCapabilities(b.build())
        expect(walk.capabilities.map((c) => c.offset)).toEqual(chain)
        expect(walk.problems.filter((p) => p.code !== 'CAP_OVERLAP' && p.code !== 'CAP_PAST_END')).toEqual([
          { code: 'CHAIN_LOOP', space: 'standard', offset: chain[back], from: chain[chain.length - 1]! + 1 },
        ])
      }),
    )
  })

  it('an extended chain made to loop is reported as a loop at the offset it re-enters', () => {
    fc.assert(
      fc.property(loop(0x104, 0xffc), ([rest, back]) => {
        const chain = [0x100, ...rest]
        const b = endpoint({})
        chain.forEach((at, i) => b.ecap(at, 0x18, 1, chain[i + 1] ?? chain[back]!))
        const walk = walkCapabilities(b.build())
        expect(walk.capabilities.filter((c) => c.space === 'extended').map((c) => c.offset)).toEqual(chain)
        expect(walk.problems.filter((p) => p.code !== 'CAP_OVERLAP' && p.code !== 'CAP_PAST_END')).toEqual([
          { code: 'CHAIN_LOOP', space: 'extended', offset: chain[back], from: chain[chain.length - 1]! + 2 },
        ])
      }),
    )
  })
})

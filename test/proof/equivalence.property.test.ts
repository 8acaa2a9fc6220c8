/**
 * Properties of layout equivalence over generated functions (test/support/arbitrary-function.ts):
 * an equivalence relation; any read-only bit flipped is refused with a reason covering it; any
 * writable or write-1-to-clear bit flipped is accepted, except an optional bit (writable only
 * where implemented) cleared on the destination; the fast decision agrees with the proof.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decideEquivalence, proveEquivalence } from '../../src/proof/prove-equivalence.js'
import { reasonCovers } from '../../src/proof/reason.js'
import type { PreparedFunction } from '../../src/semantic/prepared-function.js'
import { arbitraryFunction, type GeneratedFunction } from '../support/arbitrary-function.js'
import { preparedImage } from '../support/prepared.js'

const RUNS = { numRuns: 300 }

/** The bit positions (byte × 8 + bit) of `f` inside the header or a capability, split by access. */
const bitsOf = (f: GeneratedFunction, p: PreparedFunction) => {
  const size = p.config.size
  const packed = p.semantic.packed
  const inLayout = (i: number): boolean => i < 0x40 || f.capabilities.some((c) => i >= c.offset && i < c.offset + c.length)
  const readOnly: number[] = []
  const writable: number[] = []
  for (let i = 0; i < size; i++) {
    if (!inLayout(i)) continue
    const w = packed[size + i]! | packed[2 * size + i]!
    for (let bit = 0; bit < 8; bit++) (w & (1 << bit) ? writable : readOnly).push(i * 8 + bit)
  }
  return { readOnly, writable }
}

const flip = (bytes: Uint8Array, bit: number): Uint8Array => {
  const copy = bytes.slice()
  copy[bit >> 3]! ^= 1 << (bit & 7)
  return copy
}

/** A function and one of its bits, drawn from the given class of bits. */
const withBit = (kind: 'readOnly' | 'writable') =>
  arbitraryFunction.chain((f) => {
    const bits = bitsOf(f, preparedImage(f.bytes))[kind]
    return fc.tuple(fc.constant(f), bits.length === 0 ? fc.constant(-1) : fc.constantFrom(...bits))
  })

/** Layout equivalence, symmetric by nature: optional state bits assumed (their direction is tested above). */
const compatible = (a: PreparedFunction, b: PreparedFunction): boolean => proveEquivalence(a, b, { instance: 'refuse', assumeImplemented: true }).compatible

describe('equivalence properties', () => {
  it('reflexive: every function is equivalent to itself, with no reason at all but BAR sizes', () => {
    fc.assert(
      fc.property(arbitraryFunction, (f) => {
        const p = preparedImage(f.bytes)
        const v = proveEquivalence(p, p, { instance: 'refuse' })
        expect(v.compatible).toBe(true)
        expect(v.reasons.map((r) => r.code)).toEqual(['BAR_SIZE_UNKNOWN'])
        expect(decideEquivalence(p, p)).toBe(true)
      }),
      RUNS,
    )
  })

  it('flipping any read-only bit of the header or a capability is refused, with a reason covering that byte', () => {
    fc.assert(
      fc.property(withBit('readOnly'), ([f, bit]) => {
        fc.pre(bit >= 0)
        const v = proveEquivalence(preparedImage(f.bytes), preparedImage(flip(f.bytes, bit)), { instance: 'refuse' })
        expect(v.compatible).toBe(false)
        expect(v.reasons.filter((r) => r.severity === 'error').some((r) => reasonCovers(r, bit >> 3))).toBe(true)
      }),
      RUNS,
    )
  })

  it('flipping any writable or write-1-to-clear bit is accepted, except clearing an optional bit, which is refused as unproven unless assumed', () => {
    fc.assert(
      fc.property(withBit('writable'), ([f, bit]) => {
        fc.pre(bit >= 0)
        const a = preparedImage(f.bytes)
        const b = preparedImage(flip(f.bytes, bit))
        const errors = proveEquivalence(a, b, { instance: 'refuse' }).reasons.filter((r) => r.severity === 'error')
        // The rule (DESIGN.md §4): a bit the spec makes optional, set on the source and 0 on the
        // destination, cannot be proved writable there; every other writable difference is state.
        const at = bit >> 3
        const cleared = ((f.bytes[at]! >> (bit & 7)) & 1) === 1
        const optional = a.semantic.fields.some((x) => x.offset <= at && at < x.offset + x.spec.width && (((x.spec.optional ?? 0) >>> (8 * (at - x.offset))) >> (bit & 7)) & 1)
        if (errors.length > 0) {
          expect(cleared && optional).toBe(true)
          expect(errors.map((r) => r.code)).toEqual(['STATE_UNPROVEN'])
          expect(reasonCovers(errors[0]!, at)).toBe(true)
        }
        expect(decideEquivalence(a, b)).toBe(errors.length === 0)
        const assumed = proveEquivalence(a, b, { instance: 'refuse', assumeImplemented: true })
        expect(assumed.reasons.filter((r) => r.severity === 'error')).toEqual([])
        expect(assumed.certificate!.assumptions.length).toBe(errors.length === 0 ? 1 : 2) // BAR sizes, and the optional bit
        expect(decideEquivalence(a, b, { assumeImplemented: true })).toBe(true)
      }),
      RUNS,
    )
  })

  it('some generated flips clear an optional bit (the exception above is exercised)', () => {
    const unproven = fc.sample(withBit('writable'), { numRuns: 2000, seed: 11 }).filter(([f, bit]) => {
      if (bit < 0) return false
      const a = preparedImage(f.bytes)
      return proveEquivalence(a, preparedImage(flip(f.bytes, bit))).reasons.some((r) => r.code === 'STATE_UNPROVEN')
    })
    expect(unproven.length).toBeGreaterThan(0)
  })

  /** A function and two variants, each a few random bit flips (read-only or not) away. */
  const triple = arbitraryFunction.chain((f) =>
    fc.tuple(
      fc.constant(f),
      fc.array(fc.nat({ max: f.bytes.length * 8 - 1 }), { maxLength: 3 }),
      fc.array(fc.nat({ max: f.bytes.length * 8 - 1 }), { maxLength: 3 }),
      fc.constantFrom(...bitsOf(f, preparedImage(f.bytes)).writable, -1),
    ),
  )

  it('symmetric and transitive, and the fast decision agrees with the proof', () => {
    fc.assert(
      fc.property(triple, ([f, flipsB, flipsC, benign]) => {
        const a = preparedImage(f.bytes)
        const bBytes = flipsB.reduce(flip, benign >= 0 ? flip(f.bytes, benign) : f.bytes)
        const b = preparedImage(bBytes)
        const c = preparedImage(flipsC.reduce(flip, bBytes))
        expect(compatible(a, b)).toBe(compatible(b, a))
        expect(compatible(b, c)).toBe(compatible(c, b))
        if (compatible(a, b) && compatible(b, c)) expect(compatible(a, c)).toBe(true)
        expect(decideEquivalence(a, b, { instance: 'refuse', assumeImplemented: true })).toBe(compatible(a, b))
        expect(decideEquivalence(a, b, { instance: 'refuse' })).toBe(proveEquivalence(a, b, { instance: 'refuse' }).compatible)
      }),
      RUNS,
    )
  })

  it('a serial number that differs is a warning by default and an error when refusing as QEMU does', () => {
    fc.assert(
      fc.property(arbitraryFunction, fc.nat({ max: 63 }), (f, bit) => {
        const dsn = f.capabilities.find((c) => c.id === 0x0003 && c.offset >= 0x100)
        fc.pre(dsn !== undefined)
        const at = dsn!.offset + 4 + (bit >> 3)
        const a = preparedImage(f.bytes)
        const b = preparedImage(flip(f.bytes, at * 8 + (bit & 7)))
        const warned = proveEquivalence(a, b)
        expect(warned.compatible).toBe(true)
        expect(warned.reasons).toContainEqual(expect.objectContaining({ code: 'FIELD_INSTANCE', severity: 'warning' }))
        expect(warned.reasons.find((r) => r.code === 'FIELD_INSTANCE' && reasonCovers(r, at))).toBeDefined()
        expect(compatible(a, b)).toBe(false)
      }),
      { numRuns: 100 },
    )
  })
})

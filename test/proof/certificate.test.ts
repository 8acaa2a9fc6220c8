/**
 * Certificates: they cover every offset, record each obligation's result, verify against the
 * functions they were made from, and stop verifying when either side's layout changes (a
 * read-only bit, a mask, BAR sizes). Writable values are migrated state, not layout: changing
 * them leaves a certificate valid.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { proveEquivalence, verifyCertificate } from '../../src/proof/prove-equivalence.js'
import { arbitraryFunction } from '../support/arbitrary-function.js'
import { preparedCorpus, preparedImage } from '../support/prepared.js'

const flip = (bytes: Uint8Array, bit: number): Uint8Array => {
  const copy = bytes.slice()
  copy[bit >> 3]! ^= 1 << (bit & 7)
  return copy
}

describe('certificates', () => {
  const v1 = preparedCorpus('families/accelerator/v1-host-a.lspci')
  const v2 = preparedCorpus('families/accelerator/v2-host-c.lspci')

  it('obligations cover every offset of the source, each once per field or byte run', () => {
    const cert = proveEquivalence(v1, v2).certificate!
    const covered = new Uint8Array(4096)
    for (const o of cert.obligations) if (o.offset !== null && o.length !== null && o.rule !== 'structure') covered.fill(1, o.offset, o.offset + o.length)
    expect(covered.every((x) => x === 1)).toBe(true)
  })

  it('records which obligations failed: V1 → V2 fails on the PASID width and PRI capacity, warns on the serial', () => {
    const cert = proveEquivalence(v1, v2).certificate!
    const result = (check: string) => cert.obligations.filter((o) => o.check === check).map((o) => [o.scope, o.rule, o.result])
    expect(result('maxPasidWidth')).toEqual([['Process Address Space ID v1 at 0x150', 'capacity', 'failed']])
    expect(result('outstandingPageRequestCapacity')).toEqual([['Page Request Interface v1 at 0x158', 'capacity', 'failed']])
    expect(result('serialLow')).toEqual([['Device Serial Number v1 at 0x168', 'instance', 'warning']])
    expect(result('tableSize')).toEqual([['MSI-X at 0x80', 'identity', 'held']])
    expect(cert.compatible).toBe(false)
    expect(cert.assumptions).toContain('BAR, ROM and VF BAR sizes are equal (unknown on at least one side)')
  })

  it('verifies against the same functions, for any generated pair', () => {
    fc.assert(
      fc.property(arbitraryFunction, fc.nat(), (f, bit) => {
        const a = preparedImage(f.bytes)
        const b = preparedImage(flip(f.bytes, bit % (f.bytes.length * 8)))
        const cert = proveEquivalence(a, b).certificate!
        expect(E.isRight(verifyCertificate(cert, a, b))).toBe(true)
      }),
      { numRuns: 200 },
    )
  })

  it('stops verifying when a read-only bit of either side changes', () => {
    fc.assert(
      fc.property(arbitraryFunction, fc.nat(), fc.boolean(), (f, pick, sourceSide) => {
        const a = preparedImage(f.bytes)
        const size = a.config.size
        const ro = Array.from({ length: size * 8 }, (_, bit) => bit).filter(
          (bit) => !((a.semantic.packed[size + (bit >> 3)]! | a.semantic.packed[2 * size + (bit >> 3)]!) & (1 << (bit & 7))),
        )
        const bit = ro[pick % ro.length]!
        const cert = proveEquivalence(a, a).certificate!
        const changed = preparedImage(flip(f.bytes, bit))
        const result = sourceSide ? verifyCertificate(cert, changed, a) : verifyCertificate(cert, a, changed)
        expect(E.isLeft(result)).toBe(true)
        if (E.isLeft(result)) expect(result.left.map((m) => m.what)).toContain(sourceSide ? 'source digest' : 'destination digest')
      }),
      { numRuns: 200 },
    )
  })

  it('stays valid when only migrated state (a writable bit) changes', () => {
    const cert = proveEquivalence(v1, v1).certificate!
    const layout = v1.config.bytes.slice()
    layout[0x84]! ^= 0x01 // MSI-X Table BIR: read-only, so the layout changed
    expect(E.isLeft(verifyCertificate(cert, v1, preparedImage(layout)))).toBe(true)
    const state = v1.config.bytes.slice()
    state[0x156]! ^= 0x02 // PASID Control: Execute Permission Enable (RW)
    expect(E.isRight(verifyCertificate(cert, v1, preparedImage(state, v1.name)))).toBe(true)
  })

  it('a tampered certificate does not verify', () => {
    const cert = proveEquivalence(v1, v2).certificate!
    const tampered = { ...cert, compatible: true, obligations: cert.obligations.map((o) => ({ ...o, result: 'held' as const })) }
    const result = verifyCertificate(tampered, v1, v2)
    expect(E.isLeft(result) && result.left.map((m) => m.what)).toEqual(['verdict', 'obligations'])
  })
})

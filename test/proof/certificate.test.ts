/**
 * Certificates: they cover every offset, record each obligation's result, verify against the
 * functions they were made from, and stop verifying when either side's layout changes (a
 * read-only bit, a mask, BAR sizes). Writable values are migrated state, not layout: changing
 * them leaves a certificate valid.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { CertificateProblem } from '../../src/proof/certificate.js'
import type { EquivalenceOptions } from '../../src/proof/equivalence-reasons.js'
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
        if (E.isLeft(result)) expect(mismatched(result.left)).toContain(sourceSide ? 'source.digest' : 'destination.digest')
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

  it('a tampered certificate does not verify: each changed field is named', () => {
    const cert = proveEquivalence(v1, v2).certificate!
    const tampered = { ...cert, compatible: true, obligations: cert.obligations.map((o) => ({ ...o, result: 'held' as const })) }
    const result = verifyCertificate(tampered, v1, v2)
    expect(E.isLeft(result)).toBe(true)
    const what = E.isLeft(result) ? mismatched(result.left) : []
    expect(what[0]).toBe('compatible')
    // The obligations that failed or warned (PASID width, PRI capacity, Revision ID, serial, ...), each by its index.
    expect(what.slice(1).every((w) => /^obligations\[\d+\]\.result$/.test(w))).toBe(true)
    expect(what.length - 1).toBe(cert.obligations.filter((o) => o.result !== 'held').length)
  })
})

const mismatched = (problems: readonly CertificateProblem[]): string[] => problems.flatMap((p) => (p._tag === 'CertificateMismatch' ? [p.what] : []))
const malformed = (problems: readonly CertificateProblem[]): string[] => problems.flatMap((p) => (p._tag === 'CertificateMalformed' ? [p.path.join('.')] : []))

/**
 * A certificate is verified whole (issue 11, item 12): decoded with a codec first, so whatever is
 * not a certificate is a typed problem, never a throw and never accepted; then every field it
 * holds is compared with the one re-derived, names, sizes and options included.
 */
describe('certificates are verified whole', () => {
  const a = preparedCorpus('families/accelerator/v1-host-a.lspci')
  const b = preparedCorpus('families/accelerator/v1-host-b.lspci')
  const cert = proveEquivalence(a, b).certificate!
  const problems = (given: unknown, options?: EquivalenceOptions): readonly CertificateProblem[] => {
    const r = verifyCertificate(given, a, b, options)
    return E.isLeft(r) ? r.left : []
  }

  it('what is not a certificate is reported, never accepted, never thrown: {}, null, garbage, the wrong kind', () => {
    expect(malformed(problems({}))).toEqual(['kind', 'version', 'compatible', 'source', 'destination', 'options', 'assumptions', 'obligations'])
    for (const junk of [null, 42, 'garbage', [], [cert], { ...cert, kind: 'vpci/migration-certificate' }, { ...cert, version: 2 }]) {
      expect(() => verifyCertificate(junk, a, b)).not.toThrow()
      expect(malformed(problems(junk)).length).toBeGreaterThan(0)
    }
  })

  it('arrays replaced by index-keyed objects, extra keys and wrong types are malformed', () => {
    const indexKeyed = { ...cert, obligations: Object.fromEntries(cert.obligations.map((o, i) => [String(i), o])) }
    expect(malformed(problems(indexKeyed))).toEqual(['obligations'])
    expect(malformed(problems({ ...cert, assumptions: { 0: cert.assumptions[0] } }))).toEqual(['assumptions'])
    expect(malformed(problems({ ...cert, assumeImplemented: true }))).toEqual(['assumeImplemented'])
    expect(malformed(problems({ ...cert, obligations: cert.obligations.map((o, i) => (i === 3 ? { ...o, result: 'fine' } : o)) }))).toEqual(['obligations.3.result'])
    expect(malformed(problems({ ...cert, source: { ...cert.source, size: '4096' } }))).toEqual(['source.size'])
  })

  it('names, sizes, digests, options, assumptions and every obligation are compared', () => {
    expect(E.isRight(verifyCertificate(cert, a, b))).toBe(true)
    expect(E.isRight(verifyCertificate(JSON.parse(JSON.stringify(cert)), a, b))).toBe(true)
    expect(mismatched(problems({ ...cert, source: { ...cert.source, name: 'another.lspci' } }))).toEqual(['source.name'])
    expect(mismatched(problems({ ...cert, destination: { ...cert.destination, size: 256 } }))).toEqual(['destination.size'])
    expect(mismatched(problems({ ...cert, destination: { ...cert.destination, digest: '0'.repeat(64) } }))).toEqual(['destination.digest'])
    expect(mismatched(problems({ ...cert, assumptions: [] }))).toEqual(['assumptions', 'assumptions[0]'])
    // A dropped obligation: the count, and the first entry that no longer lines up.
    expect(mismatched(problems({ ...cert, obligations: cert.obligations.slice(1) }))).toEqual(['obligations', 'obligations[0]'])
    // The same functions judged under other names: not the certificate's functions.
    const renamed = verifyCertificate(cert, preparedImage(Uint8Array.from(a.config.bytes), 'elsewhere.lspci'), b)
    expect(E.isLeft(renamed) && mismatched(renamed.left)).toEqual(['source.name'])
  })

  it('a changed option does not verify: against the verifier\'s options it is named; under its own, the verdict changes', () => {
    // The serial numbers of host A and host B differ: a warning under instance: warn, an error under refuse.
    expect(cert.compatible).toBe(true)
    const refuse = { ...cert, options: { ...cert.options, instance: 'refuse' as const } }
    expect(mismatched(problems(refuse, { instance: 'warn' }))).toEqual(['options.instance'])
    expect(mismatched(problems(refuse))).toContain('compatible')
    const assumed = { ...cert, options: { ...cert.options, assumeImplemented: true } }
    expect(mismatched(problems(assumed, {}))).toEqual(['options.assumeImplemented'])
    expect(malformed(problems({ ...cert, options: { instance: 'warn' } }))).toEqual(['options.assumeImplemented'])
  })

  it('any JSON value is refused or verified, never thrown', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.constant(cert).chain((c) => fc.constantFrom(...Object.keys(c)).chain((k) => fc.jsonValue().map((v) => ({ ...c, [k]: v }))))), (given) => {
        const r = verifyCertificate(given, a, b)
        if (E.isRight(r)) expect(JSON.stringify(given)).toBe(JSON.stringify(cert))
      }),
      { numRuns: 300 },
    )
  })
})

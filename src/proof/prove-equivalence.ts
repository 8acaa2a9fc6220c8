/**
 * Layout equivalence of two functions: the complete decision whether a guest could tell the
 * destination from the source. `proveEquivalence` gives every reason and a certificate;
 * `decideEquivalence` gives the same answer fast when nothing differs.
 */
import { Buffer } from 'node:buffer'
import * as E from 'fp-ts/lib/Either.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'
import { type Certificate, type CertificateProblem, certificate, certificateMismatch, compareCertificates, decodeCertificate } from './certificate.js'
import { type EquivalenceOptions, equivalenceReasons } from './equivalence-reasons.js'
import type { Reason } from './reason.js'

export interface Verdict {
  /** True when no reason is an error. */
  readonly compatible: boolean
  /** Every reason, errors and warnings, structural first then by offset. */
  readonly reasons: readonly Reason[]
  readonly certificate: Certificate | null
}

/**
 * Proves or refutes that `destination` presents the same config space as `source`: same
 * capability chains, same read-only bytes, same write and write-1-to-clear masks over every
 * offset, same BAR sizes where known. Total: never throws.
 */
export const proveEquivalence = (source: PreparedFunction, destination: PreparedFunction, options: EquivalenceOptions = {}): Verdict => {
  const reasons = equivalenceReasons(source, destination, options)
  return {
    compatible: !reasons.some((r) => r.severity === 'error'),
    reasons,
    certificate: certificate(source, destination, reasons, options),
  }
}

/** Whether a set optional bit of the source reads 0 on the destination (same skeleton: same places). */
const optionalBitsUnproven = (source: PreparedFunction, destination: PreparedFunction): boolean => {
  for (const o of source.optional) if ((source.config.bytes[o.at]! & o.bits & ~destination.config.bytes[o.at]!) !== 0) return true
  return false
}

/**
 * The same answer as `proveEquivalence(...).compatible`, without building reasons when the two
 * semantic images are byte-identical (the common case when filtering many candidates).
 */
export const decideEquivalence = (source: PreparedFunction, destination: PreparedFunction, options: EquivalenceOptions = {}): boolean => {
  const a = source.semantic
  const b = destination.semantic
  if (
    a.size === b.size &&
    a.size !== 64 &&
    (!source.bars.known || !destination.bars.known || source.bars.canonical === destination.bars.canonical) &&
    Buffer.compare(a.packed, b.packed) === 0 &&
    (options.assumeImplemented === true || !optionalBitsUnproven(source, destination))
  ) {
    return true
  }
  return proveEquivalence(source, destination, options).compatible
}

/**
 * Verifies a certificate (any value: a parsed JSON file, say) against `source` and
 * `destination`: decodes it (Left with `CertificateMalformed` problems when it is not an
 * equivalence certificate), re-derives it and compares every field (Left with a
 * `CertificateMismatch` per differing field when a side or the certificate changed). `options`
 * are what the verifier requires; without them the certificate's own are used, and the answer is
 * whether it holds under the options it names. Never throws.
 */
export const verifyCertificate = (
  given: unknown,
  source: PreparedFunction,
  destination: PreparedFunction,
  options?: EquivalenceOptions,
): E.Either<readonly CertificateProblem[], Certificate> => {
  const decoded = decodeCertificate(given)
  if (E.isLeft(decoded)) return decoded
  const derived = proveEquivalence(source, destination, options ?? decoded.right.options).certificate
  return derived === null
    ? E.left([certificateMismatch('certificate', 'a certificate', 'none could be derived')])
    : compareCertificates(decoded.right, derived)
}

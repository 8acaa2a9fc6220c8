/**
 * The certificate of an equivalence judgement: digests of both semantic images, the assumptions
 * made, and every obligation checked (per capability structure, per field, per run of bytes no
 * field describes), each with its rule and result. Together the obligations cover every offset
 * compared. `verifyCertificate` re-derives it from the two functions and reports what changed.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Obligation, ObligationResult } from '../semantic/obligation-plan.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'
import type { EquivalenceOptions } from './equivalence-reasons.js'
import type { Reason } from './reason.js'
import { unprovenAssumption } from './unproven-state.js'

export type { Obligation, ObligationResult } from '../semantic/obligation-plan.js'

export interface Certificate {
  readonly kind: 'vpci/equivalence-certificate'
  readonly version: 1
  readonly compatible: boolean
  readonly source: { readonly name: string; readonly digest: string; readonly size: number }
  readonly destination: { readonly name: string; readonly digest: string; readonly size: number }
  readonly options: { readonly instance: 'warn' | 'refuse'; readonly assumeImplemented: boolean }
  readonly assumptions: readonly string[]
  readonly obligations: readonly Obligation[]
}

const overlaps = (r: Reason, offset: number, length: number): boolean =>
  r.offset !== null && r.length !== null && r.offset < offset + length && offset < r.offset + r.length

/** The result of one planned obligation under these reasons. */
const judge = (o: Obligation, reasons: readonly Reason[]): ObligationResult => {
  if (o.offset === null || o.length === null) return o.result
  let result: ObligationResult = 'held'
  for (const r of reasons) {
    if (o.rule === 'structure') {
      if (r.code.startsWith('CAP_') && r.offset === o.offset) return 'failed'
      continue
    }
    if (r.field !== null && r.field !== o.check && o.check !== 'bytes') continue
    if (!overlaps(r, o.offset, o.length)) continue
    if (r.severity === 'error') return 'failed'
    result = 'warning'
  }
  return result
}

/** Reasons about BAR sizes are judged by the `BARs` obligation only, not by the BAR registers' fields. */
const aboutBarSizes = (r: Reason): boolean => r.code === 'BAR_DIFFERS' || r.code === 'BAR_SIZE_UNKNOWN'

/** The plan of `a` below `limit`, judged by `reasons`, plus what the plan cannot hold. */
const obligations = (a: PreparedFunction, b: PreparedFunction, reasons: readonly Reason[], limit: number): Obligation[] => {
  const layoutReasons = reasons.filter((r) => !aboutBarSizes(r))
  const bars: Obligation = {
    scope: 'BARs',
    offset: null,
    length: null,
    check: 'sizes',
    rule: 'bars',
    result: reasons.some((r) => r.code === 'BAR_DIFFERS') ? 'failed' : a.bars.known && b.bars.known ? 'held' : 'assumed',
  }
  if (layoutReasons.length === 0 && limit >= a.config.size) return [...a.obligations, bars]
  const list: Obligation[] = []
  for (const o of a.obligations) {
    if (o.offset !== null && o.offset >= limit) continue
    const result = judge(o, layoutReasons)
    list.push(result === o.result ? o : { ...o, result })
  }
  for (const r of layoutReasons) {
    if (r.code === 'CAP_ADDED') {
      list.push({ scope: `${r.capability} (destination only)`, offset: r.offset, length: r.length, check: 'structure', rule: 'structure', result: 'failed' })
    }
  }
  list.push(bars)
  return list
}

const assumptions = (a: PreparedFunction, b: PreparedFunction, reasons: readonly Reason[]): string[] => {
  const list: string[] = []
  if (!a.bars.known || !b.bars.known) list.push('BAR, ROM and VF BAR sizes are equal (unknown on at least one side)')
  if (reasons.some((r) => r.code === 'FIELD_INSTANCE' && r.severity === 'warning')) {
    list.push('per-device values (serial numbers) that differ are virtualized by the VMM')
  }
  for (const r of reasons) if (r.code === 'STATE_UNPROVEN' && r.severity === 'warning') list.push(unprovenAssumption(r))
  return list
}

/** The certificate of judging `a` against `b` with these reasons. */
export const certificate = (
  a: PreparedFunction,
  b: PreparedFunction,
  reasons: readonly Reason[],
  options: EquivalenceOptions,
): Certificate => {
  const limit = reasons.some((r) => r.code === 'IMAGE_INCOMPLETE') ? 0 : Math.min(a.config.size, b.config.size)
  return {
    kind: 'vpci/equivalence-certificate',
    version: 1,
    compatible: !reasons.some((r) => r.severity === 'error'),
    source: { name: a.name, digest: a.digest, size: a.config.size },
    destination: { name: b.name, digest: b.digest, size: b.config.size },
    options: { instance: options.instance ?? 'warn', assumeImplemented: options.assumeImplemented === true },
    assumptions: assumptions(a, b, reasons),
    obligations: obligations(a, b, reasons, limit),
  }
}

/** What differs between a certificate and the one re-derived now. */
export interface CertificateMismatch {
  readonly what: string
  readonly expected: string
  readonly actual: string
}

/**
 * Re-derives the certificate from `a` and `b` (with the certificate's own options) and compares:
 * Right with the certificate when everything matches, Left with every mismatch when either
 * function changed or the certificate was altered.
 */
export const compareCertificates = (given: Certificate, derived: Certificate): E.Either<readonly CertificateMismatch[], Certificate> => {
  const mismatches: CertificateMismatch[] = []
  const check = (what: string, expected: unknown, actual: unknown): void => {
    const e = JSON.stringify(expected)
    const x = JSON.stringify(actual)
    if (e !== x) mismatches.push({ what, expected: e, actual: x })
  }
  check('source digest', given.source.digest, derived.source.digest)
  check('destination digest', given.destination.digest, derived.destination.digest)
  check('verdict', given.compatible, derived.compatible)
  check('assumptions', given.assumptions, derived.assumptions)
  if (JSON.stringify(given.obligations) !== JSON.stringify(derived.obligations)) {
    check('obligations', `${given.obligations.length} obligations`, `${derived.obligations.length} obligations, or different results`)
  }
  check('kind and version', [given.kind, given.version], [derived.kind, derived.version])
  return mismatches.length === 0 ? E.right(given) : E.left(mismatches)
}

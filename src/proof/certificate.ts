/**
 * The certificate of an equivalence judgement: digests of both semantic images, the assumptions
 * made, and every obligation checked (per capability structure, per field, per run of bytes no
 * field describes), each with its rule and result. Together the obligations cover every offset
 * compared. `verifyCertificate` re-derives it from the two functions and reports what changed.
 */
import * as E from 'fp-ts/lib/Either.js'
import { capabilityLabel } from '../capability/capability.js'
import { fieldMask, type Rule } from '../capability/field.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'
import type { EquivalenceOptions } from './equivalence-reasons.js'
import { scopeAt } from './function-scope.js'
import type { Reason } from './reason.js'

export type ObligationResult = 'held' | 'failed' | 'warning' | 'assumed'

export interface Obligation {
  /** `header`, `PCI Express at 0x40`, `unclaimed extended space`, `BARs`. */
  readonly scope: string
  readonly offset: number | null
  readonly length: number | null
  /** The field key, `structure`, `bytes` or `sizes`. */
  readonly check: string
  readonly rule: Rule | 'structure' | 'exact' | 'bars'
  readonly result: ObligationResult
}

export interface Certificate {
  readonly kind: 'vpci/equivalence-certificate'
  readonly version: 1
  readonly compatible: boolean
  readonly source: { readonly name: string; readonly digest: string; readonly size: number }
  readonly destination: { readonly name: string; readonly digest: string; readonly size: number }
  readonly options: { readonly instance: 'warn' | 'refuse' }
  readonly assumptions: readonly string[]
  readonly obligations: readonly Obligation[]
}

const overlaps = (r: Reason, offset: number, length: number): boolean =>
  r.offset !== null && r.length !== null && r.offset < offset + length && offset < r.offset + r.length

/** The worst result among reasons touching [offset, offset + length). */
const resultOver = (reasons: readonly Reason[], offset: number, length: number): ObligationResult => {
  let result: ObligationResult = 'held'
  for (const r of reasons) {
    if (!overlaps(r, offset, length)) continue
    if (r.severity === 'error') return 'failed'
    result = 'warning'
  }
  return result
}

/** Obligations for every offset of `a` below `limit`, judged by `reasons`. */
const obligations = (a: PreparedFunction, b: PreparedFunction, reasons: readonly Reason[], limit: number): Obligation[] => {
  const list: Obligation[] = []
  const structural = reasons.filter((r) => r.code.startsWith('CAP_'))
  for (const c of a.walk.capabilities) {
    if (c.offset >= limit) continue
    const failed = structural.some((r) => r.offset === c.offset && r.capability === c.name)
    list.push({ scope: capabilityLabel(c), offset: c.offset, length: c.length, check: 'structure', rule: 'structure', result: failed ? 'failed' : 'held' })
  }
  for (const r of structural) {
    if (r.code === 'CAP_ADDED') list.push({ scope: `${r.capability} (destination only)`, offset: r.offset, length: r.length, check: 'structure', rule: 'structure', result: 'failed' })
  }
  const coverage = new Uint8Array(limit)
  for (const f of a.semantic.fields) {
    if (f.offset + f.spec.width > limit) continue
    const mask = fieldMask(f.spec)
    for (let k = 0; k < f.spec.width; k++) coverage[f.offset + k]! |= (mask >>> (8 * k)) & 0xff
    const result = resultOver(
      reasons.filter((r) => r.field === f.spec.key || r.field === null),
      f.offset,
      f.spec.width,
    )
    list.push({
      scope: f.capability === null ? 'header' : capabilityLabel(f.capability),
      offset: f.offset,
      length: f.spec.width,
      check: f.spec.key,
      rule: f.spec.rule,
      result,
    })
  }
  let start = -1
  for (let i = 0; i <= limit; i++) {
    const open = i < limit && coverage[i] !== 0xff
    const sameScope = start >= 0 && i < limit && scopeAt(a, i).label === scopeAt(a, start).label
    if (start >= 0 && (!open || !sameScope)) {
      list.push({ scope: scopeAt(a, start).label, offset: start, length: i - start, check: 'bytes', rule: 'exact', result: resultOver(reasons, start, i - start) })
      start = -1
    }
    if (open && start < 0) start = i
  }
  const bars = reasons.filter((r) => r.code === 'BAR_DIFFERS' || r.code === 'BAR_SIZE_UNKNOWN')
  list.push({
    scope: 'BARs',
    offset: null,
    length: null,
    check: 'sizes',
    rule: 'bars',
    result: bars.some((r) => r.code === 'BAR_DIFFERS') ? 'failed' : a.bars.known && b.bars.known ? 'held' : 'assumed',
  })
  return list
}

const assumptions = (a: PreparedFunction, b: PreparedFunction, reasons: readonly Reason[]): string[] => {
  const list: string[] = []
  if (!a.bars.known || !b.bars.known) list.push('BAR, ROM and VF BAR sizes are equal (unknown on at least one side)')
  if (reasons.some((r) => r.code === 'FIELD_INSTANCE' && r.severity === 'warning')) {
    list.push('per-device values (serial numbers) that differ are virtualized by the VMM')
  }
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
    options: { instance: options.instance ?? 'warn' },
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

/**
 * The certificate of an equivalence judgement: digests of both semantic images, the assumptions
 * made, and every obligation checked (per capability structure, per field, per run of bytes no
 * field describes), each with its rule and result. Together the obligations cover every offset
 * compared. `verifyCertificate` decodes a certificate from any value (a codec: every field, no
 * other), re-derives it from the two functions and reports every field that differs.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { closedStruct } from '../decode/closed-struct.js'
import { expectedName, firstPerPath } from '../decode/io-ts-path.js'
import { jsonTooDeep, TOO_DEEP } from '../decode/json-depth.js'
import { renderPath } from '../layout/layout-error.js'
import type { Obligation, ObligationResult } from '../semantic/obligation-plan.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'
import type { EquivalenceOptions } from './equivalence-reasons.js'
import type { Reason } from './reason.js'
import { unprovenAssumption } from './unproven-state.js'
import { capabilityLabel } from '../capability/capability.js'
import { relaxedRuns, type UncomparedRun, VMM_POLICY_NAMES, type VmmPolicyName } from '../layout/vmm-policy.js'

export type { Obligation, ObligationResult } from '../semantic/obligation-plan.js'

export interface Certificate {
  readonly kind: 'vpci/equivalence-certificate'
  readonly version: 1
  readonly compatible: boolean
  readonly source: { readonly name: string; readonly digest: string; readonly size: number }
  readonly destination: { readonly name: string; readonly digest: string; readonly size: number }
  /** `vmm` only when one was named (certificates made before it existed verify unchanged). */
  readonly options: { readonly instance: 'warn' | 'refuse'; readonly assumeImplemented: boolean; readonly vmm?: VmmPolicyName }
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
const obligations = (a: PreparedFunction, b: PreparedFunction, reasons: readonly Reason[], limit: number, relaxed: readonly UncomparedRun[]): Obligation[] => {
  const layoutReasons = reasons.filter((r) => !aboutBarSizes(r))
  const bars: Obligation = {
    scope: 'BARs',
    offset: null,
    length: null,
    check: 'sizes',
    rule: 'bars',
    result: reasons.some((r) => r.code === 'BAR_DIFFERS') ? 'failed' : a.bars.known && b.bars.known ? 'held' : 'assumed',
  }
  if (layoutReasons.length === 0 && relaxed.length === 0 && limit >= a.config.size) return [...a.obligations, bars]
  const inRelaxed = (o: Obligation): boolean => o.check === 'bytes' && o.offset !== null && o.length !== null && relaxed.some((r) => o.offset! < r.end && r.start < o.offset! + o.length!)
  const list: Obligation[] = []
  for (const o of a.obligations) {
    if (o.offset !== null && o.offset >= limit) continue
    const judged = judge(o, layoutReasons)
    const result = judged === 'held' && inRelaxed(o) ? 'assumed' : judged
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

/** The runs the named VMM leaves uncompared whose bytes differ: the proof holds only because that VMM does not compare them. */
const relied = (a: PreparedFunction, b: PreparedFunction, options: EquivalenceOptions): UncomparedRun[] =>
  relaxedRuns(options.vmm, a, b).filter((r) => {
    for (let i = r.start; i < r.end; i++) if (a.config.bytes[i] !== b.config.bytes[i]) return true
    return false
  })

const hex = (n: number): string => `0x${n.toString(16)}`

const assumptions = (a: PreparedFunction, b: PreparedFunction, reasons: readonly Reason[], relaxed: readonly UncomparedRun[]): string[] => {
  const list: string[] = []
  for (const r of relaxed) list.push(`${capabilityLabel(r.capability)}, bytes ${hex(r.start)}–${hex(r.end - 1)} differ and are not compared: ${r.why}`)
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
  const relaxed = relied(a, b, options)
  return {
    kind: 'vpci/equivalence-certificate',
    version: 1,
    compatible: !reasons.some((r) => r.severity === 'error'),
    source: { name: a.name, digest: a.digest, size: a.config.size },
    destination: { name: b.name, digest: b.digest, size: b.config.size },
    options: { instance: options.instance ?? 'warn', assumeImplemented: options.assumeImplemented === true, ...(options.vmm === undefined ? {} : { vmm: options.vmm }) },
    assumptions: assumptions(a, b, reasons, relaxed),
    obligations: obligations(a, b, reasons, limit, relaxed),
  }
}

/** A certificate that differs from the one re-derived now: where (`source.digest`, `obligations[12].result`), and both values. */
export interface CertificateMismatch {
  readonly _tag: 'CertificateMismatch'
  readonly what: string
  readonly expected: string
  readonly actual: string
}

/** Input that is not a certificate of the expected kind: where, and why. */
export interface CertificateMalformed {
  readonly _tag: 'CertificateMalformed'
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

/** Why a certificate does not verify: it is not one, or it no longer holds. */
export type CertificateProblem = CertificateMalformed | CertificateMismatch

export const certificateMismatch = (what: string, expected: unknown, actual: unknown): CertificateMismatch => ({
  _tag: 'CertificateMismatch',
  what,
  expected: JSON.stringify(expected) ?? 'nothing',
  actual: JSON.stringify(actual) ?? 'nothing',
})

/** One line for people. */
export const renderCertificateProblem = (p: CertificateProblem): string =>
  p._tag === 'CertificateMalformed'
    ? `${renderPath(p.path) || 'the certificate'}: ${p.message}`
    : `${p.what}: the certificate has ${p.expected}, re-derived ${p.actual}`

const Nullable = <C extends t.Mixed>(c: C) => t.union([c, t.null])

const ObligationCodec = closedStruct({
  scope: t.string,
  offset: Nullable(t.number),
  length: Nullable(t.number),
  check: t.string,
  rule: t.keyof({ identity: null, capacity: null, features: null, state: null, volatile: null, instance: null, structure: null, exact: null, bars: null }),
  result: t.keyof({ held: null, failed: null, warning: null, assumed: null }),
})
const SideCodec = closedStruct({ name: t.string, digest: t.string, size: t.number })

/** The equivalence certificate's shape: every field, no other. */
export const CertificateCodec = closedStruct({
  kind: t.literal('vpci/equivalence-certificate'),
  version: t.literal(1),
  compatible: t.boolean,
  source: SideCodec,
  destination: SideCodec,
  options: closedStruct({ instance: t.keyof({ warn: null, refuse: null }), assumeImplemented: t.boolean }, { vmm: t.keyof(Object.fromEntries(VMM_POLICY_NAMES.map((n) => [n, null])) as Record<VmmPolicyName, null>) }),
  assumptions: t.array(t.string),
  obligations: t.array(ObligationCodec),
})

/** Decodes any value as a certificate of `codec`'s kind: Left with every path that is not. */
export const decodeWith = <A>(codec: t.Type<A, unknown, unknown>, given: unknown): E.Either<readonly CertificateMalformed[], A> => {
  const deep = jsonTooDeep(given)
  if (deep !== null) return E.left([{ _tag: 'CertificateMalformed', path: deep, message: TOO_DEEP }])
  const decoded = codec.decode(given)
  if (E.isRight(decoded)) return decoded
  return E.left(
    firstPerPath(decoded.left).map(({ path, error }) => ({
      _tag: 'CertificateMalformed' as const,
      path,
      message: error.message ?? (error.value === undefined ? `missing; expected ${expectedName(error)}` : `expected ${expectedName(error)}, got ${(JSON.stringify(error.value) ?? 'nothing').slice(0, 40)}`),
    })),
  )
}

/** `given` as an equivalence certificate, or every reason it is not one. */
export const decodeCertificate = (given: unknown): E.Either<readonly CertificateMalformed[], Certificate> => decodeWith(CertificateCodec, given)

/**
 * Every difference between two decoded certificates, by path. Arrays of another length give one
 * mismatch for the length and one for the first element that differs (an entry dropped or
 * added shifts every later index, which would say nothing more).
 */
export const certificateDifferences = (given: unknown, derived: unknown, path: ReadonlyArray<string | number> = []): CertificateMismatch[] => {
  const what = renderPath(path)
  if (Array.isArray(given) && Array.isArray(derived)) {
    if (given.length === derived.length) return given.flatMap((g, i) => certificateDifferences(g, derived[i], [...path, i]))
    const first = given.findIndex((g, i) => JSON.stringify(g) !== JSON.stringify(derived[i]))
    const at = first < 0 ? Math.min(given.length, derived.length) : first
    return [certificateMismatch(what, `${given.length} entries`, `${derived.length} entries`), certificateMismatch(renderPath([...path, at]), given[at], derived[at])]
  }
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
  if (isRecord(given) && isRecord(derived)) {
    const keys = [...new Set([...Object.keys(given), ...Object.keys(derived)])]
    return keys.flatMap((k) => certificateDifferences(given[k], derived[k], [...path, k]))
  }
  return JSON.stringify(given) === JSON.stringify(derived) ? [] : [certificateMismatch(what, given, derived)]
}

/** Right with `given` when it equals the certificate `derived` now in every field, else Left with every mismatch. */
export const compareCertificates = (given: Certificate, derived: Certificate): E.Either<readonly CertificateMismatch[], Certificate> => {
  const mismatches = certificateDifferences(given, derived)
  return mismatches.length === 0 ? E.right(given) : E.left(mismatches)
}

/**
 * `vpci check ... --verify CERT`: reading a saved certificate and saying whether it still holds.
 * The library re-derives and compares (verifyCertificate, verifyMigrationCertificate); this
 * reads the file and prints the outcome. Exit 0 it holds, 1 it does not (each mismatch named),
 * 2 the file is not a certificate of the kind the command line asks for (or cannot be read).
 */
import * as E from 'fp-ts/lib/Either.js'
import { oneLine } from '../decode/one-line.js'
import { renderPath } from '../layout/layout-error.js'
import { type CertificateMalformed, type CertificateProblem, renderCertificateProblem } from '../proof/certificate.js'
import { limitReasons } from '../proof/reason-limit.js'
import { ExitCode, type Failure, failFile, failWith, type Outcome } from './exit.js'
import type { CliIo } from './io.js'
import { readInput, textFrom, wrongKindOf } from './read-input.js'
import { omittedText, REPORT_LINE } from './render-verdict.js'

/** Larger files are not certificates (a 4 KiB function's has a few hundred obligations). */
export const MAX_CERTIFICATE_BYTES = 16 * 1024 * 1024

/** The certificate file parsed as JSON, or why it is not one. */
export const readCertificateFile = async (io: CliIo, path: string): Promise<E.Either<Failure, unknown>> => {
  const input = await readInput(io, path, MAX_CERTIFICATE_BYTES)
  if (E.isLeft(input)) return input
  const text = textFrom(input.right, ['certificate-json'], MAX_CERTIFICATE_BYTES)
  if (E.isLeft(text)) return text
  try {
    return E.right(JSON.parse(text.right))
  } catch (e) {
    return E.left(wrongKindOf(input.right, ['certificate-json']) ?? failFile(path, `not a certificate: not JSON (${e instanceof Error ? e.message : String(e)})`, 'NOT_JSON'))
  }
}

export interface VerificationContext {
  readonly json: boolean
  /** The files the certificate was re-derived from, for the report. */
  readonly from: readonly string[]
  readonly limit: number | null
}

/** Prints whether the certificate at `path` holds; `kind` names what was expected (`an equivalence certificate`). */
export const reportVerification = (io: CliIo, c: VerificationContext, path: string, kind: string, result: E.Either<readonly CertificateProblem[], unknown>): Outcome => {
  if (E.isRight(result)) {
    io.out(c.json ? `${JSON.stringify({ holds: true, mismatches: [] })}\n` : `${oneLine(`HOLDS: ${path} re-derived from ${c.from.join(' and ')}`, REPORT_LINE)}\n`)
    return ExitCode.ok
  }
  const malformed = result.left.filter((p): p is CertificateMalformed => p._tag === 'CertificateMalformed')
  if (malformed.length > 0) {
    return failWith(malformed, (p) => {
      const where = renderPath(p.path)
      return { message: `${path}: not ${kind}: ${renderCertificateProblem(p)}`, file: path, line: null, offset: null, path: where === '' ? null : where, code: 'CERTIFICATE_MALFORMED' }
    })
  }
  const mismatches = result.left.flatMap((p) => (p._tag === 'CertificateMismatch' ? [p] : []))
  const { shown, omitted } = limitReasons(mismatches, c.limit)
  if (c.json) {
    io.out(`${JSON.stringify({ holds: false, mismatches: shown.map((m) => ({ what: m.what, certificate: m.expected, rederived: m.actual })), omittedMismatches: omitted })}\n`)
  } else {
    const lines = [oneLine(`DOES NOT HOLD: ${path} against ${c.from.join(' and ')} (${mismatches.length} mismatch${mismatches.length === 1 ? '' : 'es'})`, REPORT_LINE)]
    for (const m of shown) lines.push(oneLine(`  ${renderCertificateProblem(m)}`, REPORT_LINE))
    lines.push(...omittedText(omitted, 'mismatch', '  '))
    io.out(`${lines.join('\n')}\n`)
  }
  return ExitCode.incompatible
}

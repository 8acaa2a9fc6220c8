/**
 * `vpci check ... --verify CERT`: reading a saved certificate and saying whether it still holds.
 * The library re-derives and compares (verifyCertificate, verifyMigrationCertificate); this
 * reads the file and prints the outcome. Exit 0 it holds, 1 it does not (each mismatch named),
 * 2 the file is not a certificate of the kind the command line asks for (or cannot be read).
 */
import * as E from 'fp-ts/lib/Either.js'
import { type CertificateProblem, renderCertificateProblem } from '../proof/certificate.js'
import { type CliArgs, ExitCode, failInput } from './exit.js'
import type { CliIo } from './io.js'
import { readBounded } from './read-file.js'

/** Larger files are not certificates (a 4 KiB function's has a few hundred obligations). */
export const MAX_CERTIFICATE_BYTES = 16 * 1024 * 1024

/** The certificate file parsed as JSON, or the exit code after one line on stderr. */
export const readCertificateFile = async (io: CliIo, path: string): Promise<E.Either<ExitCode, unknown>> => {
  const read = await readBounded(io, path, MAX_CERTIFICATE_BYTES)
  if (E.isLeft(read)) return E.left(failInput(io, `${path}: ${read.left.message}`))
  try {
    return E.right(JSON.parse(new TextDecoder().decode(read.right)))
  } catch (e) {
    return E.left(failInput(io, `${path}: not a certificate: not JSON (${e instanceof Error ? e.message : String(e)})`))
  }
}

/** Prints whether the certificate at `path` holds; `kind` names what was expected (`an equivalence certificate`). */
export const reportVerification = (io: CliIo, args: CliArgs, path: string, kind: string, result: E.Either<readonly CertificateProblem[], unknown>): ExitCode => {
  if (E.isRight(result)) {
    io.out(args.json ? `${JSON.stringify({ holds: true, mismatches: [] })}\n` : `HOLDS: ${path} re-derived from ${args.positionals.join(' and ')}\n`)
    return ExitCode.ok
  }
  const malformed = result.left.filter((p) => p._tag === 'CertificateMalformed')
  if (malformed.length > 0) {
    const more = malformed.length > 1 ? ` (and ${malformed.length - 1} more)` : ''
    return failInput(io, `${path}: not ${kind}: ${renderCertificateProblem(malformed[0]!)}${more}`)
  }
  const mismatches = result.left.flatMap((p) => (p._tag === 'CertificateMismatch' ? [p] : []))
  if (args.json) {
    io.out(`${JSON.stringify({ holds: false, mismatches: mismatches.map((m) => ({ what: m.what, certificate: m.expected, rederived: m.actual })) })}\n`)
  } else {
    const lines = [`DOES NOT HOLD: ${path} against ${args.positionals.join(' and ')} (${mismatches.length} mismatch${mismatches.length === 1 ? '' : 'es'})`]
    for (const m of mismatches) lines.push(`  ${renderCertificateProblem(m)}`)
    io.out(`${lines.join('\n')}\n`)
  }
  return ExitCode.incompatible
}

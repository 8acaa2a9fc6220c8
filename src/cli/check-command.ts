/**
 * `vpci check SOURCE DESTINATION [--json] [--certificate FILE | --verify FILE] [--instance warn|refuse]`:
 * exact layout equivalence of two physical functions (today's VMMs show the guest each
 * function's own layout). Exit 0 compatible, 1 incompatible, 2 bad input.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Verdict } from '../proof/prove-equivalence.js'
import { proveEquivalence, verifyCertificate } from '../proof/prove-equivalence.js'
import { hex, type Reason } from '../proof/reason.js'
import { prepareFunction } from '../semantic/prepared-function.js'
import { type CliArgs, errorLine, ExitCode, failInput } from './exit.js'
import type { CliIo } from './io.js'
import { loadFunction } from './load-function.js'
import { loadLayout, looksLikeLayout } from './load-layout.js'
import { loadHost } from './load-host.js'
import { looksLikeHost } from './read-host.js'
import { readBounded } from './read-file.js'
import { checkMigration, verifyMigrationCertificate } from '../migrate/check-migration.js'
import { readCertificateFile, reportVerification } from './verify-certificate.js'
import { decodeMigrationState, MAX_STATE_BYTES } from '../state/state-codec.js'
import { type OffsetMapping, realize } from '../layout/realize.js'
import { MAX_LAYOUT_BYTES } from '../layout/layout-yaml.js'
import { decodePersonaMatrix } from '../layout/persona.js'

/** The JSON shape `vpci check --json` promises. */
export const verdictJson = (v: Verdict): unknown => ({
  compatible: v.compatible,
  reasons: v.reasons.map((r) => ({
    code: r.code,
    severity: r.severity,
    capability: r.capability,
    field: r.field,
    offset: r.offset,
    length: r.length,
    source: r.source,
    destination: r.destination,
    message: r.message,
  })),
  certificate: v.certificate,
})

const group = (r: Reason): string =>
  r.code.startsWith('BAR_') ? 'BARs' : (r.capability ?? (r.offset !== null && r.offset < 0x40 ? 'Header' : 'Function'))

const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`

/** The verdict first, then reasons grouped by capability. */
export const verdictText = (v: Verdict, source: string, destination: string): string => {
  const errors = v.reasons.filter((r) => r.severity === 'error').length
  const warnings = v.reasons.length - errors
  const lines = [
    `${v.compatible ? 'COMPATIBLE' : 'INCOMPATIBLE'}: ${source} → ${destination} (${count(errors, 'error')}, ${count(warnings, 'warning')})`,
  ]
  const groups = new Map<string, Reason[]>()
  for (const r of v.reasons) groups.set(group(r), [...(groups.get(group(r)) ?? []), r])
  for (const [name, reasons] of groups) {
    lines.push(`  ${name}:`)
    for (const r of reasons) {
      const where = r.offset === null ? '' : ` [${hex(r.offset)}${r.length !== null && r.length > 1 ? `+${r.length}` : ''}]`
      lines.push(`    ${r.severity} ${r.code}${where}: ${r.message}`)
    }
  }
  if (v.certificate !== null) {
    const c = v.certificate
    lines.push(`certificate: ${c.obligations.length} obligations; source ${c.source.digest.slice(0, 16)}…, destination ${c.destination.digest.slice(0, 16)}…`)
  }
  return `${lines.join('\n')}\n`
}

const mapText = (map: readonly OffsetMapping[]): string =>
  [
    'offset map (virtual → physical):',
    ...map.map((m) => `  ${hex(m.virtualOffset).padEnd(6)} → ${m.physicalOffset === null ? 'emulated' : hex(m.physicalOffset).padEnd(6)}  ${m.capability}${m.physicalOffset !== null && m.physicalOffset !== m.virtualOffset ? ' (moved)' : ''}`),
  ].join('\n') + '\n'

/** `vpci check LAYOUT PHYSICAL [--pf PF]`: can the physical function back the layout? */
const checkLayout = async (io: CliIo, args: CliArgs, layoutPath: string, physicalPath: string): Promise<ExitCode> => {
  const layout = await loadLayout(io, layoutPath)
  if (E.isLeft(layout)) return failInput(io, layout.left)
  const physical = await loadFunction(io, physicalPath, args.device)
  if (E.isLeft(physical)) return failInput(io, physical.left)
  let pf
  if (args.pf !== undefined) {
    const loaded = await loadFunction(io, args.pf, undefined)
    if (E.isLeft(loaded)) return failInput(io, loaded.left)
    pf = prepareFunction(loaded.right)
  }
  let personas
  if (args.personas !== undefined) {
    const read = await readBounded(io, args.personas, MAX_LAYOUT_BYTES)
    if (E.isLeft(read)) return failInput(io, `${args.personas}: ${read.left.message}`)
    const decoded = decodePersonaMatrix(new TextDecoder().decode(read.right), args.personas)
    if (E.isLeft(decoded)) return failInput(io, decoded.left)
    personas = decoded.right
  }
  const result = realize(layout.right, prepareFunction(physical.right), { ...(pf === undefined ? {} : { pf }), ...(personas === undefined ? {} : { personas }) })
  if (E.isLeft(result)) return failInput(io, result.left.map((e) => ({ ...e, file: layoutPath })))
  const r = result.right
  const verdict: Verdict = { compatible: r.compatible, reasons: r.reasons, certificate: null }
  if (args.json) {
    io.out(`${JSON.stringify({ ...(verdictJson(verdict) as object), offsetMap: r.offsetMap })}\n`)
  } else {
    io.out(verdictText(verdict, layoutPath, physicalPath) + (r.offsetMap === null ? '' : mapText(r.offsetMap)))
  }
  return r.compatible ? ExitCode.ok : ExitCode.incompatible
}

/** Writes a certificate as JSON; the exit code when it cannot (one line on stderr), else null. */
const writeCertificate = async (io: CliIo, path: string, certificate: unknown): Promise<ExitCode | null> => {
  try {
    await io.writeFile(path, `${JSON.stringify(certificate, null, 2)}\n`)
    return null
  } catch (e) {
    return failInput(io, `cannot write the certificate to ${path}: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/** `vpci check STATE.pb HOST.yaml`: can the host take the whole VM? */
const checkVm = async (io: CliIo, args: CliArgs, statePath: string, hostPath: string): Promise<ExitCode> => {
  const read = await readBounded(io, statePath, MAX_STATE_BYTES)
  if (E.isLeft(read)) return failInput(io, `${statePath}: ${read.left.message}`)
  const state = decodeMigrationState(read.right)
  if (E.isLeft(state)) return failInput(io, errorLine(statePath, state.left))
  const host = await loadHost(io, hostPath)
  if (E.isLeft(host)) return failInput(io, host.left)
  if (args.verify !== undefined) {
    const given = await readCertificateFile(io, args.verify)
    if (E.isLeft(given)) return given.left
    return reportVerification(io, args, args.verify, 'a migration certificate', verifyMigrationCertificate(given.right, state.right, host.right, { assumeImplemented: args.assumeImplemented }))
  }
  const v = checkMigration(state.right, host.right, { assumeImplemented: args.assumeImplemented })
  if (args.certificate !== undefined) {
    const failed = await writeCertificate(io, args.certificate, v.certificate)
    if (failed !== null) return failed
  }
  if (args.json) {
    const json = verdictJson({ compatible: v.compatible, reasons: v.reasons, certificate: null }) as object
    io.out(`${JSON.stringify({ ...json, certificate: v.certificate, assignment: v.assignment, pasidPlan: v.pasidPlan === null ? null : { map: v.pasidPlan.map, cpuTable: v.pasidPlan.cpuTable, entries: v.pasidPlan.entries } })}\n`)
  } else {
    let text = verdictText({ compatible: v.compatible, reasons: v.reasons, certificate: null }, statePath, hostPath)
    for (const a of v.assignment ?? []) text += `${a.guestAddress} → ${a.hostAddress}\n${mapText(a.offsetMap)}`
    if (v.pasidPlan !== null) text += `PASIDs: ${v.pasidPlan.map.map((m) => `${m.local} → ${m.global}`).join(', ')}\n`
    if (v.certificate !== null) text += `certificate: ${v.certificate.functions.length} functions by digest (${v.certificate.functions.map((f) => `${f.guestAddress} ${f.physicalDigest.slice(0, 12)}…`).join(', ')}), ${v.certificate.assumptions.length} assumptions\n`
    io.out(text)
  }
  return v.compatible ? ExitCode.ok : ExitCode.incompatible
}

export const checkCommand = async (io: CliIo, args: CliArgs): Promise<ExitCode> => {
  if (args.positionals.length !== 2) return failInput(io, 'check takes SOURCE and DESTINATION; see "vpci check --help"')
  if (args.verify !== undefined && args.certificate !== undefined) return failInput(io, 'check: --verify reads a certificate, --certificate writes one; give one of them')
  if (await looksLikeHost(io, args.positionals[1]!)) return checkVm(io, args, args.positionals[0]!, args.positionals[1]!)
  if (await looksLikeLayout(io, args.positionals[0]!)) {
    if (args.verify !== undefined) return failInput(io, 'check: --verify goes with two functions or a state and a host; a layout check has no certificate')
    return checkLayout(io, args, args.positionals[0]!, args.positionals[1]!)
  }
  if (args.pf !== undefined) return failInput(io, 'check: --pf goes with a layout file as the first argument')
  if (args.instance !== undefined && args.instance !== 'warn' && args.instance !== 'refuse') {
    return failInput(io, `check: --instance takes warn or refuse, not "${args.instance}"`)
  }
  const [sourcePath, destinationPath] = args.positionals as [string, string]
  const source = await loadFunction(io, sourcePath, args.device)
  const destination = await loadFunction(io, destinationPath, args.device)
  const errors = [...(E.isLeft(source) ? source.left : []), ...(E.isLeft(destination) ? destination.left : [])]
  if (E.isLeft(source) || E.isLeft(destination)) return failInput(io, errors)
  const options = { instance: args.instance === 'refuse' ? ('refuse' as const) : ('warn' as const), assumeImplemented: args.assumeImplemented }
  if (args.verify !== undefined) {
    const given = await readCertificateFile(io, args.verify)
    if (E.isLeft(given)) return given.left
    return reportVerification(io, args, args.verify, 'an equivalence certificate', verifyCertificate(given.right, prepareFunction(source.right), prepareFunction(destination.right), options))
  }
  const verdict = proveEquivalence(prepareFunction(source.right), prepareFunction(destination.right), options)
  if (args.certificate !== undefined) {
    const failed = await writeCertificate(io, args.certificate, verdict.certificate)
    if (failed !== null) return failed
  }
  io.out(args.json ? `${JSON.stringify(verdictJson(verdict))}\n` : verdictText(verdict, sourcePath, destinationPath))
  return verdict.compatible ? ExitCode.ok : ExitCode.incompatible
}

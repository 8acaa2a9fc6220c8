/**
 * Verdicts as the CLI prints them: JSON (the shapes `--json` promises) and text (the verdict
 * first, then reasons grouped by capability). Both show the first REASON_LIMIT reasons and a
 * count of the rest unless given `limit` null (`--all`), and both take time linear in what they
 * print: one pass to group, one join.
 */
import { oneLine } from '../decode/one-line.js'
import type { OffsetMapping } from '../layout/realize.js'
import type { Verdict } from '../proof/prove-equivalence.js'
import { hex, type Reason } from '../proof/reason.js'
import { limitReasons, omittedLine } from '../proof/reason-limit.js'

/** Report lines are longer than error lines (a reason names capability, field, offset and both values) but bounded all the same. */
export const REPORT_LINE = 1000

/** A reason as `--json` prints it. */
export const reasonJson = (r: Reason) => ({
  code: r.code,
  severity: r.severity,
  capability: r.capability,
  field: r.field,
  offset: r.offset,
  length: r.length,
  source: r.source,
  destination: r.destination,
  message: r.message,
})

/** The first `limit` reasons as JSON and how many were left out. */
export const reasonsJson = (reasons: readonly Reason[], limit: number | null): { reasons: unknown[]; omittedReasons: number } => {
  const { shown, omitted } = limitReasons(reasons, limit)
  return { reasons: shown.map(reasonJson), omittedReasons: omitted }
}

/** The JSON shape `vpci check --json` promises. */
export const verdictJson = (v: Verdict, limit: number | null): unknown => ({
  compatible: v.compatible,
  ...reasonsJson(v.reasons, limit),
  certificate: v.certificate,
})

const group = (r: Reason): string =>
  r.code.startsWith('BAR_') ? 'BARs' : (r.capability ?? (r.offset !== null && r.offset < 0x40 ? 'Header' : 'Function'))

const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`

/** `… and N more reasons (--all lists them)`, or nothing. */
export const omittedText = (omitted: number, what: string, indent: string): string[] => {
  const line = omittedLine(omitted, what)
  return line === null ? [] : [`${indent}${line} (--all lists them)`]
}

const reasonText = (r: Reason): string => {
  const where = r.offset === null ? '' : ` [${hex(r.offset)}${r.length !== null && r.length > 1 ? `+${r.length}` : ''}]`
  return oneLine(`    ${r.severity} ${r.code}${where}: ${r.message}`, REPORT_LINE)
}

/** The verdict first, then reasons grouped by capability. */
export const verdictText = (v: Verdict, source: string, destination: string, limit: number | null): string => {
  let errors = 0
  for (const r of v.reasons) if (r.severity === 'error') errors++
  const warnings = v.reasons.length - errors
  const lines = [
    oneLine(`${v.compatible ? 'COMPATIBLE' : 'INCOMPATIBLE'}: ${source} → ${destination} (${count(errors, 'error')}, ${count(warnings, 'warning')})`, REPORT_LINE),
  ]
  const { shown, omitted } = limitReasons(v.reasons, limit)
  const groups = new Map<string, string[]>()
  for (const r of shown) {
    const name = group(r)
    let members = groups.get(name)
    if (members === undefined) groups.set(name, (members = []))
    members.push(reasonText(r))
  }
  for (const [name, members] of groups) {
    lines.push(oneLine(`  ${name}:`, REPORT_LINE))
    for (const m of members) lines.push(m)
  }
  lines.push(...omittedText(omitted, 'reason', '  '))
  if (v.certificate !== null) {
    const c = v.certificate
    lines.push(`certificate: ${c.obligations.length} obligations; source ${c.source.digest.slice(0, 16)}…, destination ${c.destination.digest.slice(0, 16)}…`)
  }
  return `${lines.join('\n')}\n`
}

/** The virtual → physical offset map, one line per capability. */
export const mapText = (map: readonly OffsetMapping[]): string => {
  const lines = ['offset map (virtual → physical):']
  for (const m of map) {
    const physical = m.physicalOffset === null ? 'emulated' : hex(m.physicalOffset).padEnd(6)
    const moved = m.physicalOffset !== null && m.physicalOffset !== m.virtualOffset ? ' (moved)' : ''
    lines.push(`  ${hex(m.virtualOffset).padEnd(6)} → ${physical}  ${m.capability}${moved}`)
  }
  return `${lines.join('\n')}\n`
}

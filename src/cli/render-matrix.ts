/**
 * A compatibility matrix as the CLI prints it: text (per layout, which functions back it and
 * each refusal's first reason; the first REASON_LIMIT refusals of a layout unless --all), CSV
 * (one row per cell; text fields quoted, and a field that a spreadsheet would run as a formula
 * escaped) and JSON (every cell with its first reason).
 */
import { oneLine } from '../decode/one-line.js'
import type { CompatibilityMatrix, MatrixCell } from '../fleet/compatibility-matrix.js'
import { hex } from '../proof/reason.js'
import { limitReasons } from '../proof/reason-limit.js'
import { omittedText, REPORT_LINE, reasonJson } from './render-verdict.js'

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : /(s|sh|ch|x)$/.test(what) ? 'es' : 's'}`

const firstReason = (c: MatrixCell): string =>
  c.reason === null ? '' : `${c.reason.code}${c.reason.offset === null ? '' : ` [${hex(c.reason.offset)}]`}: ${c.reason.message}`

/** The matrix as text: a count, then per layout the functions that back it and those that do not. */
export const matrixText = (m: CompatibilityMatrix, limit: number | null): string => {
  let backing = 0
  for (const row of m.cells) for (const c of row) if (c.compatible) backing++
  const lines = [`${plural(m.layouts.length, 'layout')} × ${plural(m.functions.length, 'function')}: ${backing} of ${m.layouts.length * m.functions.length} cells back (${plural(m.classesJudged, 'device class')} judged)`]
  m.layouts.forEach((layout, i) => {
    const row = m.cells[i]!
    const backs = m.functions.filter((_, k) => row[k]!.compatible)
    lines.push(oneLine(`${layout}: backed by ${backs.length} of ${m.functions.length}`, REPORT_LINE))
    const shownBacks = limitReasons(backs, limit)
    for (const f of shownBacks.shown) lines.push(oneLine(`  backs    ${f}`, REPORT_LINE))
    lines.push(...omittedText(shownBacks.omitted, 'function that backs it', '  '))
    const refused = m.functions.flatMap((f, k) => (row[k]!.compatible ? [] : [{ f, c: row[k]! }]))
    const shown = limitReasons(refused, limit)
    for (const { f, c } of shown.shown) lines.push(oneLine(`  REFUSED  ${f}: ${firstReason(c)}${c.errors > 1 ? ` (and ${c.errors - 1} more)` : ''}`, REPORT_LINE))
    lines.push(...omittedText(shown.omitted, 'refusal', '  '))
  })
  return `${lines.join('\n')}\n`
}

/** RFC 4180 quoting; a field starting with = + - @ (a spreadsheet formula) gets a leading apostrophe. */
const csvField = (s: string): string => {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

/** One row per cell: layout, function, compatible, errors, warnings, code, offset, reason. */
export const matrixCsv = (m: CompatibilityMatrix): string => {
  const rows = ['layout,function,compatible,errors,warnings,code,offset,reason']
  m.layouts.forEach((layout, i) =>
    m.functions.forEach((f, k) => {
      const c = m.cells[i]![k]!
      rows.push([layout, f, String(c.compatible), String(c.errors), String(c.warnings), c.reason?.code ?? '', c.reason?.offset == null ? '' : hex(c.reason.offset), oneLine(c.reason?.message ?? '', REPORT_LINE)].map(csvField).join(','))
    }),
  )
  return `${rows.join('\r\n')}\r\n`
}

/** `{"layouts","functions","classesJudged","cells":[{"layout","function","compatible","errors","warnings","reason"}]}`. */
export const matrixJson = (m: CompatibilityMatrix): unknown => ({
  layouts: m.layouts,
  functions: m.functions,
  classesJudged: m.classesJudged,
  cells: m.layouts.flatMap((layout, i) =>
    m.functions.map((f, k) => {
      const c = m.cells[i]![k]!
      return { layout, function: f, compatible: c.compatible, errors: c.errors, warnings: c.warnings, reason: c.reason === null ? null : reasonJson(c.reason) }
    }),
  ),
})

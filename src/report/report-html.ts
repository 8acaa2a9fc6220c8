/**
 * A report as one self-contained HTML page (a pure function: data in, text out). Nothing is
 * loaded from anywhere: style and script are inline and the page's Content-Security-Policy
 * allows exactly those two, by hash, and nothing else (no network, no other script, no form).
 * Everything that came from input (file and layout names, dump descriptions, reason messages) is
 * escaped; the data block is JSON with `<` escaped, so no input can end the block or open a tag.
 *
 * A pair report draws each side's config space as a map: the header and every capability a
 * block on the 256-byte / 4 KiB grid (16 bytes a row; stretches with no capability and no
 * non-zero byte folded into one line), differing bytes marked (without colour too: underlined,
 * bold), moved capabilities joined; the reasons listed, each linked to its bytes; the digests.
 * A matrix report is a grid of functions × layouts, each cell its verdict in words and its first
 * reason.
 */
import { createHash } from 'node:crypto'
import type { CompatibilityMatrix } from '../fleet/compatibility-matrix.js'
import { limitReasons, omittedLine } from '../proof/reason-limit.js'
import { REPORT_SCRIPT, REPORT_STYLE } from './report-assets.js'
import { mapped, type PairReport, type ReportSide } from './report-model.js'

/** Text as HTML text or attribute value. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

const hex = (n: number): string => `0x${n.toString(16)}`
const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('base64')

/** JSON safe inside a <script> element: no `<`, and no line separators JavaScript would choke on. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')

const page = (title: string, body: string, data: unknown): string => {
  const csp = `default-src 'none'; style-src 'sha256-${sha256(REPORT_STYLE)}'; script-src 'sha256-${sha256(REPORT_SCRIPT)}'; img-src 'none'; base-uri 'none'; form-action 'none'`
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_STYLE}</style>`,
    '</head>',
    '<body>',
    body,
    `<script type="application/json" id="vpci-data">${scriptJson(data)}</script>`,
    `<script>${REPORT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

const verdictLine = (compatible: boolean, yes: string, no: string, errors: number, warnings: number): string =>
  `<p class="verdict ${compatible ? 'ok' : 'bad'}"><strong>${compatible ? yes : no}</strong> ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}</p>`

/** Per side and byte: 'd' in an error's bytes, 'w' in a warning's only. */
const reasonMarks = (r: PairReport): [Uint8Array, Uint8Array] => {
  const marks: [Uint8Array, Uint8Array] = [new Uint8Array(r.sides[0].bytes.length), new Uint8Array(r.sides[1].bytes.length)]
  for (const x of r.reasons) {
    const level = x.reason.severity === 'error' ? 2 : 1
    x.ranges.forEach((range, s) => {
      if (range === null) return
      for (let i = range[0]; i < range[1]; i++) marks[s]![i] = Math.max(marks[s]![i]!, level)
    })
  }
  return marks
}

/** Block index holding each byte (-1: none), and the blocks starting in each row. */
const blockIndex = (s: ReportSide): Int16Array => {
  const at = new Int16Array(s.bytes.length).fill(-1)
  s.blocks.forEach((b, k) => at.fill(k, b.offset, Math.min(b.offset + b.length, s.bytes.length)))
  return at
}

const sideGrid = (r: PairReport, which: 0 | 1, marks: Uint8Array, moved: ReadonlySet<number>): string => {
  const s = r.sides[which]
  const other = r.sides[1 - which]!
  const owner = blockIndex(s)
  const size = s.bytes.length
  const interesting = (row: number): boolean => {
    for (let i = row * 16; i < row * 16 + 16 && i < size; i++) if (owner[i]! >= 0 || s.bytes[i] !== 0 || marks[i] !== 0) return true
    return false
  }
  const labelCell = (row: number): string => {
    const starting = s.blocks.map((b, k) => [b, k] as const).filter(([b]) => b.offset >= row * 16 && b.offset < row * 16 + 16)
    const spans = starting.map(([b, k]) => `<span class="blk${moved.has(k) ? ' moved' : ''}" id="L${which}-${k}">${which === 0 ? '◀ ' : ''}${escapeHtml(b.label)}${b.kind === 'emulated' ? ' (emulated)' : ''}, ${b.length} bytes${which === 1 ? ' ▶' : ''}</span>`)
    return `<td class="lab">${spans.join('')}</td>`
  }
  const rows: string[] = []
  let gap = -1
  const closeGap = (end: number): void => {
    if (gap < 0) return
    const from = gap * 16
    const to = Math.min(end * 16, size)
    rows.push(`<tr class="gap"><td colspan="18">${hex(from)}–${hex(to - 1)}: no capability, every byte zero (${to - from} bytes)</td></tr>`)
    gap = -1
  }
  const rowsCount = Math.ceil(size / 16)
  for (let row = 0; row < rowsCount; row++) {
    if (!interesting(row)) {
      if (gap < 0) gap = row
      continue
    }
    closeGap(row)
    const cells: string[] = []
    for (let i = row * 16; i < row * 16 + 16 && i < size; i++) {
      const k = owner[i]!
      const block = k < 0 ? null : s.blocks[k]!
      const classes = ['c']
      if (block !== null) classes.push(block.kind === 'header' ? 'kh' : block.kind === 'emulated' ? 'em' : `k${k % 10}`)
      if (block !== null && i === block.offset) classes.push('bs')
      if (marks[i] === 2) classes.push('d')
      else if (marks[i] === 1) classes.push('w')
      else {
        const there = mapped(s.map, i)
        if (there < other.bytes.length && other.bytes[there] !== s.bytes[i]) classes.push('x')
      }
      if (s.bytes[i] === 0 && block === null) classes.push('z')
      cells.push(`<td id="b${which}-${i.toString(16)}" class="${classes.join(' ')}" tabindex="${i === 0 ? 0 : -1}">${s.bytes[i]!.toString(16).padStart(2, '0')}</td>`)
    }
    const offset = `<th scope="row">${(row * 16).toString(16).padStart(3, '0')}</th>`
    rows.push(`<tr>${which === 1 ? labelCell(row) : ''}${offset}${cells.join('')}${which === 0 ? labelCell(row) : ''}</tr>`)
  }
  closeGap(rowsCount)
  const head = Array.from({ length: 16 }, (_, k) => `<th scope="col">${k.toString(16)}</th>`).join('')
  return [
    `<div class="side" id="side${which}">`,
    `<table class="grid" id="g${which}"><caption>${escapeHtml(s.role)}: ${escapeHtml(s.name)} (${size} bytes)</caption>`,
    `<thead><tr>${which === 1 ? '<th>blocks</th>' : ''}<th>offset</th>${head}${which === 0 ? '<th>blocks</th>' : ''}</tr></thead>`,
    `<tbody>${rows.join('\n')}</tbody></table>`,
    '</div>',
  ].join('\n')
}

const reasonsList = (r: PairReport): string => {
  if (r.reasons.length === 0) return '<p>No reasons: nothing differs that a guest could see.</p>'
  const items = r.reasons.map((x, k) => {
    const side = x.ranges[0] !== null ? 0 : 1
    const range = x.ranges[side]
    const link = range === null ? '' : `<a class="jump" href="#b${side}-${range[0].toString(16)}" data-reason="${k}">${hex(range[0])}${range[1] - range[0] > 1 ? `+${range[1] - range[0]}` : ''}</a> `
    const where = x.reason.capability === null ? '' : `${escapeHtml(x.reason.capability)}: `
    return `<li id="reason-${k}">${link}<span class="sev ${x.reason.severity}">${x.reason.severity}</span> <span class="code">${x.reason.code}</span> ${where}${escapeHtml(x.reason.message)}</li>`
  })
  const more = r.omittedReasons === 0 ? '' : `<p>${omittedLine(r.omittedReasons, 'reason')} (--all lists them).</p>`
  return `<ol class="reasons">${items.join('\n')}</ol>${more}`
}

const joinsTable = (r: PairReport): string => {
  const [a, b] = r.sides
  const rows = r.joins.map((j) => {
    const x = a.blocks[j.from]!
    const y = b.blocks[j.to]!
    return `<tr><td>${escapeHtml(x.label)}${x.kind === 'emulated' ? ' (emulated)' : ''}</td><td>${hex(x.offset)}</td><td>${hex(y.offset)}</td><td>${j.moved ? 'moved' : 'same offset'}</td></tr>`
  })
  return `<table class="list"><thead><tr><th>capability</th><th>${escapeHtml(a.role)}</th><th>${escapeHtml(b.role)}</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`
}

const digests = (r: PairReport): string => {
  const [a, b] = r.sides
  const rows = [
    `<tr><th>${escapeHtml(a.role)} semantic digest</th><td class="digest">${a.digest}</td></tr>`,
    `<tr><th>${escapeHtml(b.role)} semantic digest</th><td class="digest">${b.digest}</td></tr>`,
  ]
  const c = r.certificate
  const tail =
    c === null
      ? '<p>A layout check has no certificate; the digests are of the layout as built and of the physical function.</p>'
      : `<p>Certificate: ${c.obligations} obligations checked; options: ${escapeHtml(c.options)}.</p>${c.assumptions.length === 0 ? '<p>No assumptions.</p>' : `<p>Assumptions:</p><ul>${c.assumptions.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>`}`
  return `<table class="list">${rows.join('')}</table>${tail}`
}

const LEGEND =
  '<p class="legend"><span><span class="c d">a5</span>in a reason (error)</span><span><span class="c w">a5</span>in a warning</span><span><span class="c x">a5</span>differs, no reason (writable or volatile)</span><span><span class="c bs">40</span>a block starts</span><span><span class="c em">00</span>emulated</span></p>'

/** The page of a pair report. */
export const pairReportHtml = (r: PairReport): string => {
  const marks = reasonMarks(r)
  const movedFrom = new Set(r.joins.filter((j) => j.moved).map((j) => j.from))
  const movedTo = new Set(r.joins.filter((j) => j.moved).map((j) => j.to))
  const [a, b] = r.sides
  const body = [
    '<header>',
    '<h1>vpci report</h1>',
    `<p class="question">${escapeHtml(r.title)}</p>`,
    verdictLine(r.compatible, r.question === 'equivalence' ? 'COMPATIBLE' : 'REALIZABLE', r.question === 'equivalence' ? 'INCOMPATIBLE' : 'REFUSED', r.errors, r.warnings),
    `<dl class="sides"><dt>${escapeHtml(a.role)}</dt><dd>${escapeHtml(a.name)}</dd><dt>${escapeHtml(b.role)}</dt><dd>${escapeHtml(b.name)}</dd></dl>`,
    '</header>',
    '<main>',
    `<section id="reasons"><h2>Reasons (${r.reasons.length + r.omittedReasons})</h2>${reasonsList(r)}</section>`,
    `<section id="config-space"><h2>Config space</h2>${LEGEND}<div class="maps">${sideGrid(r, 0, marks[0], movedFrom)}<svg class="joins" id="joins" aria-hidden="true"></svg>${sideGrid(r, 1, marks[1], movedTo)}</div></section>`,
    `<section id="offset-map"><h2>Capabilities on both sides</h2>${joinsTable(r)}</section>`,
    `<section id="digests"><h2>Digests</h2>${digests(r)}</section>`,
    '</main>',
    '<aside id="inspector" aria-live="polite">Hover over or focus a byte to see its field and both values.</aside>',
  ].join('\n')
  const side = (s: ReportSide) => ({ role: s.role, name: s.name, hex: Array.from(s.bytes, (x) => x.toString(16).padStart(2, '0')).join(''), labels: s.fieldLabels, at: Array.from(s.fieldAt), map: s.map })
  const data = { sides: [side(a), side(b)], reasons: r.reasons.map((x) => ({ ranges: x.ranges })), joins: r.joins.filter((j) => j.moved).map((j) => [j.from, j.to]) }
  return page(`vpci report: ${r.compatible ? (r.question === 'equivalence' ? 'compatible' : 'realizable') : r.question === 'equivalence' ? 'incompatible' : 'refused'} — ${a.name} / ${b.name}`, body, data)
}

/** The page of a compatibility matrix: functions × layouts, at most `limit` functions (null: all). */
export const matrixReportHtml = (m: CompatibilityMatrix, limit: number | null): string => {
  const { shown, omitted } = limitReasons(m.functions.map((f, k) => [f, k] as const), limit)
  let backing = 0
  for (const row of m.cells) for (const c of row) if (c.compatible) backing++
  const head = m.layouts.map((l) => `<th scope="col">${escapeHtml(l)}</th>`).join('')
  const rows = shown.map(([f, k]) => {
    const cells = m.layouts.map((_, i) => {
      const c = m.cells[i]![k]!
      const why = c.reason === null ? '' : `${c.reason.code}: ${c.reason.message}`
      const extra = c.compatible ? (c.warnings > 0 ? ` (${c.warnings} warning${c.warnings === 1 ? '' : 's'})` : '') : c.errors > 1 ? ` (and ${c.errors - 1} more)` : ''
      return `<td class="${c.compatible ? 'yes' : 'no'}" title="${escapeHtml(why)}"><span class="v">${c.compatible ? '✓ backs' : '✗ refused'}</span>${why === '' ? '' : `<span class="why">${escapeHtml(why)}${extra}</span>`}</td>`
    })
    return `<tr><th scope="row">${escapeHtml(f)}</th>${cells.join('')}</tr>`
  })
  const body = [
    '<header>',
    '<h1>vpci report</h1>',
    '<p class="question">Which function can back which layout?</p>',
    `<p class="verdict ${backing > 0 ? 'ok' : 'bad'}"><strong>${backing} of ${m.layouts.length * m.functions.length} cells back</strong> ${m.layouts.length} layout${m.layouts.length === 1 ? '' : 's'} × ${m.functions.length} function${m.functions.length === 1 ? '' : 's'}; ${m.classesJudged} device class${m.classesJudged === 1 ? '' : 'es'} judged</p>`,
    '</header>',
    '<main>',
    `<section id="matrix"><h2>Matrix</h2><table class="matrix"><thead><tr><th scope="col">function \\ layout</th>${head}</tr></thead><tbody>${rows.join('\n')}</tbody></table>${omitted === 0 ? '' : `<p>${omittedLine(omitted, 'function')} (--all lists them).</p>`}</section>`,
    '</main>',
  ].join('\n')
  return page(`vpci report: ${m.layouts.length} layouts × ${m.functions.length} functions`, body, { sides: [], reasons: [], joins: [] })
}

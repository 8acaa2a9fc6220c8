/**
 * A host as a host file (YAML, `kind: Host`), in the plain style the host file reader takes at
 * any size: what `vpci host decode` and `vpci host scan` write. The first line names the file's
 * JSON Schema for editors; notes (what a scan noticed) become comments above what they describe.
 * Embedded functions are written embedded (an image as lspci's hex rows with its name and
 * resources; a layout inline), so the file carries everything the message did. Ranges are
 * written as the pools hold them (sorted, merged, PASID 0 left out), sixteen to a line.
 * `decodeHostFile` reads back the same host.
 */
import type { Resource } from '../dump/sysfs-resource.js'
import { formatLspci } from '../dump/lspci-format.js'
import type { Persona } from '../layout/function-layout.js'
import { encodeLayout } from '../layout/layout-yaml.js'
import type { PasidRanges } from '../pasid/pasid-ranges.js'
import { schemaModeline } from '../decode/schema-modeline.js'
import type { HostFunctionSpec, HostSpec } from './host-spec.js'

/** The file name of the host file's JSON Schema. */
export const HOST_SCHEMA_FILE = 'host.schema.json'

/** Comment lines a host file carries. */
export interface HostFileNotes {
  /** At the top, under the schema line. */
  readonly note?: readonly string[]
  /** Above each function's entry, in the order of the host's functions. */
  readonly functionNotes?: ReadonlyArray<readonly string[]>
  /** Above the `pasid` section. */
  readonly pasidNote?: readonly string[]
}

/** A host and the comments its file carries. */
export type HostFileData = HostSpec & HostFileNotes

/**
 * A string as a YAML double-quoted scalar the plain reader takes: JSON's escapes (which YAML
 * reads the same), and `\uXXXX` for every character the plain style does not carry as it is.
 */
const q = (s: string): string => JSON.stringify(s).replace(/[\x7f-\xa0\u2000-\u200b\u2028\u2029\ud800-\udfff\ufeff-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
const size = (n: bigint): string => (n <= BigInt(Number.MAX_SAFE_INTEGER) ? `0x${n.toString(16)}` : q(`0x${n.toString(16)}`))
/** Notes as comment lines (a note of several lines gives several), every character the plain style does not carry as it is written as `\uXXXX`. */
const comments = (notes: readonly string[] | undefined, indent: string, lines: string[]): void => {
  for (const note of notes ?? []) for (const l of note.split('\n')) lines.push(`${indent}# ${l.replace(/[^\x20-\x7e\xa1-\u1fff\u200c-\u2027\u202a-\ud7ff\ue000-\ufefe]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}`.trimEnd())
}
const persona = (p: Persona): string => `{ family: ${q(p.family)}, hardwareVersion: ${q(p.hardwareVersion)}, firmware: ${q(p.firmware)}, migrationStreams: [${p.migrationStreams.join(', ')}] }`
const resource = (r: Resource): string => `{ index: ${r.index}, kind: ${r.kind}, size: ${size(r.size)}, prefetchable: ${r.prefetchable}, is64Bit: ${r.is64Bit} }`

/** `[[a, b], ...]`, sixteen ranges to a line, continuation lines at `indent`. */
const ranges = (pool: PasidRanges, indent: number): string => {
  const parts: string[] = []
  for (let k = 0; k < pool.ranges.length; k += 3) {
    const start = Math.max(1, pool.ranges[k]!)
    const end = pool.ranges[k + 1]!
    if (end > start) parts.push(`[${start}, ${end}]`)
  }
  const lines: string[] = []
  for (let i = 0; i < parts.length; i += 16) lines.push(parts.slice(i, i + 16).join(', '))
  return `[${lines.join(`,\n${' '.repeat(indent)}`)}]`
}

/** Adds the function's lines to `lines` (one by one: a host's lines may outnumber any argument list). */
const functionLines = (f: HostFunctionSpec, note: readonly string[] | undefined, lines: string[]): void => {
  comments(note, '  ', lines)
  lines.push(`  - address: ${q(f.address)}`)
  const s = f.source
  if (s.kind === 'image') {
    lines.push('    image:')
    if (s.name !== null) lines.push(`      name: ${q(s.name)}`)
    lines.push('      config:')
    for (const row of formatLspci(s.config, null).trimEnd().split('\n')) lines.push(`        - ${q(row)}`)
    if (s.resources !== null) {
      lines.push(s.resources.entries.length === 0 ? '      resources: []' : '      resources:')
      for (const r of s.resources.entries) lines.push(`        - ${resource(r)}`)
    }
  } else if (s.kind === 'inline-layout') {
    lines.push('    layout:')
    // Without the layout file's schema line (and the blank line under it): this is no layout file.
    const text = encodeLayout(s.layout).trimEnd().split('\n')
    let first = 0
    while (first < text.length && (text[first]!.startsWith('#') || text[first] === '')) first++
    for (const l of text.slice(first)) lines.push(l === '' ? l : `      ${l}`)
  } else lines.push(`    ${s.kind}: ${q(s.path)}`)
  if (f.persona !== null) lines.push(`    persona: ${persona(f.persona)}`)
  if (f.pf !== null) lines.push(`    pf: ${q(f.pf)}`)
  lines.push(`    free: ${f.free}`)
}

/** The host as a host file's text, with its notes as comments. */
export const encodeHostFile = (host: HostFileData): string => {
  const lines = [`#${schemaModeline(HOST_SCHEMA_FILE)}`]
  comments(host.note, '', lines)
  lines.push('apiVersion: vpci/v1', 'kind: Host', 'metadata:', `  name: ${q(host.name)}`)
  lines.push(host.functions.length === 0 ? 'functions: []' : 'functions:')
  host.functions.forEach((f, i) => functionLines(f, host.functionNotes?.[i], lines))
  const p = host.pasid
  if (p !== null) {
    comments(host.pasidNote, '', lines)
    lines.push('pasid:', `  iommuWidth: ${p.iommuWidth}`, `  cpuTranslation: ${p.cpuTranslation}`, `  split: ${p.split ?? 'null'}`, `  globalAllocated: ${ranges(p.global, 4)}`)
    lines.push(p.functions.length === 0 ? '  functions: []' : '  functions:')
    for (const f of p.functions) {
      lines.push(`    - id: ${q(f.id)}`, `      capabilityWidth: ${f.capabilityWidth}`, `      execute: ${f.execute}`, `      privileged: ${f.privileged}`)
      lines.push(`      pasidEnabled: ${f.pasidEnabled}`, `      vf: ${f.isVf}`, `      allocated: ${ranges(f.pool, 8)}`)
    }
  }
  return `${lines.join('\n')}\n`
}

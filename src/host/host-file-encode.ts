/**
 * A host as a host file (YAML, `kind: Host`), in the plain style the host file reader takes at
 * any size: what `vpci host decode` writes. Embedded functions are written embedded (an image as
 * lspci's hex rows with its resources; a layout inline), so the file carries everything the
 * message did. Ranges are written as the pools hold them (sorted, merged, PASID 0 left out),
 * sixteen to a line. `decodeHostFile` reads back the same host.
 */
import type { Resource } from '../dump/sysfs-resource.js'
import { formatLspci } from '../dump/lspci-format.js'
import type { Persona } from '../layout/function-layout.js'
import { encodeLayout } from '../layout/layout-yaml.js'
import type { PasidRanges } from '../pasid/pasid-ranges.js'
import type { HostFunctionSpec, HostSpec } from './host-spec.js'

/**
 * A string as a YAML double-quoted scalar the plain reader takes: JSON's escapes (which YAML
 * reads the same), and `\uXXXX` for every character the plain style does not carry as it is.
 */
const q = (s: string): string => JSON.stringify(s).replace(/[\x7f-\xa0\u2000-\u200b\u2028\u2029\ud800-\udfff\ufeff-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
const size = (n: bigint): string => (n <= BigInt(Number.MAX_SAFE_INTEGER) ? `0x${n.toString(16)}` : q(`0x${n.toString(16)}`))
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
const functionLines = (f: HostFunctionSpec, lines: string[]): void => {
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
    for (const l of encodeLayout(s.layout).trimEnd().split('\n')) lines.push(l === '' ? l : `      ${l}`)
  } else lines.push(`    ${s.kind}: ${q(s.path)}`)
  if (f.persona !== null) lines.push(`    persona: ${persona(f.persona)}`)
  if (f.pf !== null) lines.push(`    pf: ${q(f.pf)}`)
  lines.push(`    free: ${f.free}`)
}

/** The host as a host file's text. */
export const encodeHostFile = (host: HostSpec): string => {
  const lines = ['apiVersion: vpci/v1', 'kind: Host', 'metadata:', `  name: ${q(host.name)}`]
  lines.push(host.functions.length === 0 ? 'functions: []' : 'functions:')
  for (const f of host.functions) functionLines(f, lines)
  const p = host.pasid
  if (p !== null) {
    lines.push('pasid:', `  iommuWidth: ${p.iommuWidth}`, `  cpuTranslation: ${p.cpuTranslation}`, `  split: ${p.split ?? 'null'}`, `  globalAllocated: ${ranges(p.global, 4)}`)
    lines.push(p.functions.length === 0 ? '  functions: []' : '  functions:')
    for (const f of p.functions) {
      lines.push(`    - id: ${q(f.id)}`, `      capabilityWidth: ${f.capabilityWidth}`, `      execute: ${f.execute}`, `      privileged: ${f.privileged}`)
      lines.push(`      pasidEnabled: ${f.pasidEnabled}`, `      vf: ${f.isVf}`, `      allocated: ${ranges(f.pool, 8)}`)
    }
  }
  return `${lines.join('\n')}\n`
}

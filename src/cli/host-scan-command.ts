/**
 * `vpci host scan`: the host file of the machine it runs on (or of a sysfs tree), from sysfs:
 * its PCI functions, which are free for assignment, their PFs and personas, and the PASID side
 * the IOMMU and CPU publish; with `--embed`, each function's image and BARs carried in the file
 * (`image: {name, config, resources}`, as `vpci host encode` embeds them). Warnings (short
 * config reads, unviable IOMMU groups, values sysfs cannot show) go to stderr, one line each;
 * the host file to `-o` or stdout. `host-command.ts` declares it as a form of `vpci host`.
 */
import { hostname } from 'node:os'
import { resolve } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { nodeSysfsReader } from '../capture/node-sysfs-reader.js'
import { renderScanWarning } from '../capture/scan-problem.js'
import { FUNCTION_NAME, scanHost } from '../capture/scan-host.js'
import { oneLine } from '../decode/one-line.js'
import { scannedHostFile } from '../capture/scanned-host.js'
import { encodeHostFile } from '../host/host-file-encode.js'
import type { PersonaMatrix } from '../layout/persona.js'
import type { PasidRange } from '../pasid/pasid-pool.js'
import { loadPersonas } from './load-personas.js'
import type { OptionSpec, OptionValues } from './command.js'
import { ExitCode, fail, type Outcome } from './exit.js'
import type { CliIo } from './io.js'
import { writeOutput } from './output.js'

/** `5e:00.0` → `0000:5e:00.0`; null unless it names a function. */
const bdf = (text: string): string | null => {
  const full = /^[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$/.test(text) ? `0000:${text}` : text
  const lower = full.toLowerCase()
  return FUNCTION_NAME.test(lower) ? lower : null
}

const bdfList = (text: string | undefined, option: string): string[] | string | undefined => {
  if (text === undefined) return undefined
  const parts = text.split(',').map((s) => s.trim())
  const bad = parts.find((p) => bdf(p) === null)
  return bad === undefined ? parts.map((p) => bdf(p)!) : `host scan: --${option} takes functions like 0000:5e:00.0 or 5e:00.0, not "${bad}"`
}

const NUMBER = /^(0x[0-9a-fA-F]+|[0-9]+)$/

/** `64-100,101-200` as [start, end) ranges inside [1, 2^20), or null. */
const pasidRangesOf = (text: string): PasidRange[] | null => {
  if (text === 'none') return []
  const parts = text.split(',').map((p) => p.trim().split('-'))
  if (parts.some((p) => p.length !== 2 || !NUMBER.test(p[0]!) || !NUMBER.test(p[1]!))) return null
  const ranges = parts.map((p): PasidRange => [Number(p[0]), Number(p[1])])
  return ranges.every(([s, e]) => s >= 1 && s < e && e <= 1 << 20) ? ranges : null
}

/** The options only `host scan` takes. */
export const SCAN_OPTIONS = {
  sysfs: { type: 'string', value: 'ROOT', help: 'scan: the sysfs mount to read (default /sys): ROOT/bus/pci/devices, ROOT/class/iommu' },
  name: { type: 'string', value: 'NAME', help: "scan: the host's name in the file (default: this machine's hostname)" },
  device: { type: 'string', value: 'BDF,...', help: 'scan: only these functions (DDDD:BB:DD.F or BB:DD.F); a VF brings its PF' },
  vendor: { type: 'string', value: 'VID[:DID]', help: 'scan: only functions of this vendor (and device), hex: 8086 or 8086:0b25' },
  personas: { type: 'string', value: 'FILE', help: 'scan: a persona matrix (kind: PersonaMatrix): each function gets the persona of its\nvendor, device, revision and (where the entry names one) subsystem' },
  cpuinfo: { type: 'string', value: 'FILE', help: 'scan: where the CPU flags are (default /proc/cpuinfo): ENQCMD' },
  'in-use': { type: 'string', value: 'BDF,...', help: 'scan: functions a VMM holds: listed, never free' },
  'pasid-allocated': {
    type: 'string',
    value: 'RANGES',
    help: 'scan: global PASIDs already allocated, as START-END ranges (end exclusive), or none;\nsysfs cannot show them: without this option all are written as allocated',
  },
  'cpu-translation': { type: 'boolean', help: 'scan: the CPU translates ENQCMD PASIDs (guest local → host global); sysfs cannot\nshow it (default: no)' },
  split: { type: 'string', value: 'N', help: "scan: the global PASID allocator's split: guests own [1, N) (default: none)" },
  embed: { type: 'boolean', help: "scan: carry each function's config image and BARs in the file instead of its sysfs\npath, so the file can travel to a scheduler" },
} as const satisfies Readonly<Record<string, OptionSpec>>

export type ScanOptions = OptionValues<typeof SCAN_OPTIONS> & { readonly output: string | undefined }

export const hostScan = async (io: CliIo, positionals: readonly string[], v: ScanOptions): Promise<Outcome> => {
  if (positionals.length > 0) return fail(`host scan takes no positional arguments (got "${positionals[0]}"); see "vpci host --help"`)
  const devices = bdfList(v.device, 'device')
  const inUse = bdfList(v['in-use'], 'in-use')
  if (typeof devices === 'string') return fail(devices)
  if (typeof inUse === 'string') return fail(inUse)
  if (devices !== undefined && v.vendor !== undefined) return fail('host scan: give --device or --vendor, not both')
  let vendor: { vendorId: number; deviceId?: number } | undefined
  if (v.vendor !== undefined) {
    const m = /^(?:0x)?([0-9a-fA-F]{1,4})(?::(?:0x)?([0-9a-fA-F]{1,4}))?$/.exec(v.vendor)
    if (m === null) return fail(`host scan: --vendor takes VID or VID:DID in hex (8086, 8086:0b25), not "${v.vendor}"`)
    vendor = m[2] === undefined ? { vendorId: parseInt(m[1]!, 16) } : { vendorId: parseInt(m[1]!, 16), deviceId: parseInt(m[2], 16) }
  }
  const allocated = v['pasid-allocated'] === undefined ? undefined : pasidRangesOf(v['pasid-allocated'])
  if (allocated === null) return fail(`host scan: --pasid-allocated takes none or ranges like 64-100,101-200 (end exclusive, within 1 to 2^20), not "${v['pasid-allocated']}"`)
  const split = v.split === undefined ? undefined : NUMBER.test(v.split) && Number(v.split) >= 1 && Number(v.split) <= 1 << 20 ? Number(v.split) : null
  if (split === null) return fail(`host scan: --split takes a PASID from 1 to 2^20, not "${v.split}"`)
  let personas: PersonaMatrix | undefined
  if (v.personas !== undefined) {
    const loaded = await loadPersonas(io, v.personas)
    if (E.isLeft(loaded)) return loaded.left
    personas = loaded.right
  }
  const scan = await scanHost(nodeSysfsReader, {
    // Absolute: the host file names each function's folder, wherever the file is read.
    root: resolve(v.sysfs ?? '/sys'),
    name: v.name ?? hostname(),
    ...(devices === undefined ? {} : { devices }),
    ...(vendor === undefined ? {} : { vendor }),
    ...(personas === undefined ? {} : { personas }),
    ...(inUse === undefined ? {} : { inUse }),
    cpuinfo: v.cpuinfo ?? '/proc/cpuinfo',
    pasid: { ...(allocated === undefined ? {} : { allocated }), ...(split === undefined ? {} : { split }), cpuTranslation: v['cpu-translation'] },
  })
  if (E.isLeft(scan)) return fail(`host scan: ${scan.left.map((e) => e.message).join('; ')}`)
  const shown = scan.right.warnings.slice(0, 100)
  io.err(shown.map((w) => `vpci: warning: ${oneLine(renderScanWarning(w))}\n`).join(''))
  if (scan.right.warnings.length > shown.length) io.err(`vpci: warning: and ${scan.right.warnings.length - shown.length} more\n`)
  const failed = await writeOutput(io, v.output, encodeHostFile(scannedHostFile(scan.right, { embed: v.embed })))
  if (failed !== null) return failed
  if (v.output !== undefined && v.output !== '-') {
    const free = scan.right.functions.filter((f) => f.free).length
    io.err(`vpci: ${v.output}: ${scan.right.functions.length} functions, ${free} free\n`)
  }
  return ExitCode.ok
}

/**
 * A scanned host's PASID side (the host file's `pasid` section) from what the host publishes:
 * each IOMMU's PASID support and width (iommu-registers.ts), ENQCMD from the CPU flags, and each
 * free function's PASID capability (a VF: its PF's). What sysfs cannot show is taken from the
 * caller or, when not stated, written as the value that promises nothing:
 *
 * - the global PASIDs already allocated: all of them (a global-split VM is refused until the
 *   caller states what is in use);
 * - PASID translation by the CPU (ENQCMD local → global, a VMX feature Linux does not list): no;
 * - the split point of the global allocator: none.
 *
 * The IOMMU width is the narrowest of the IOMMUs the free functions sit behind (every IOMMU
 * when one of them names none): a global PASID must work on whichever IOMMU translates it.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { HostPasidData } from '../pasid/pasid-files.js'
import type { PasidRange } from '../pasid/pasid-pool.js'
import { pasidCount, type PasidWidth } from '../pasid/pasid.js'
import { cpuFlags, MAX_CPUINFO_BYTES } from './cpu-flags.js'
import { IOMMU_REGISTER_FILES, type IommuPasidSupport, parseRegister } from './iommu-registers.js'
import type { ScanWarning } from './scan-problem.js'
import { joinPath, type SysfsReader } from './sysfs-reader.js'

/** More IOMMUs than this is not a host. */
const MAX_IOMMUS = 4096
/** A register attribute is 16 hex digits, or two and a colon. */
const REGISTER_LIMIT = 64

export interface ScanPasidOptions {
  /** Global PASIDs already allocated, as [start, end) ranges; absent: all taken. */
  readonly allocated?: readonly PasidRange[]
  /** The CPU translates ENQCMD PASIDs (local → global); absent: false. */
  readonly cpuTranslation?: boolean
  /** The global allocator's split point N (guests own [1, N)); absent: none. */
  readonly split?: number
}

export interface IommuFacts {
  readonly name: string
  /** Null when it publishes no register vpci reads (taken as no PASID support). */
  readonly support: IommuPasidSupport | null
}

/** A free function's PASID facts, as the host file lists them. */
export interface FunctionPasid {
  readonly id: string
  readonly width: PasidWidth
  readonly execute: boolean
  readonly privileged: boolean
  readonly enabled: boolean
  readonly vf: boolean
  /** The IOMMU it sits behind; null when not linked. */
  readonly iommu: string | null
}

export interface ScannedPasid {
  /** Null when the host publishes no IOMMU: its PASID side is unknown and left out. */
  readonly section: HostPasidData | null
  readonly iommus: readonly IommuFacts[]
  readonly enqcmd: boolean
  /** Comment lines for the section: where each value came from. */
  readonly note: readonly string[]
}

type Warn = (w: ScanWarning) => void

/** Every IOMMU under `ROOT/class/iommu` with its PASID support. */
export const readIommus = async (reader: SysfsReader, root: string, warn: Warn): Promise<IommuFacts[] | null> => {
  const dir = joinPath(root, 'class/iommu')
  const listing = await reader.listDir(dir, MAX_IOMMUS)
  if (E.isLeft(listing)) return null
  if (listing.right.more) warn({ code: 'IOMMU_UNKNOWN', address: null, message: `${dir} lists more than ${MAX_IOMMUS} IOMMUs; only the first ${MAX_IOMMUS} were read` })
  const out: IommuFacts[] = []
  for (const name of listing.right.names) {
    let support: IommuPasidSupport | null = null
    for (const r of IOMMU_REGISTER_FILES) {
      const path = joinPath(dir, name, r.file)
      const read = await reader.readFile(path, REGISTER_LIMIT)
      if (E.isLeft(read)) {
        if (read.left.code !== 'missing') warn({ code: 'IOMMU_UNKNOWN', address: null, message: `${path} ${read.left.message}` })
        continue
      }
      const value = parseRegister(new TextDecoder().decode(read.right))
      if (value === null) warn({ code: 'IOMMU_UNKNOWN', address: null, message: `${path} is not a register value (hex)` })
      else support = r.decode(value)
      break
    }
    if (support === null) warn({ code: 'IOMMU_UNKNOWN', address: null, message: `IOMMU ${name} publishes no register vpci decodes (intel-iommu/ecap, amd-iommu/features): taken as translating no PASID` })
    out.push({ name, support })
  }
  return out
}

const describe = (i: IommuFacts): string => (i.support === null ? `${i.name}: unknown, taken as no PASIDs` : `${i.name} (${i.support.vendor === 'intel' ? 'Intel VT-d' : 'AMD-Vi'} 0x${i.support.register.toString(16)}): ${i.support.why}`)

/** The `pasid` section for the free functions' PASID facts. */
export const scanPasid = async (
  reader: SysfsReader,
  root: string,
  cpuinfo: string,
  functions: readonly FunctionPasid[],
  options: ScanPasidOptions,
  warn: Warn,
): Promise<ScannedPasid> => {
  const iommus = await readIommus(reader, root, warn)
  const cpu = await reader.readFile(cpuinfo, MAX_CPUINFO_BYTES)
  const flags = E.isRight(cpu) ? cpuFlags(new TextDecoder().decode(cpu.right)) : null
  if (flags === null || !flags.found) warn({ code: 'CPU_FLAGS', address: null, message: `${cpuinfo} ${flags === null && E.isLeft(cpu) ? cpu.left.message : 'has no flags line'}: ENQCMD taken as absent` })
  const enqcmd = flags?.enqcmd ?? false
  if (iommus === null || iommus.length === 0) {
    warn({ code: 'IOMMU_UNKNOWN', address: null, message: `${joinPath(root, 'class/iommu')} lists no IOMMU: the host's PASID side is unknown and left out (a VM using PASIDs is refused by this host)` })
    return { section: null, iommus: iommus ?? [], enqcmd, note: [] }
  }
  const byName = new Map(iommus.map((i) => [i.name, i]))
  const behind = functions.every((f) => f.iommu !== null && byName.has(f.iommu)) && functions.length > 0 ? [...new Set(functions.map((f) => f.iommu!))].map((n) => byName.get(n)!) : iommus
  const iommuWidth = Math.min(...behind.map((i) => i.support?.width ?? 0)) as PasidWidth
  let cpuTranslation = options.cpuTranslation ?? false
  if (cpuTranslation && !enqcmd) {
    warn({ code: 'CPU_FLAGS', address: null, message: 'PASID translation was stated, but the CPU flags list no ENQCMD: written as no translation' })
    cpuTranslation = false
  }
  const all: PasidRange[] = iommuWidth === 0 ? [] : [[1, pasidCount(iommuWidth)]]
  if (options.allocated === undefined && all.length > 0) {
    warn({ code: 'PASID_ASSUMED', address: null, message: 'the global PASIDs in use are not in sysfs: all are written as allocated (state them, or none, to plan global PASIDs on this host)' })
  }
  const note = [
    `IOMMUs: ${iommus.map(describe).join('; ')}`,
    `iommuWidth ${iommuWidth}: the narrowest of ${behind.map((i) => i.name).join(', ')}`,
    `ENQCMD ${enqcmd ? 'listed' : 'not listed'} in ${cpuinfo}; cpuTranslation, split and globalAllocated ${options.allocated === undefined ? 'are not in sysfs (globalAllocated: all, until stated)' : 'as stated'}`,
  ]
  const section: HostPasidData = {
    iommuWidth,
    cpuTranslation,
    split: options.split ?? null,
    globalAllocated: (options.allocated ?? all).map(([s, e]) => [s, e] as [number, number]),
    functions: functions.map((f) => ({ id: f.id, capabilityWidth: f.width, execute: f.execute, privileged: f.privileged, pasidEnabled: f.enabled, vf: f.vf, allocated: [] })),
  }
  return { section, iommus, enqcmd, note }
}

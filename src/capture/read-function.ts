/**
 * What a host scan reads of one function's sysfs folder (`ROOT/bus/pci/devices/ADDRESS`): its
 * links (bound driver, IOMMU group, PF, IOMMU), and for the functions it describes, `config`
 * (all 4096 bytes as root; the kernel gives an unprivileged reader 64), `resource` (BAR and ROM
 * sizes), `sriov_totalvfs`/`sriov_numvfs` and the `virtfnN` links. Every read is bounded; every
 * problem becomes a warning naming the function and the cause.
 */
import * as E from 'fp-ts/lib/Either.js'
import { walkCapabilities } from '../capability/walk.js'
import type { FunctionDump } from '../dump/function-dump.js'
import { readSysfsFunction } from '../dump/read-dump.js'
import type { ScanWarning } from './scan-problem.js'
import { baseName, joinPath, type SysfsProblem, type SysfsReader } from './sysfs-reader.js'

/** A config space is at most 4096 bytes. */
const CONFIG_LIMIT = 4096
/** A bridge's `resource` has 17 lines of about 57 characters; anything near this is not one. */
const RESOURCE_LIMIT = 64 * 1024
/** `sriov_totalvfs` is a number of at most 5 digits. */
const NUMBER_LIMIT = 64
/** A PF has at most 65,535 VFs (SR-IOV TotalVFs is 16 bits) and about 40 attributes. */
const FOLDER_LIMIT = 65_536 + 256

export interface FunctionLinks {
  /** The bound driver's name; null when none is bound. */
  readonly driver: string | null
  /** The IOMMU group's number (its folder name); null without one. */
  readonly iommuGroup: string | null
  /** A VF's PF address (from `physfn`); null for any other function. */
  readonly physfn: string | null
}

export interface FunctionFiles {
  /** The config space and BARs; null when `config` could not be read as one. */
  readonly dump: FunctionDump | null
  /** The config read was shorter than the function's config space. */
  readonly truncated: boolean
  /** The `resource` file's text as read; null when unreadable or not one. */
  readonly resource: string | null
  /** SR-IOV TotalVFs and NumVFs as the kernel shows them; null for a function without SR-IOV. */
  readonly sriov: { readonly totalVfs: number; readonly numVfs: number | null } | null
  /** VF addresses from the `virtfnN` links, in N order. */
  readonly vfs: readonly string[]
  /** The IOMMU translating its DMA (the `iommu` link's name, `dmar0`, `ivhd0`); null when not linked. */
  readonly iommu: string | null
}

type Warn = (w: ScanWarning) => void

/** The name of a link's target, null when there is no link; a broken one is warned about. */
const linkName = async (reader: SysfsReader, path: string, address: string, what: string, warn: Warn): Promise<string | null> => {
  const link = await reader.readLink(path)
  if (E.isRight(link)) return baseName(link.right) || null
  if (link.left.code !== 'missing') warn({ code: 'LINK_UNREADABLE', address, message: `${what} (${path}) ${link.left.message}` })
  return null
}

/**
 * The links every function of the tree is read for (groups and PFs need them all); null, with
 * one warning, when the function's folder itself cannot be entered (a symlink loop, a file).
 */
export const readLinks = async (reader: SysfsReader, dir: string, address: string, warn: Warn): Promise<FunctionLinks | null> => {
  const driver = await reader.readLink(joinPath(dir, 'driver'))
  if (E.isLeft(driver) && (driver.left.code === 'loop' || driver.left.code === 'not-a-folder')) {
    warn({ code: 'CONFIG_UNREADABLE', address, message: `${dir} cannot be entered: ${driver.left.message}; the function is left out of the host file` })
    return null
  }
  return {
    driver: E.isRight(driver) ? baseName(driver.right) || null : await linkName(reader, joinPath(dir, 'driver'), address, 'driver link', warn),
    iommuGroup: await linkName(reader, joinPath(dir, 'iommu_group'), address, 'iommu_group link', warn),
    physfn: await linkName(reader, joinPath(dir, 'physfn'), address, 'physfn link', warn),
  }
}

const readNumber = async (reader: SysfsReader, path: string): Promise<number | null> => {
  const read = await reader.readFile(path, NUMBER_LIMIT)
  if (E.isLeft(read)) return null
  const text = new TextDecoder().decode(read.right).trim()
  return /^\d{1,6}$/.test(text) ? Number(text) : null
}

const unreadable = (address: string, path: string, p: SysfsProblem): ScanWarning => ({
  code: 'CONFIG_UNREADABLE',
  address,
  message: `${path} ${p.message}; the function is left out of the host file`,
})

/** The config bytes, or a warning; a 128-byte CardBus read is kept as its first 64 bytes. */
const readConfig = async (reader: SysfsReader, path: string, address: string, warn: Warn): Promise<Uint8Array | null> => {
  const read = await reader.readFile(path, CONFIG_LIMIT)
  if (E.isLeft(read)) {
    warn(unreadable(address, path, read.left))
    return null
  }
  const n = read.right.length
  if (n === 64 || n === 256 || n === 4096) return read.right
  if (n === 128) return read.right.slice(0, 64)
  warn({ code: 'CONFIG_UNREADABLE', address, message: `${path} holds ${n} bytes; a config space is 64, 256 or 4096 (the function is left out of the host file)` })
  return null
}

/**
 * Whether the read was short, warned with its cause. Linux gives a reader without CAP_SYS_ADMIN
 * the first 64 bytes (128 of a CardBus bridge); every function has at least 256. A PCI Express
 * function has 4096, so 256 means the kernel reaches none of its extended space.
 */
const truncation = (dump: FunctionDump, address: string, read: number, warn: Warn): boolean => {
  if (read < 256) {
    warn({
      code: 'CONFIG_TRUNCATED',
      address,
      message: `config read gave ${read} of at least 256 bytes: the kernel gives a reader without CAP_SYS_ADMIN only the start of config space; run the scan as root to see the capabilities`,
    })
    return true
  }
  if (read === 256 && walkCapabilities(dump.config).facts.express !== null) {
    warn({
      code: 'CONFIG_TRUNCATED',
      address,
      message: 'a PCI Express function read as 256 bytes: the kernel reaches none of its extended config space (0x100–0xfff) (no ECAM/MMCONFIG access to its segment, pci=nommconf, or the function returns all ones there), so its extended capabilities are not seen',
    })
    return true
  }
  return false
}

/** The files of a function the scan describes. */
export const readFunctionFiles = async (reader: SysfsReader, dir: string, address: string, warn: Warn): Promise<FunctionFiles> => {
  const configPath = joinPath(dir, 'config')
  const raw = await readConfig(reader, configPath, address, warn)
  const iommu = await linkName(reader, joinPath(dir, 'iommu'), address, 'iommu link', warn)
  const totalVfs = await readNumber(reader, joinPath(dir, 'sriov_totalvfs'))
  const sriov = totalVfs === null ? null : { totalVfs, numVfs: await readNumber(reader, joinPath(dir, 'sriov_numvfs')) }
  const vfs: string[] = []
  if (sriov !== null && (sriov.numVfs ?? 0) > 0) {
    const listing = await reader.listDir(dir, FOLDER_LIMIT)
    const names = E.isRight(listing) ? listing.right.names.filter((n) => /^virtfn\d{1,5}$/.test(n)) : []
    names.sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)))
    for (const n of names) {
      const vf = await linkName(reader, joinPath(dir, n), address, `${n} link`, warn)
      if (vf !== null) vfs.push(vf)
    }
  }
  if (raw === null) return { dump: null, truncated: false, resource: null, sriov, vfs, iommu }
  const resource = await reader.readFile(joinPath(dir, 'resource'), RESOURCE_LIMIT)
  let text: string | undefined
  if (E.isRight(resource)) text = new TextDecoder().decode(resource.right)
  else warn({ code: 'RESOURCE_UNREADABLE', address, message: `${joinPath(dir, 'resource')} ${resource.left.message}: BAR sizes unknown` })
  let dump = readSysfsFunction(text === undefined ? { config: raw } : { config: raw, resource: text }, dir)
  if (E.isLeft(dump) && text !== undefined) {
    warn({ code: 'RESOURCE_UNREADABLE', address, message: `${joinPath(dir, 'resource')} is not a sysfs resource file (line ${dump.left[0]?.line ?? '?'}): BAR sizes unknown` })
    dump = readSysfsFunction({ config: raw }, dir)
    text = undefined
  }
  if (E.isLeft(dump)) {
    warn({ code: 'CONFIG_UNREADABLE', address, message: `${configPath} is not a config space; the function is left out of the host file` })
    return { dump: null, truncated: false, resource: null, sriov, vfs, iommu }
  }
  return { dump: dump.right, truncated: truncation(dump.right, address, raw.length, warn), resource: text ?? null, sriov, vfs, iommu }
}

/**
 * `scanHost`: a host's PCI functions as a host file describes them, read from sysfs
 * (`ROOT/bus/pci/devices/*`, ROOT `/sys` by default) through an injected reader.
 *
 * Which functions are free: one bound to `vfio-pci` or a vfio variant driver (`mlx5_vfio_pci`,
 * `hisi_acc_vfio_pci`, ...), in an IOMMU group holding no function a kernel driver owns for DMA
 * (vfio opens a group only when every member is bound to vfio, to `pci-stub` or `pcieport`
 * (drivers that do no DMA of their own: `driver_managed_dma`), or to nothing). Any other
 * function is listed as not free, with why. A VF's identity and PASID capability are its PF's
 * (a VF reads 0xffff for its IDs; the PF's SR-IOV capability holds the VF Device ID), so the PF
 * of a chosen VF is always described too.
 *
 * Bounded: at most `maxFunctions` entries are listed (more is an error, not a partial host), a
 * function's files are read once with fixed limits, and the work is linear in the functions
 * listed (`steps` counts the reader's calls).
 */
import * as E from 'fp-ts/lib/Either.js'
import { readU8, readU16 } from '../config-space/config-space.js'
import type { FunctionDump } from '../dump/function-dump.js'
import type { Identity, Persona } from '../layout/function-layout.js'
import { personaOf, type PersonaMatrix } from '../layout/persona.js'
import type { HostPasidData } from '../pasid/pasid-files.js'
import { pasidWidth, type PasidWidth } from '../pasid/pasid.js'
import { type PreparedFunction, prepareFunction } from '../semantic/prepared-function.js'
import { vfIdentity } from '../layout/physical-bars.js'
import { capabilityField } from './capability-field.js'
import { type FunctionFiles, type FunctionLinks, readFunctionFiles, readLinks } from './read-function.js'
import type { ScanError, ScanWarning } from './scan-problem.js'
import { type FunctionPasid, type IommuFacts, type ScanPasidOptions, scanPasid } from './scan-pasid.js'
import { joinPath, type SysfsReader } from './sysfs-reader.js'

/** One PCI segment holds 256 buses × 32 devices × 8 functions. */
export const MAX_SCANNED_FUNCTIONS = 65_536

/** `DDDD:BB:DD.F` as sysfs names functions (domains may be wider than 4 digits). */
export const FUNCTION_NAME = /^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/

export interface ScanOptions {
  /** The sysfs mount; default `/sys`. Host files name folders under it: give it absolute for a file read elsewhere. */
  readonly root?: string
  /** The host's name in the host file; default `host`. */
  readonly name?: string
  /** Only these functions (`DDDD:BB:DD.F`, lower case); default all. */
  readonly devices?: readonly string[]
  /** Only functions of this vendor (and device). */
  readonly vendor?: { readonly vendorId: number; readonly deviceId?: number }
  readonly personas?: PersonaMatrix
  /** Where the CPU flags are; default `/proc/cpuinfo`. */
  readonly cpuinfo?: string
  /** Functions a VMM holds: listed, never free. */
  readonly inUse?: readonly string[]
  readonly pasid?: ScanPasidOptions
  /** Default `MAX_SCANNED_FUNCTIONS`. */
  readonly maxFunctions?: number
}

export interface ScannedFunction {
  readonly address: string
  /** Its sysfs folder: `ROOT/bus/pci/devices/ADDRESS`. */
  readonly path: string
  readonly dump: FunctionDump
  readonly prepared: PreparedFunction
  /** As the kernel shows it (a VF's vendor and device from its PF). */
  readonly identity: Pick<Identity, 'vendorId' | 'deviceId' | 'revisionId' | 'subsystemVendorId' | 'subsystemId'>
  /** The config read was shorter than the function's config space (warned). */
  readonly truncated: boolean
  /** Its `resource` file as read (BAR and ROM sizes); null when unreadable. */
  readonly resource: string | null
  readonly driver: string | null
  readonly iommuGroup: string | null
  readonly iommu: string | null
  readonly pf: string | null
  readonly vfs: readonly string[]
  readonly sriov: FunctionFiles['sriov']
  readonly free: boolean
  /** Why it is or is not free, one phrase. */
  readonly why: string
  readonly persona: Persona | null
  /** Its PASID capability (a VF: its PF's); null without one. */
  readonly pasid: Omit<FunctionPasid, 'id' | 'vf' | 'iommu'> | null
  /** False for a PF described only because a chosen VF needs it. */
  readonly selected: boolean
}

export interface HostScan {
  readonly name: string
  readonly root: string
  readonly functions: readonly ScannedFunction[]
  readonly iommus: readonly IommuFacts[]
  readonly enqcmd: boolean
  /** The host file's `pasid` section; null when the host publishes no IOMMU. */
  readonly pasid: HostPasidData | null
  readonly pasidNote: readonly string[]
  readonly warnings: readonly ScanWarning[]
  /** Calls made to the reader: the scan's work, linear in the functions listed. */
  readonly steps: number
}

/** A vfio driver: `vfio-pci` or a variant (`mlx5_vfio_pci`, `hisi_acc_vfio_pci`, `pds_vfio_pci`, ...). */
export const isVfioDriver = (driver: string): boolean => /(^|[-_])vfio([-_]|$)/.test(driver)

/** Drivers that may share an IOMMU group with a vfio-bound function: they do no DMA of their own. */
const GROUP_SAFE = new Set(['pci-stub', 'pcieport'])
const groupSafe = (driver: string | null): boolean => driver === null || isVfioDriver(driver) || GROUP_SAFE.has(driver)

const counted = (reader: SysfsReader, count: () => void): SysfsReader => ({
  readFile: (p, l) => (count(), reader.readFile(p, l)),
  readLink: (p) => (count(), reader.readLink(p)),
  listDir: (p, l) => (count(), reader.listDir(p, l)),
})

const pasidOf = (p: PreparedFunction): ScannedFunction['pasid'] => {
  const width = capabilityField(p, 'extended', 'pasid', 'maxPasidWidth')
  if (width === null) return null
  const field = (key: string): boolean => capabilityField(p, 'extended', 'pasid', key) === 1
  return { width: pasidWidth(Math.min(width, 20)) ?? (0 as PasidWidth), execute: field('executePermission'), privileged: field('privilegedMode'), enabled: field('enable') }
}

interface Read {
  readonly address: string
  readonly links: FunctionLinks
  readonly files: FunctionFiles
  readonly dump: FunctionDump
  readonly prepared: PreparedFunction
}

/** Reads a host's PCI functions and PASID side; errors only when no host file can be made. */
export const scanHost = async (source: SysfsReader, options: ScanOptions = {}): Promise<E.Either<readonly ScanError[], HostScan>> => {
  let steps = 0
  const reader = counted(source, () => void steps++)
  const root = (options.root ?? '/sys').replace(/(.)\/+$/, '$1')
  const max = options.maxFunctions ?? MAX_SCANNED_FUNCTIONS
  const warnings: ScanWarning[] = []
  const warn = (w: ScanWarning): void => void warnings.push(w)
  const devicesDir = joinPath(root, 'bus/pci/devices')
  const listing = await reader.listDir(devicesDir, max)
  if (E.isLeft(listing)) return E.left([{ code: 'NO_PCI_TREE', message: `${devicesDir} ${listing.left.message}: not a sysfs tree with PCI devices` }])
  if (listing.right.more) return E.left([{ code: 'TOO_MANY_FUNCTIONS', message: `${devicesDir} lists more than ${max} entries; a host has at most ${max} PCI functions per scan (choose some with --device or --vendor)` }])
  const listed: string[] = []
  for (const n of listing.right.names) {
    if (FUNCTION_NAME.test(n)) listed.push(n)
    else warn({ code: 'NOT_A_FUNCTION', address: null, message: `${joinPath(devicesDir, n)} is not named like a PCI function (DDDD:BB:DD.F); skipped` })
  }
  const listedSet = new Set(listed)
  const missing = (options.devices ?? []).filter((d) => !listedSet.has(d))
  if (missing.length > 0) return E.left(missing.map((d) => ({ code: 'NO_SUCH_DEVICE' as const, message: `no function ${d} in ${devicesDir}` })))
  const links = new Map<string, FunctionLinks>()
  for (const n of listed) {
    const l = await readLinks(reader, joinPath(devicesDir, n), n, warn)
    if (l !== null) links.set(n, l)
  }
  // The functions whose folders could be entered.
  const names = listed.filter((n) => links.has(n))
  const present = new Set(names)

  const reads = new Map<string, Read | null>()
  const read = async (address: string): Promise<Read | null> => {
    if (reads.has(address)) return reads.get(address)!
    const files = await readFunctionFiles(reader, joinPath(devicesDir, address), address, warn)
    const r = files.dump === null ? null : { address, links: links.get(address)!, files, dump: files.dump, prepared: prepareFunction(files.dump) }
    reads.set(address, r)
    return r
  }
  const identityOf = (r: Read): ScannedFunction['identity'] => {
    const c = r.dump.config
    const own = { vendorId: readU16(c, 0), deviceId: readU16(c, 2), revisionId: readU8(c, 8), subsystemVendorId: c.size >= 0x30 ? readU16(c, 0x2c) : 0, subsystemId: c.size >= 0x30 ? readU16(c, 0x2e) : 0 }
    const pf = r.links.physfn === null ? null : reads.get(r.links.physfn)
    if (own.vendorId !== 0xffff || pf === null || pf === undefined) return own
    const fromPf = vfIdentity(pf.prepared)
    return fromPf === null ? own : { ...own, ...fromPf }
  }

  // Chosen functions, then the PFs of chosen VFs.
  const wanted = options.devices === undefined ? null : new Set(options.devices)
  const chosen = new Set<string>()
  for (const n of names) {
    if (wanted !== null && !wanted.has(n)) continue
    if (options.vendor !== undefined) {
      const pfOf = links.get(n)!.physfn
      if (pfOf !== null && present.has(pfOf)) await read(pfOf)
      const r = await read(n)
      if (r === null) continue
      const id = identityOf(r)
      if (id.vendorId !== options.vendor.vendorId || (options.vendor.deviceId !== undefined && id.deviceId !== options.vendor.deviceId)) continue
    }
    chosen.add(n)
  }
  const described = new Set(chosen)
  for (const n of chosen) {
    const pf = links.get(n)!.physfn
    if (pf !== null && present.has(pf)) described.add(pf)
  }
  const order = names.filter((n) => described.has(n))
  for (const n of order) if (links.get(n)!.physfn === null) await read(n)
  for (const n of order) await read(n)
  const output = new Set(order.filter((n) => reads.get(n) !== null))

  // Per IOMMU group, its members a kernel driver owns for DMA.
  const owners = new Map<string, string[]>()
  for (const n of names) {
    const l = links.get(n)!
    if (l.iommuGroup === null || groupSafe(l.driver)) continue
    const list = owners.get(l.iommuGroup)
    if (list === undefined) owners.set(l.iommuGroup, [n])
    else list.push(n)
  }
  const inUse = new Set(options.inUse ?? [])
  const functions: ScannedFunction[] = []
  const claimed = new Map<string, string[]>()
  for (const address of order) {
    const r = reads.get(address)
    if (r === null || r === undefined) continue
    const l = r.links
    // A PF is no VF: a physfn naming the function itself or another VF is a broken tree.
    const pf = l.physfn !== null && l.physfn !== address && output.has(l.physfn) && links.get(l.physfn)!.physfn === null ? l.physfn : null
    if (l.physfn !== null && pf === null) {
      const what = !present.has(l.physfn) ? 'is not in the tree' : !output.has(l.physfn) ? 'could not be read' : 'is itself a VF'
      warn({ code: 'SRIOV_LINKS', address, message: `its physfn link names ${l.physfn}, which ${l.physfn === address ? 'is itself' : what}: a VF cannot be judged without its PF` })
    }
    if (pf !== null) {
      const vfs = claimed.get(pf)
      if (vfs === undefined) claimed.set(pf, [address])
      else vfs.push(address)
    }
    const others = l.iommuGroup === null ? [] : (owners.get(l.iommuGroup) ?? []).filter((m) => m !== address)
    let free = false
    let why: string
    if (inUse.has(address)) why = `${l.driver === null ? 'no driver' : `bound to ${l.driver}`}; held by a VM (stated)`
    else if (l.driver === null) why = 'bound to no driver (bind it to vfio-pci to assign it)'
    else if (!isVfioDriver(l.driver)) why = `bound to ${l.driver}: in use by the host`
    else if (l.iommuGroup === null) why = `bound to ${l.driver}, but in no IOMMU group: vfio assigns groups`
    else if (l.physfn !== null && pf === null) why = `bound to ${l.driver}, but its PF ${l.physfn} cannot be described`
    else if (others.length > 0) {
      const shown = others.slice(0, 3).map((m) => `${m} (${links.get(m)!.driver})`)
      why = `bound to ${l.driver}, but IOMMU group ${l.iommuGroup} also holds ${shown.join(', ')}${others.length > 3 ? ` and ${others.length - 3} more` : ''}`
      warn({ code: 'GROUP_NOT_VIABLE', address, message: `${why}: vfio cannot open a group a kernel driver does DMA in; not free` })
    } else {
      free = true
      why = `bound to ${l.driver}`
    }
    const identity = identityOf(r)
    const pfRead = pf === null ? null : reads.get(pf)!
    functions.push({
      address,
      path: joinPath(devicesDir, address),
      dump: r.dump,
      prepared: r.prepared,
      identity,
      truncated: r.files.truncated,
      resource: r.files.resource,
      driver: l.driver,
      iommuGroup: l.iommuGroup,
      iommu: r.files.iommu,
      pf,
      vfs: r.files.vfs,
      sriov: r.files.sriov,
      free,
      why,
      persona: options.personas === undefined ? null : personaOf(options.personas, identity),
      pasid: pasidOf(pfRead?.prepared ?? r.prepared),
      selected: chosen.has(address),
    })
  }
  for (const f of functions) {
    if (f.sriov === null) continue
    const listed = new Set(f.vfs)
    const stray = (claimed.get(f.address) ?? []).filter((v) => !listed.has(v))
    if (stray.length > 0) warn({ code: 'SRIOV_LINKS', address: f.address, message: `${stray.join(', ')} name it as their PF (physfn), but it has no virtfn link to them` })
    if (f.sriov.numVfs !== null && f.sriov.numVfs !== f.vfs.length) warn({ code: 'SRIOV_LINKS', address: f.address, message: `sriov_numvfs is ${f.sriov.numVfs}, but it has ${f.vfs.length} virtfn links` })
  }
  const pasidFunctions: FunctionPasid[] = functions.flatMap((f) => (f.free && f.pasid !== null ? [{ id: f.address, ...f.pasid, vf: f.pf !== null, iommu: f.iommu }] : []))
  const pasid = await scanPasid(reader, root, options.cpuinfo ?? '/proc/cpuinfo', pasidFunctions, options.pasid ?? {}, warn)
  return E.right({ name: options.name ?? 'host', root, functions, iommus: pasid.iommus, enqcmd: pasid.enqcmd, pasid: pasid.section, pasidNote: pasid.note, warnings, steps })
}

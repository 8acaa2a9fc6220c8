/**
 * A host scan as what the rest of vpci takes: the host file (its functions referencing their
 * sysfs folders, or with `embed` carrying their images, so the file can travel to a scheduler),
 * and the loaded `Host` a program can judge at once (`checkMigration`, `filterHosts`).
 */
import { identityText } from '../layout/persona.js'
import type { HostFileData, HostFileFunction } from '../host/encode-host-file.js'
import type { Host } from '../migrate/host.js'
import { hostPasidFromData } from '../pasid/pasid-files.js'
import type { HostScan, ScannedFunction } from './scan-host.js'

export interface HostFileOptions {
  /** Carry each function's config image and `resource` text instead of its sysfs path. */
  readonly embed?: boolean
}

const noteOf = (f: ScannedFunction): string[] => {
  const facts = [
    `${identityText(f.identity)}${f.pf === null ? '' : `, a VF of ${f.pf}`}${f.vfs.length > 0 ? `, PF of ${f.vfs.length} VF${f.vfs.length === 1 ? '' : 's'}` : ''}`,
    f.why,
    f.iommuGroup === null ? 'no IOMMU group' : `IOMMU group ${f.iommuGroup}`,
    `config ${f.dump.config.size} bytes${f.truncated ? ' (truncated)' : ''}`,
  ]
  if (f.sriov !== null) facts.push(`SR-IOV ${f.sriov.numVfs ?? '?'} of ${f.sriov.totalVfs} VFs enabled`)
  return [facts.join('; ')]
}

/** The scan as a host file's data (`encodeHostFile` writes it). */
export const scannedHostFile = (scan: HostScan, options: HostFileOptions = {}): HostFileData => {
  const functions: HostFileFunction[] = scan.functions.map((f) => ({
    address: f.address,
    source: options.embed === true ? { kind: 'image', config: Uint8Array.from(f.dump.config.bytes), resource: f.resource } : { kind: 'sysfs', path: f.path },
    persona: f.persona,
    pf: f.pf,
    free: f.free,
    note: noteOf(f),
  }))
  const free = scan.functions.filter((f) => f.free).length
  return {
    name: scan.name,
    functions,
    pasid: scan.pasid,
    note: [`vpci host scan of ${scan.root}: ${scan.functions.length} function${scan.functions.length === 1 ? '' : 's'}, ${free} free${options.embed === true ? '; images embedded' : ''}`],
    pasidNote: scan.pasidNote,
  }
}

/** The scan as a loaded host, judged as the host file would be once read back. */
export const scannedHost = (scan: HostScan): Host => {
  const pasid = scan.pasid === null ? null : hostPasidFromData(scan.pasid)
  // The scan writes only sections the host file decoder takes; anything else is a bug here.
  if (pasid !== null && pasid._tag === 'Left') throw new Error(`scanned PASID section does not decode: ${pasid.left.map((e) => e.message).join('; ')}`)
  return {
    name: scan.name,
    functions: scan.functions.map((f) => ({ address: f.address, function: f.prepared, persona: f.persona, pf: f.pf, free: f.free })),
    pasid: pasid === null ? null : pasid.right,
  }
}


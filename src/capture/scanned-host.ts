/**
 * A host scan as what the rest of vpci takes: the host file (its functions referencing their
 * sysfs folders, or with `embed` carrying their images as `image: {name, config, resources}`,
 * the form the Host message mirrors, so the file can travel to a scheduler), and the loaded
 * `Host` a program can judge at once (`checkMigration`, `filterHosts`).
 */
import { identityText } from '../layout/persona.js'
import type { HostFileData } from '../host/host-file-encode.js'
import type { HostFunctionSpec } from '../host/host-spec.js'
import type { Host } from '../migrate/host.js'
import type { HostPasid } from '../pasid/host-pasid.js'
import { hostPasidFromData } from '../pasid/pasid-files.js'
import type { PasidRanges } from '../pasid/pasid-ranges.js'
import type { HostScan, ScannedFunction } from './scan-host.js'

export interface HostFileOptions {
  /** Carry each function's config image and BARs (its sysfs resources) instead of its sysfs path. */
  readonly embed?: boolean
}

/** The scan's PASID side as pools; the scan writes only sections the host file decoder takes, so anything else is a bug here. */
const pasidOf = (scan: HostScan): HostPasid<PasidRanges> | null => {
  if (scan.pasid === null) return null
  const pasid = hostPasidFromData(scan.pasid)
  if (pasid._tag === 'Left') throw new Error(`scanned PASID section does not decode: ${pasid.left.map((e) => e.message).join('; ')}`)
  return pasid.right
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

/** The scan as a host file's data (`encodeHostFile` writes it); an embedded image is named by its sysfs folder's address, as `vpci host encode` names it. */
export const scannedHostFile = (scan: HostScan, options: HostFileOptions = {}): HostFileData => {
  const functions: HostFunctionSpec[] = scan.functions.map((f) => ({
    address: f.address,
    source: options.embed === true ? { kind: 'image', name: f.dump.device ?? f.dump.file, config: f.dump.config, resources: f.dump.resources } : { kind: 'sysfs', path: f.path },
    persona: f.persona,
    pf: f.pf,
    free: f.free,
  }))
  const free = scan.functions.filter((f) => f.free).length
  return {
    name: scan.name,
    functions,
    pasid: pasidOf(scan),
    functionNotes: scan.functions.map(noteOf),
    note: [`vpci host scan of ${scan.root}: ${scan.functions.length} function${scan.functions.length === 1 ? '' : 's'}, ${free} free${options.embed === true ? '; images embedded' : ''}`],
    pasidNote: scan.pasidNote,
  }
}

/** The scan as a loaded host, judged as the host file would be once read back. */
export const scannedHost = (scan: HostScan): Host => ({
  name: scan.name,
  functions: scan.functions.map((f) => ({ address: f.address, function: f.prepared, persona: f.persona, pf: f.pf, free: f.free })),
  pasid: pasidOf(scan),
})


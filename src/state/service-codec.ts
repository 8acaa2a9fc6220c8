/**
 * The MigrationService messages (`service.proto`) for the gRPC adapter: verdicts, plans and
 * certificates to response bytes, and the few request parts no other codec reads (a lone
 * HostFunction or FunctionLayout is read by wrapping it in a Host message, so it gets the host
 * codec's checks). The only importer of the generated code besides the state and host codecs.
 */
import protobuf from 'protobufjs/minimal.js'
import type { OffsetMapping } from '../layout/realize.js'
import type { FunctionAssignment, MigrationVerdict } from '../migrate/check-migration.js'
import type { AcceptedHost, RejectedHost } from '../migrate/filter-hosts.js'
import type { MigrationCertificate } from '../migrate/migration-certificate.js'
import { allocatedRanges } from '../pasid/pasid-pool.js'
import type { PasidPlan } from '../pasid/remap.js'
import type { PasidVerdict } from '../pasid/remap.js'
import type { Reason } from '../proof/reason.js'
import { limitReasons } from '../proof/reason-limit.js'
import type { Verdict } from '../proof/prove-equivalence.js'
import type { Realization } from '../layout/realize.js'
import { vpci } from './generated/migration.js'
import { HOST_SCHEMA_VERSION } from './host-codec.js'
import { personaWire, type Wire } from './layout-wire.js'

const pb = vpci.migration.v1

const SPACE = { standard: 1, extended: 2 } as const
const BACKING = { passthrough: 1, emulated: 2 } as const
const ENTRY_KIND = { hardware: 1, local: 2, global: 3, physical: 4 } as const

/** The enum value of a library reason code (0, unspecified, for a code the schema lacks: a test holds them equal). */
export const reasonCodeValue = (code: string): number => (pb.ReasonCode as unknown as Record<string, number>)[`REASON_CODE_${code}`] ?? 0

const reasonWire = (r: Reason): Wire => ({
  code: reasonCodeValue(r.code),
  severity: r.severity === 'error' ? 1 : 2,
  capability: r.capability ?? '',
  field: r.field ?? '',
  ...(r.offset === null ? {} : { offset: r.offset }),
  ...(r.length === null ? {} : { length: r.length }),
  sourceJson: JSON.stringify(r.source),
  destinationJson: JSON.stringify(r.destination),
  message: r.message,
})

/** Reasons under a limit (null: all) and how many were left out. */
const reasonsWire = (reasons: readonly Reason[], limit: number | null): { list: Wire[]; omitted: number } => {
  const { shown, omitted } = limitReasons(reasons, limit)
  return { list: shown.map(reasonWire), omitted }
}

const offsetWire = (m: OffsetMapping): Wire => ({
  space: SPACE[m.space],
  capability: m.capability,
  virtualOffset: m.virtualOffset,
  ...(m.physicalOffset === null ? {} : { physicalOffset: m.physicalOffset }),
  length: m.length,
  backing: BACKING[m.backing],
})

const assignmentWire = (a: FunctionAssignment): Wire => ({ guestAddress: a.guestAddress, hostAddress: a.hostAddress, offsetMap: a.offsetMap.map(offsetWire) })

const mapWire = (m: { readonly local: number; readonly global: number; readonly function?: string }): Wire => ({ local: m.local, global: m.global, function: m.function ?? '' })

const planWire = (p: PasidPlan): Wire => ({
  map: p.map.map(mapWire),
  cpuTable: p.cpuTable.map(mapWire),
  entries: p.entries.map((e) => ({ function: e.function, pasid: e.pasid, guest: e.guest, kind: ENTRY_KIND[e.kind] })),
})

/** The certificate as `vpci check --certificate` writes it. */
export const certificateJson = (certificate: unknown): string => `${JSON.stringify(certificate, null, 2)}\n`

const certificateWire = (c: MigrationCertificate): Wire => ({
  vm: c.vm,
  host: c.host,
  functions: c.functions.map((f) => ({
    guestAddress: f.guestAddress,
    layoutDigest: f.layoutDigest ?? '',
    stateDigest: f.stateDigest,
    hostAddress: f.hostAddress,
    physicalDigest: f.physicalDigest,
    persona: personaWire(f.persona),
    offsetMap: f.offsetMap.map(offsetWire),
  })),
  pasidMap: (c.pasid?.map ?? []).map(mapWire),
  pasidCpuTable: (c.pasid?.cpuTable ?? []).map(mapWire),
  assumptions: [...c.assumptions],
  json: certificateJson(c),
})

/** CheckMigrationResponse bytes. */
export const encodeCheckMigration = (v: MigrationVerdict, limit: number | null): Uint8Array => {
  const { list, omitted } = reasonsWire(v.reasons, limit)
  const wire: Wire = {
    compatible: v.compatible,
    reasons: list,
    omittedReasons: omitted,
    assignment: (v.assignment ?? []).map(assignmentWire),
    pasidPlan: v.pasidPlan === null ? null : planWire(v.pasidPlan),
    certificate: v.certificate === null ? null : certificateWire(v.certificate),
  }
  return pb.CheckMigrationResponse.encode(pb.CheckMigrationResponse.create(wire as never)).finish()
}

/** FilterHostsResponse bytes: accepted then rejected hosts in the order judged, each with its assignment, warnings or reasons. */
export const encodeFilterHosts = (vmName: string, accepted: readonly AcceptedHost[], rejected: readonly RejectedHost[], limit: number | null): Uint8Array => {
  const wire: Wire = {
    vmName,
    accepted: accepted.map((a) => {
      const { list, omitted } = reasonsWire(a.warnings, limit)
      return { host: a.host.name, assignment: a.assignment.map(assignmentWire), warnings: list, omittedWarnings: omitted }
    }),
    rejected: rejected.map((r) => {
      const { list, omitted } = reasonsWire(r.reasons, limit)
      return { host: r.host.name, reasons: list, omittedReasons: omitted }
    }),
  }
  return pb.FilterHostsResponse.encode(pb.FilterHostsResponse.create(wire as never)).finish()
}

/** FilterHostsResponse bytes of names only (names_only). */
export const encodeFilterHostNames = (vmName: string, accepted: readonly string[], rejected: readonly string[]): Uint8Array =>
  pb.FilterHostsResponse.encode({ vmName, accepted: [], rejected: [], acceptedNames: [...accepted], rejectedNames: [...rejected] }).finish()

const rangesWire = (ranges: ReadonlyArray<readonly [number, number]>): Wire[] => ranges.map(([start, end]) => ({ start, end }))

/** RemapPasidsResponse bytes. */
export const encodeRemapPasids = (v: PasidVerdict, limit: number | null): Uint8Array => {
  const { list, omitted } = reasonsWire(v.reasons, limit)
  const p = v.plan
  const wire: Wire = {
    compatible: v.compatible,
    reasons: list,
    omittedReasons: omitted,
    plan: p === null ? null : planWire(p),
    globalAllocated: p === null ? [] : rangesWire(allocatedRanges(p.host.global)),
    functionPools: p === null ? [] : p.host.functions.map((f) => ({ id: f.id, allocated: rangesWire(allocatedRanges(f.pool)) })),
  }
  return pb.RemapPasidsResponse.encode(pb.RemapPasidsResponse.create(wire as never)).finish()
}

/** ProveEquivalenceResponse bytes. */
export const encodeProveEquivalence = (v: Verdict, limit: number | null): Uint8Array => {
  const { list, omitted } = reasonsWire(v.reasons, limit)
  const wire: Wire = { compatible: v.compatible, reasons: list, omittedReasons: omitted, certificateJson: v.certificate === null ? '' : certificateJson(v.certificate) }
  return pb.ProveEquivalenceResponse.encode(pb.ProveEquivalenceResponse.create(wire as never)).finish()
}

/** RealizeResponse bytes. */
export const encodeRealize = (r: Realization, limit: number | null): Uint8Array => {
  const { list, omitted } = reasonsWire(r.reasons, limit)
  const wire: Wire = { compatible: r.compatible, reasons: list, omittedReasons: omitted, offsetMap: (r.offsetMap ?? []).map(offsetWire) }
  return pb.RealizeResponse.encode(pb.RealizeResponse.create(wire as never)).finish()
}

export const encodePutHost = (name: string, replaced: boolean, hosts: number): Uint8Array => pb.PutHostResponse.encode({ name, replaced, hosts }).finish()
export const encodeDeleteHost = (hosts: number): Uint8Array => pb.DeleteHostResponse.encode({ hosts }).finish()
export const encodePutState = (replaced: boolean): Uint8Array => pb.PutStateResponse.encode({ replaced }).finish()
export const encodeDeleteState = (): Uint8Array => pb.DeleteStateResponse.encode({}).finish()

/**
 * A Host message holding one function (HostFunction bytes, or a FunctionLayout as the function's
 * layout when `asLayout`), to read a lone function or layout with the host codec's checks.
 */
export const hostOfOne = (name: string, bytes: Uint8Array, asLayout: boolean): Uint8Array => {
  const fn = asLayout ? protobuf.Writer.create().uint32((9 << 3) | 2).bytes(bytes).finish() : bytes
  return protobuf.Writer.create().uint32((1 << 3) | 2).string(name).uint32((2 << 3) | 2).bytes(fn).uint32(4 << 3).uint32(HOST_SCHEMA_VERSION).finish()
}

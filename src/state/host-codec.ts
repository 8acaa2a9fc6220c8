/**
 * The Host message codec (`vpci.migration.v1.Host`): protobuf bytes to a checked `HostSpec` and
 * back. A message says what a host file says, with each function's config space embedded (an
 * image with its resources, or a layout) or named by file. Wire values are turned into the host
 * file's plain shape and go through the same checks (`host/host-data.ts`): closed keys, one
 * source per function, distinct addresses, PF references, PASID ids distinct, ranges inside
 * their width and not overlapping. Hostile input is bounded: over MAX_HOST_BYTES is refused
 * unread, and the wire reader refuses any length running past the bytes it has.
 */
import * as E from 'fp-ts/lib/Either.js'
import { hostFromData } from '../host/host-data.js'
import type { HostFileError, HostFunctionSpec, HostSpec } from '../host/host-spec.js'
import type { PasidRanges } from '../pasid/pasid-ranges.js'
import { vpci } from './generated/migration.js'
import { enumName, layoutData, layoutWire, personaData, personaWire, u64, type Wire } from './layout-wire.js'

const pb = vpci.migration.v1

/** The schema this library writes and reads. */
export const HOST_SCHEMA_VERSION = 1
/** Larger input is not a host (a thousand 4 KiB functions and 10^6 PASID ranges fit several times). */
export const MAX_HOST_BYTES = 64 * 1024 * 1024

const FILE_KIND = ['', 'dump', 'sysfs', 'layout'] as const
const RESOURCE_KIND = ['', 'unused', 'memory', 'io'] as const

const rangesData = (list: unknown): number[][] => ((list as Wire[] | undefined) ?? []).map((r) => [Number(r.start ?? 0), Number(r.end ?? 0)])

/** A wire function in the host file's shape; wire-only problems (an unknown file kind) go to `errors`. */
const functionData = (f: Wire, i: number, errors: HostFileError[]): unknown => {
  const out: Wire = { address: f.address ?? '', free: f.free ?? false }
  const persona = personaData(f.persona as Wire | null | undefined)
  if (persona !== null) out.persona = persona
  if (typeof f.pfAddress === 'string' && f.pfAddress !== '') out.pf = f.pfAddress
  const image = f.configImage as Uint8Array | undefined
  const resources = (f.resources as Wire[] | undefined) ?? []
  if (image !== undefined && image.length > 0) {
    const known = f.resourcesKnown === true || resources.length > 0
    const entries = resources.map((r) => ({ index: r.index ?? 0, kind: enumName(RESOURCE_KIND, r.kind), size: (u64(r.size) ?? 0n).toString(), prefetchable: r.prefetchable ?? false, is64Bit: r.is_64bit ?? false }))
    out.image = { config: image, ...(typeof f.imageName === 'string' && f.imageName !== '' ? { name: f.imageName } : {}), ...(known ? { resources: entries } : {}) }
  } else if (resources.length > 0) {
    errors.push({ path: ['functions', i, 'resources'], line: null, message: 'resources without a config image: they belong to an embedded image' })
  }
  const file = f.file as Wire | null | undefined
  if (file) {
    const kind = enumName(FILE_KIND, file.kind)
    if (kind === 'dump' || kind === 'sysfs' || kind === 'layout') out[kind] = String(file.path ?? '')
    else errors.push({ path: ['functions', i, 'file', 'kind'], line: null, message: `${String(file.kind ?? 0)} is not a file kind; expected dump (1), sysfs (2) or layout (3)` })
  }
  if (f.layout) {
    if (out.layout !== undefined) errors.push({ path: ['functions', i], line: null, message: 'give exactly one of configImage, file or layout (got file and layout)' })
    else out.layout = layoutData(f.layout as Wire)
  }
  return out
}

const pasidData = (p: Wire): unknown => ({
  iommuWidth: p.iommuWidth ?? 0,
  cpuTranslation: p.cpuTranslation ?? false,
  split: p.split === null || p.split === undefined ? null : p.split,
  globalAllocated: rangesData(p.globalAllocated),
  functions: ((p.functions as Wire[] | undefined) ?? []).map((f) => ({
    id: f.id ?? '',
    capabilityWidth: f.capabilityWidth ?? 0,
    execute: f.execute ?? false,
    privileged: f.privileged ?? false,
    pasidEnabled: f.pasidEnabled ?? false,
    vf: f.vf ?? false,
    allocated: rangesData(f.allocated),
  })),
})

/** Reads Host message bytes into a checked host, or every error with its path (in the host file's terms). */
export const decodeHostMessage = (bytes: Uint8Array): E.Either<readonly HostFileError[], HostSpec> => {
  if (bytes.length > MAX_HOST_BYTES) return E.left([{ path: [], line: null, message: `${bytes.length} bytes is more than any host (limit ${MAX_HOST_BYTES})` }])
  let wire: Wire
  try {
    wire = pb.Host.decode(bytes) as unknown as Wire
  } catch (e) {
    return E.left([{ path: [], line: null, message: `not a vpci.migration.v1.Host: ${e instanceof Error ? e.message : String(e)}` }])
  }
  const errors: HostFileError[] = []
  const version = Number(wire.schemaVersion ?? 0)
  if (version !== HOST_SCHEMA_VERSION) errors.push({ path: ['schemaVersion'], line: null, message: `schema version ${version}; this vpci reads version ${HOST_SCHEMA_VERSION}` })
  const data = {
    apiVersion: 'vpci/v1',
    kind: 'Host',
    metadata: { name: wire.name ?? '' },
    functions: ((wire.functions as Wire[] | undefined) ?? []).map((f, i) => functionData(f, i, errors)),
    ...(wire.pasid ? { pasid: pasidData(wire.pasid as Wire) } : {}),
  }
  const host = hostFromData(data)
  if (E.isLeft(host)) for (const e of host.left) errors.push({ ...e, line: null })
  return errors.length > 0 || E.isLeft(host) ? E.left(errors) : host
}

/** A pool's allocated ranges as the wire lists them: PASID 0, always allocated, left out. */
const rangesWire = (pool: PasidRanges): Wire[] => {
  const out: Wire[] = []
  for (let k = 0; k < pool.ranges.length; k += 3) {
    const start = Math.max(1, pool.ranges[k]!)
    const end = pool.ranges[k + 1]!
    if (end > start) out.push({ start, end })
  }
  return out
}

const functionWire = (f: HostFunctionSpec): Wire => {
  const base: Wire = { address: f.address, persona: personaWire(f.persona), pfAddress: f.pf ?? '', free: f.free }
  const s = f.source
  if (s.kind === 'image') {
    const resources = (s.resources?.entries ?? []).map((r) => ({ index: r.index, kind: RESOURCE_KIND.indexOf(r.kind), size: r.size.toString(), prefetchable: r.prefetchable, is_64bit: r.is64Bit }))
    return { ...base, configImage: Uint8Array.from(s.config.bytes), resources, resourcesKnown: s.resources !== null, imageName: s.name ?? '' }
  }
  if (s.kind === 'inline-layout') return { ...base, layout: layoutWire(s.layout) }
  return { ...base, file: { kind: FILE_KIND.indexOf(s.kind), path: s.path } }
}

/** The host as Host message bytes (schema version 1). */
export const encodeHostMessage = (host: HostSpec): Uint8Array => {
  const p = host.pasid
  const wire: Wire = {
    name: host.name,
    schemaVersion: HOST_SCHEMA_VERSION,
    functions: host.functions.map(functionWire),
    pasid:
      p === null
        ? null
        : {
            iommuWidth: p.iommuWidth,
            cpuTranslation: p.cpuTranslation,
            ...(p.split === null ? {} : { split: p.split }),
            globalAllocated: rangesWire(p.global),
            functions: p.functions.map((f) => ({ id: f.id, capabilityWidth: f.capabilityWidth, execute: f.execute, privileged: f.privileged, pasidEnabled: f.pasidEnabled, vf: f.isVf, allocated: rangesWire(f.pool) })),
          },
  }
  return pb.Host.encode(pb.Host.create(wire as never)).finish()
}

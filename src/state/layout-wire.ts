/**
 * Layouts and personas between the protobuf wire's plain objects (`vpci.migration.v1.FunctionLayout`,
 * `Persona`, as protobufjs decodes them) and the layout file's shape, for the codecs of the
 * messages that carry them (migration states, hosts). A wire layout is checked as a layout file
 * is: `layoutData` only renames and converts, the file's checks decide.
 */
import { hexOf } from '../decode/hex-bytes.js'
import type { FunctionLayout, Persona, RawBytes } from '../layout/function-layout.js'

export type Wire = Record<string, unknown>

const SPACE = ['', 'standard', 'extended'] as const
const BACKING = ['', 'passthrough', 'emulated'] as const
const BAR_KIND = ['', 'memory32', 'memory64', 'io'] as const

/** A uint64 from the wire (a number, or a Long when the value may exceed 2^53). */
export const u64 = (v: unknown): bigint | null => (v === null || v === undefined ? null : BigInt(String(v)))
/** The name of an enum value, or a phrase the file's checks refuse. */
export const enumName = <T>(names: readonly T[], v: unknown): T | string => names[Number(v ?? 0)] ?? `unknown enum ${String(v)}`
const runs = (list: unknown): Array<{ at: number; hex: string }> => ((list as Wire[] | undefined) ?? []).map((r) => ({ at: Number(r.at ?? 0), hex: hexOf((r.data as Uint8Array | undefined) ?? new Uint8Array(), ' ') }))

/** A wire persona in the file's shape (null when absent). */
export const personaData = (p: Wire | null | undefined): unknown =>
  p ? { family: p.family ?? '', hardwareVersion: p.hardwareVersion ?? '', firmware: p.firmware ?? '', migrationStreams: p.migrationStreams ?? [] } : null

/** A wire layout in the layout file's shape, for the layout file's checks. */
export const layoutData = (w: Wire): unknown => {
  const id = (w.identity ?? {}) as Wire
  const persona = w.persona as Wire | null | undefined
  const rom = w.rom as Wire | null | undefined
  const header = (w.header ?? {}) as Wire
  return {
    apiVersion: 'vpci/v1',
    kind: 'FunctionLayout',
    metadata: { name: w.name ?? '' },
    size: w.size,
    identity: {
      vendorId: id.vendorId ?? 0,
      deviceId: id.deviceId ?? 0,
      revisionId: id.revisionId ?? 0,
      classCode: id.classCode ?? 0,
      subsystemVendorId: id.subsystemVendorId ?? 0,
      subsystemId: id.subsystemId ?? 0,
    },
    ...(persona ? { persona: { family: persona.family, hardwareVersion: persona.hardwareVersion, firmware: persona.firmware, migrationStreams: persona.migrationStreams ?? [] } } : {}),
    bars: ((w.bars as Wire[] | undefined) ?? []).map((b) => ({ index: b.index ?? 0, kind: enumName(BAR_KIND, b.kind), prefetchable: b.prefetchable ?? false, size: b.size === null || b.size === undefined ? null : u64(b.size)!.toString() })),
    rom: rom ? { size: rom.size === null || rom.size === undefined ? null : u64(rom.size)!.toString() } : null,
    header: { fields: header.fields ?? {}, bytes: runs(header.bytes) },
    capabilities: ((w.capabilities as Wire[] | undefined) ?? []).map((c) => ({
      space: enumName(SPACE, c.space),
      offset: c.offset ?? 0,
      id: c.id ?? 0,
      ...(c.version === null || c.version === undefined ? {} : { version: c.version }),
      backing: enumName(BACKING, c.backing),
      length: c.length ?? 0,
      fields: c.fields ?? {},
      bytes: runs(c.bytes),
    })),
    unclaimed: runs(w.unclaimed),
    hidden: ((w.hidden as Wire[] | undefined) ?? []).map((h) => ({ space: enumName(SPACE, h.space), id: h.id ?? 0, offset: h.offset ?? null })),
  }
}

const bytesOf = (raw: RawBytes) => raw.map((r) => ({ at: r.at, data: Uint8Array.from(r.bytes) }))

/** A persona as the wire writes it (null when absent). */
export const personaWire = (p: Persona | null): Wire | null => (p === null ? null : { ...p, migrationStreams: [...p.migrationStreams] })

/** A layout as the wire writes it. Sizes go as decimal strings: exact beyond 2^53. */
export const layoutWire = (l: FunctionLayout): Wire => ({
  name: l.name,
  size: l.size,
  identity: { ...l.identity },
  persona: personaWire(l.persona),
  bars: l.bars.map((b) => ({ index: b.index, kind: BAR_KIND.indexOf(b.kind), prefetchable: b.prefetchable, ...(b.size === null ? {} : { size: b.size.toString() }) })),
  rom: l.rom === null ? null : l.rom.size === null ? {} : { size: l.rom.size.toString() },
  header: { fields: { ...l.header.fields }, bytes: bytesOf(l.header.bytes) },
  capabilities: l.capabilities.map((c) => ({
    space: SPACE.indexOf(c.space),
    offset: c.offset,
    id: c.id,
    ...(c.version === null ? {} : { version: c.version }),
    backing: BACKING.indexOf(c.backing),
    length: c.length,
    fields: { ...c.fields },
    bytes: bytesOf(c.bytes),
  })),
  unclaimed: bytesOf(l.unclaimed),
  hidden: l.hidden.map((h) => ({ space: SPACE.indexOf(h.space), id: h.id, ...(h.offset === null ? {} : { offset: h.offset }) })),
})

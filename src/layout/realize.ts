/**
 * Realizability: can this physical function back this layout? Every passthrough capability
 * needs a physical counterpart (at any offset) whose fields satisfy their rules against the
 * layout's values: identity equal, capacity at least, features a superset, bytes no field
 * describes equal. Emulated capabilities need what they stand on (a vPASID needs physical
 * PASID support, a VF's on its PF). BAR types and sizes must match. The answer is the
 * virtual→physical offset map the VMM traps config accesses with, or every reason it cannot.
 */
import * as E from 'fp-ts/lib/Either.js'
import { type Capability, capabilityLabel } from '../capability/capability.js'
import { type FieldSpec, fieldMask, fieldValue, showValue } from '../capability/field.js'
import { readU8, readU16 } from '../config-space/config-space.js'
import { hex, type Reason, RULE_CONSEQUENCE } from '../proof/reason.js'
import { type PreparedFunction, prepareFunction } from '../semantic/prepared-function.js'
import { type FieldInstance, fieldsOfCapability } from '../semantic/semantic-image.js'
import { build } from './build.js'
import type { FunctionLayout, LayoutCapability, Persona } from './function-layout.js'
import type { LayoutError } from './layout-error.js'
import { pairCapabilities, readRegister as read } from './pair-capabilities.js'
import { checkPersona, type PersonaMatrix, personaOf } from './persona.js'
import { isVirtualFunction, physicalBars, vfIdentity } from './physical-bars.js'

export interface OffsetMapping {
  readonly space: 'standard' | 'extended'
  readonly capability: string
  readonly virtualOffset: number
  /** Where the VMM forwards accesses; null for an emulated capability. */
  readonly physicalOffset: number | null
  readonly length: number
  readonly backing: 'passthrough' | 'emulated'
}

export interface Realization {
  readonly compatible: boolean
  readonly reasons: readonly Reason[]
  /** The map when compatible; null otherwise. */
  readonly offsetMap: readonly OffsetMapping[] | null
}

export interface RealizeOptions {
  /** For a VF: its PF, whose PASID capability a vPASID stands on. */
  readonly pf?: PreparedFunction
  /**
   * The persona matrix of the fleet: with it, a layout that names a persona is checked against
   * the destination hardware's (by vendor, device and revision).
   */
  readonly personas?: PersonaMatrix
  /** The destination's persona when known directly (a host file names it); else the matrix's. */
  readonly destinationPersona?: Persona | null
}

const PASID_ID = 0x1b

const reason = (r: Omit<Reason, 'severity'> & { severity?: Reason['severity'] }): Reason => ({ severity: 'error', ...r })

/** Does the physical field value satisfy the layout's under the field's rule? */
const satisfies = (spec: FieldSpec, virtual: number, physical: number): boolean => {
  switch (spec.rule) {
    case 'identity':
      return virtual === physical
    case 'capacity': {
      const m = spec.magnitude ?? ((x: number) => x)
      return m(physical) >= m(virtual)
    }
    case 'features':
      return ((physical & virtual) >>> 0) === virtual
    default:
      return true
  }
}

const fieldReasons = (
  virtual: PreparedFunction,
  physical: PreparedFunction,
  vcap: Capability,
  pcap: Capability,
  fields: readonly FieldInstance[],
): Reason[] => {
  const reasons: Reason[] = []
  const delta = pcap.offset - vcap.offset
  const coverage = new Uint8Array(vcap.length)
  for (const f of fields) {
    const spec = f.spec
    const mask = fieldMask(spec)
    for (let k = 0; k < spec.width; k++) {
      const at = f.offset - vcap.offset + k
      if (at >= 0 && at < coverage.length) coverage[at]! |= (mask >>> (8 * k)) & 0xff
    }
    if (spec.access === 'RW' || spec.access === 'RW1C' || spec.rule === 'volatile' || spec.rule === 'state') continue
    const v = fieldValue(spec, read(virtual, f.offset, spec.width))
    const p = fieldValue(spec, read(physical, f.offset + delta, spec.width))
    if (spec.rule === 'instance') {
      reasons.push(
        reason({
          code: 'FIELD_INSTANCE',
          severity: 'warning',
          capability: vcap.name,
          field: spec.key,
          offset: f.offset,
          length: spec.width,
          source: v,
          destination: p,
          message: `${capabilityLabel(vcap)}, ${spec.name} is passed through: ${spec.why ?? RULE_CONSEQUENCE.instance}`,
        }),
      )
      continue
    }
    if (satisfies(spec, v, p)) continue
    const code = spec.rule === 'capacity' ? 'FIELD_CAPACITY' : spec.rule === 'features' ? 'FIELD_FEATURES' : 'FIELD_IDENTITY'
    const need = spec.rule === 'capacity' ? 'at least' : spec.rule === 'features' ? 'every bit of' : 'exactly'
    reasons.push(
      reason({
        code,
        capability: vcap.name,
        field: spec.key,
        offset: f.offset,
        length: spec.width,
        source: v,
        destination: p,
        message: `${capabilityLabel(vcap)}, ${spec.name}: the layout presents ${showValue(spec, v)}, the physical function has ${showValue(spec, p)} (needs ${need} the layout's) — ${spec.why ?? RULE_CONSEQUENCE[spec.rule]}`,
      }),
    )
  }
  // Bytes no field describes are passed through as they are: they must be equal.
  const header = vcap.space === 'standard' ? 2 : 4
  for (let i = header; i < vcap.length; i++) {
    const bits = ~coverage[i]! & 0xff
    const v = virtual.config.bytes[vcap.offset + i]! & bits
    const p = (physical.config.bytes[pcap.offset + i] ?? 0) & bits
    if (v === p) continue
    reasons.push(
      reason({
        code: 'BYTES_DIFFER',
        capability: vcap.name,
        field: null,
        offset: vcap.offset + i,
        length: 1,
        source: v,
        destination: p,
        message: `${capabilityLabel(vcap)}: byte +${hex(i)} reads ${hex(p)} on the physical function, the layout presents ${hex(v)}; bytes no field describes are passed through as they are`,
      }),
    )
  }
  return reasons
}

const typeOf = (kind: string, prefetchable: boolean): string => `${kind}${prefetchable ? ' prefetchable' : ''}`

/**
 * The layout's BARs and expansion ROM against what the physical function decodes (for a VF, its
 * PF's VF BARs): the same type, and the same size where both sides know it. A guest sizes every
 * BAR and the ROM BAR by writing all ones, so presence and size are guest-visible (BAR_DIFFERS,
 * as between two dumps); a size known on neither side is a warning, assumed and not checked.
 */
const barReasons = (layout: FunctionLayout, physical: PreparedFunction, pf: PreparedFunction | undefined): Reason[] => {
  const seen = physicalBars(physical, pf)
  if (seen === null) return []
  const reasons: Reason[] = []
  let unknown = false
  const differs = (field: string, offset: number, source: string, destination: string, message: string): Reason =>
    reason({ code: 'BAR_DIFFERS', capability: null, field, offset, length: 4, source, destination, message: `${field}: ${message}` })
  for (const bar of layout.bars) {
    const p = seen.bars.find((b) => b.index === bar.index)
    const field = `BAR ${bar.index}`
    const offset = 0x10 + 4 * bar.index
    const v = typeOf(bar.kind, bar.prefetchable)
    if (p === undefined && !seen.sized) {
      // Unsized, a register reading 0 may be an unassigned 32-bit memory BAR.
      if (bar.kind === 'memory32' && !bar.prefetchable) unknown = true
      else reasons.push(differs(field, offset, v, 'memory32', `the layout presents ${v}, the physical function's register reads 0 (a 32-bit memory BAR or none)`))
    } else if (p === undefined) {
      reasons.push(differs(field, offset, v, 'none', `the layout presents a ${v} BAR, the physical function implements none there`))
    } else if (p.kind !== bar.kind || p.prefetchable !== bar.prefetchable) {
      reasons.push(differs(field, offset, v, typeOf(p.kind, p.prefetchable), `the layout presents ${v}, the physical function has ${typeOf(p.kind, p.prefetchable)}`))
    } else if (bar.size === null || p.size === null) {
      unknown = true
    } else if (bar.size !== p.size) {
      reasons.push(differs(field, offset, bar.size.toString(), p.size.toString(), `the layout presents ${bar.size} bytes, the physical function decodes ${p.size}; the guest maps the layout's size`))
    }
  }
  if (layout.rom !== null) {
    const field = 'Expansion ROM'
    const offset = layout.header.fields.headerLayout === 1 ? 0x38 : 0x30
    const v = layout.rom.size === null ? 'a ROM' : `${layout.rom.size} bytes`
    if (seen.rom === 'absent') {
      reasons.push(differs(field, offset, v, 'none', `the layout presents ${layout.rom.size === null ? 'an expansion ROM' : `a ${layout.rom.size}-byte expansion ROM`}, the physical function has none${isVirtualFunction(physical) ? ' (a VF\'s ROM BAR is read-only zero)' : ''}`))
    } else if (seen.rom === null || seen.rom.size === null || layout.rom.size === null) {
      unknown = true
    } else if (seen.rom.size !== layout.rom.size) {
      reasons.push(differs(field, offset, v, `${seen.rom.size} bytes`, `the layout presents ${layout.rom.size} bytes, the physical function's ROM is ${seen.rom.size}; the guest sizes the ROM BAR by the layout`))
    }
  }
  if (unknown) {
    reasons.push(
      reason({
        code: 'BAR_SIZE_UNKNOWN',
        severity: 'warning',
        capability: null,
        field: null,
        offset: 0x10,
        length: 0x24,
        source: layout.bars.every((b) => b.size !== null) && (layout.rom === null || layout.rom.size !== null),
        destination: physical.bars.known,
        message: `BAR or ROM sizes are unknown on the ${physical.bars.known ? 'layout' : 'physical function (a dump carries none; give its sysfs folder)'}: assumed to match, not checked`,
      }),
    )
  }
  return reasons
}

/** A capability of the layout that no physical capability can back. */
const missing = (c: LayoutCapability, vcap: Capability, message: string): Reason =>
  reason({ code: 'CAP_MISSING', capability: vcap.name, field: null, offset: c.offset, length: c.length, source: { offset: c.offset, id: c.id, version: c.version }, destination: null, message })

const IDENTITY: ReadonlyArray<readonly [keyof FunctionLayout['identity'], string, number, 1 | 2, 'error' | 'warning']> = [
  ['vendorId', 'Vendor ID', 0x00, 2, 'error'],
  ['deviceId', 'Device ID', 0x02, 2, 'error'],
  ['subsystemVendorId', 'Subsystem Vendor ID', 0x2c, 2, 'error'],
  ['subsystemId', 'Subsystem ID', 0x2e, 2, 'error'],
  ['revisionId', 'Revision ID', 0x08, 1, 'warning'],
]

/** Whether `physical` can back `layout`, with the offset map when it can. */
export const realize = (layout: FunctionLayout, physical: PreparedFunction, options: RealizeOptions = {}): E.Either<readonly LayoutError[], Realization> => {
  const built = build(layout)
  if (E.isLeft(built)) return built
  const virtual = prepareFunction(built.right)
  const reasons: Reason[] = []
  const classCode = readU8(physical.config, 0x09) | (readU8(physical.config, 0x0a) << 8) | (readU8(physical.config, 0x0b) << 16)
  // A VF reads 0xFFFF for both IDs: its PF tells them (physical-bars.ts), or nothing proves them.
  const vf = isVirtualFunction(physical)
  const fromPf = vf && options.pf !== undefined ? vfIdentity(options.pf) : null
  if (vf && fromPf === null) {
    reasons.push(
      reason({
        code: 'VF_NEEDS_PF',
        capability: null,
        field: 'vendorId',
        offset: 0x00,
        length: 4,
        source: { vendorId: layout.identity.vendorId, deviceId: layout.identity.deviceId },
        destination: options.pf === undefined ? null : options.pf.name,
        message: `${physical.name} is a VF (Vendor and Device ID read 0xffff): ${options.pf === undefined ? 'its PF tells its identity and BARs; give the PF' : `its PF ${options.pf.name} has no SR-IOV capability to tell its identity and BARs`}`,
      }),
    )
  }
  for (const [key, name, at, width, severity] of IDENTITY) {
    if (physical.walk.facts.headerLayout !== 0 && at >= 0x2c) continue
    if (vf && at < 0x04 && fromPf === null) continue
    const p = vf && at < 0x04 ? fromPf![key === 'vendorId' ? 'vendorId' : 'deviceId'] : width === 1 ? readU8(physical.config, at) : readU16(physical.config, at)
    if (p === layout.identity[key]) continue
    reasons.push(
      reason({
        code: 'FIELD_IDENTITY',
        severity,
        capability: null,
        field: key,
        offset: at,
        length: width,
        source: layout.identity[key],
        destination: p,
        message:
          severity === 'warning'
            ? `${name}: the layout presents ${hex(layout.identity[key])}, the hardware is ${hex(p)}; the guest sees the layout's (the variant driver must accept this hardware)`
            : `${name}: the layout presents ${hex(layout.identity[key])}, the physical function is ${hex(p)}; it is another device`,
      }),
    )
  }
  if (classCode !== layout.identity.classCode) {
    reasons.push(reason({ code: 'FIELD_IDENTITY', capability: null, field: 'classCode', offset: 0x09, length: 3, source: layout.identity.classCode, destination: classCode, message: `Class Code: the layout presents ${hex(layout.identity.classCode)}, the physical function is ${hex(classCode)}` }))
  }
  const pairs = pairCapabilities(virtual, physical)
  const map: OffsetMapping[] = []
  const byOffset = (c: LayoutCapability): Capability | undefined => virtual.walk.capabilities.find((v) => v.space === c.space && v.offset === c.offset)
  for (const c of layout.capabilities) {
    const vcap = byOffset(c)
    if (vcap === undefined) continue
    if (c.backing === 'emulated') {
      map.push({ space: c.space, capability: vcap.name, virtualOffset: c.offset, physicalOffset: null, length: c.length, backing: 'emulated' })
      if (c.id === PASID_ID) {
        const source = options.pf ?? physical
        const pasid = source.walk.capabilities.find((p) => p.space === 'extended' && p.id === PASID_ID)
        if (pasid === undefined) {
          reasons.push(missing(c, vcap, `the layout emulates PASID at ${hex(c.offset)}, which needs PASID support on the physical function${options.pf ? "'s PF" : ' (for a VF, give its PF)'}; ${source.name} has no PASID capability`))
        } else {
          reasons.push(...fieldReasons(virtual, source, vcap, pasid, fieldsOfCapability(virtual.semantic, vcap)).filter((r) => r.code !== 'BYTES_DIFFER'))
        }
      }
      continue
    }
    const pcap = pairs.get(vcap)
    if (pcap === undefined) {
      reasons.push(missing(c, vcap, `the layout passes through ${capabilityLabel(vcap)}, but ${physical.name} has no ${vcap.name} capability`))
      continue
    }
    if (pcap.version !== vcap.version || pcap.length < vcap.length) {
      reasons.push(
        reason({
          code: pcap.version !== vcap.version ? 'CAP_VERSION' : 'CAP_LENGTH',
          capability: vcap.name,
          field: null,
          offset: c.offset,
          length: c.length,
          source: { version: vcap.version, length: vcap.length },
          destination: { offset: pcap.offset, version: pcap.version, length: pcap.length },
          message: `${capabilityLabel(vcap)}: the physical one is ${pcap.version === null ? '' : `version ${pcap.version}, `}${pcap.length} bytes at ${hex(pcap.offset)}; the layout needs version ${vcap.version ?? '-'} and ${vcap.length} bytes`,
        }),
      )
      continue
    }
    reasons.push(...fieldReasons(virtual, physical, vcap, pcap, fieldsOfCapability(virtual.semantic, vcap)))
    map.push({ space: c.space, capability: vcap.name, virtualOffset: c.offset, physicalOffset: pcap.offset, length: c.length, backing: 'passthrough' })
  }
  reasons.push(...barReasons(layout, physical, options.pf))
  if (layout.persona !== null && (options.destinationPersona !== undefined || options.personas !== undefined)) {
    const c = physical.config
    const destination =
      options.destinationPersona ?? (options.personas === undefined ? null : personaOf(options.personas, { vendorId: readU16(c, 0), deviceId: readU16(c, 2), revisionId: readU8(c, 8), ...(physical.walk.facts.headerLayout === 0 && c.size > 0x2f ? { subsystemVendorId: readU16(c, 0x2c), subsystemId: readU16(c, 0x2e) } : {}) }))
    reasons.push(...checkPersona(layout.persona, destination))
  }
  const compatible = !reasons.some((r) => r.severity === 'error')
  return E.right({ compatible, reasons, offsetMap: compatible ? map : null })
}

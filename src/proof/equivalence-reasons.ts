/**
 * Every difference between two prepared functions that a guest could observe, as reasons.
 * Decided over every offset: the capability chains are matched structurally, then each byte's
 * read-only value, write mask and write-1-to-clear mask are compared and every difference is
 * attributed to the field (or the unclaimed bytes) it lies in. BAR sizes are compared when both
 * sides know them.
 */
import { hexOf } from '../decode/hex-bytes.js'
import { Buffer } from 'node:buffer'
import { type Capability, capabilityLabel } from '../capability/capability.js'
import { type FieldSpec, fieldMask, fieldValue, showValue } from '../capability/field.js'
import { readU8, readU16, readU32 } from '../config-space/config-space.js'
import type { Resource } from '../dump/sysfs-resource.js'
import { fieldsByRegister, type PreparedFunction } from '../semantic/prepared-function.js'
import type { OptionalByte } from '../semantic/layout-skeleton.js'
import type { FieldInstance } from '../semantic/semantic-image.js'
import { scopeAt } from './function-scope.js'
import { hex, RULE_CODE, RULE_CONSEQUENCE, type Reason, type ReasonValue } from './reason.js'
import { type UnprovenStateOptions, unprovenState } from './unproven-state.js'
import { relaxedRuns, type VmmPolicyName } from '../layout/vmm-policy.js'

export interface EquivalenceOptions extends UnprovenStateOptions {
  /**
   * How differing `instance` fields (Device Serial Number) count: `warn` (the default: a layout
   * should virtualize them) or `refuse` (as QEMU's load check, which compares them like any
   * read-only byte).
   */
  readonly instance?: 'warn' | 'refuse'
  /**
   * The VMM that loads the migrated state (vmm-policy.ts): bytes its load check does not compare
   * (QEMU 9.1's skip-vsc-check: vendor bytes of a Vendor-Specific capability) may differ. Absent:
   * every byte is compared.
   */
  readonly vmm?: VmmPolicyName
}

/** How many leading bytes of both images can be compared, with reasons when not all. */
const comparableBytes = (a: PreparedFunction, b: PreparedFunction, reasons: Reason[]): number => {
  for (const [side, f] of [['source', a], ['destination', b]] as const) {
    if (f.config.size === 64) {
      reasons.push({
        code: 'IMAGE_INCOMPLETE',
        severity: 'error',
        capability: null,
        field: null,
        offset: 0x40,
        length: null,
        source: a.config.size,
        destination: b.config.size,
        message: `the ${side} (${f.name}) was read as 64 bytes, so its capabilities are not visible; read the full config space (lspci -xxxx or sysfs config as root)`,
      })
    }
  }
  if (a.config.size === 64 || b.config.size === 64) return 0
  if (a.config.size === b.config.size) return a.config.size
  const short = a.config.size < b.config.size ? ['source', a] : ['destination', b]
  const [side, f] = short as [string, PreparedFunction]
  if (a.walk.extendedSpace || b.walk.extendedSpace) {
    reasons.push({
      code: 'EXTENDED_SPACE_UNKNOWN',
      severity: 'error',
      capability: null,
      field: null,
      offset: 0x100,
      length: 0xf00,
      source: a.config.size,
      destination: b.config.size,
      message: `the ${side} (${f.name}) was read as 256 bytes, so its extended capabilities are unknown; read all 4096 bytes (lspci -xxxx or sysfs config as root)`,
    })
  }
  return 0x100
}

const capabilityValue = (c: Capability): ReasonValue => ({ offset: c.offset, id: c.id, version: c.version, length: c.length })

interface Structure {
  readonly reasons: Reason[]
  /** Byte ranges [start, end) whose layout differs, on either side. */
  readonly zones: Array<readonly [number, number]>
}

/** Matches capabilities by (space, ID, occurrence) and reports what moved, changed or is on one side only. */
const compareStructure = (a: PreparedFunction, b: PreparedFunction, limit: number): Structure => {
  const reasons: Reason[] = []
  const zones: Array<readonly [number, number]> = []
  const keyed = (f: PreparedFunction): Map<string, Capability> => {
    const seen = new Map<string, number>()
    const map = new Map<string, Capability>()
    for (const c of f.walk.capabilities) {
      if (c.offset >= limit) continue
      const base = `${c.space}:${c.id}`
      const n = seen.get(base) ?? 0
      seen.set(base, n + 1)
      map.set(`${base}:${n}`, c)
    }
    return map
  }
  const left = keyed(a)
  const right = keyed(b)
  const zone = (c: Capability): void => void zones.push([c.offset, c.offset + c.length])
  for (const [key, ca] of left) {
    const cb = right.get(key)
    const reason = (code: Reason['code'], message: string, length = ca.length): Reason => ({
      code,
      severity: 'error',
      capability: ca.name,
      field: null,
      offset: ca.offset,
      length,
      source: capabilityValue(ca),
      destination: cb === undefined ? null : capabilityValue(cb),
      message,
    })
    if (cb === undefined) {
      reasons.push(reason('CAP_MISSING', `${capabilityLabel(ca)} is missing on the destination; the guest found it on the source and may be using it`))
      zone(ca)
      continue
    }
    if (ca.offset !== cb.offset) {
      reasons.push(
        reason(
          'CAP_OFFSET_MOVED',
          `${ca.name} is at ${hex(ca.offset)} on the source but ${hex(cb.offset)} on the destination; guest drivers cache capability offsets`,
        ),
      )
      zone(ca)
      zone(cb)
      continue
    }
    if (ca.version !== cb.version) {
      reasons.push(reason('CAP_VERSION', `${capabilityLabel(ca)}: version ${ca.version} on the source, ${cb.version} on the destination; the register layout may differ`, 4))
      zone(ca)
      zone(cb)
    } else if (ca.length !== cb.length) {
      reasons.push(
        reason('CAP_LENGTH', `${capabilityLabel(ca)} is ${ca.length} bytes on the source but ${cb.length} on the destination; its registers differ`, Math.max(ca.length, cb.length)),
      )
      zone(ca)
      zone(cb)
    }
  }
  for (const [key, cb] of right) {
    if (left.has(key)) continue
    reasons.push({
      code: 'CAP_ADDED',
      severity: 'error',
      capability: cb.name,
      field: null,
      offset: cb.offset,
      length: cb.length,
      source: null,
      destination: capabilityValue(cb),
      message: `${capabilityLabel(cb)} exists only on the destination; the guest would find a capability appear under it`,
    })
    zone(cb)
  }
  return { reasons, zones }
}

const readRegister = (f: PreparedFunction, offset: number, width: 1 | 2 | 4): number =>
  width === 1 ? readU8(f.config, offset) : width === 2 ? readU16(f.config, offset) : readU32(f.config, offset)

const fieldReason = (a: PreparedFunction, b: PreparedFunction, f: FieldInstance, options: EquivalenceOptions): Reason => {
  const spec: FieldSpec = f.spec
  const source = fieldValue(spec, readRegister(a, f.offset, spec.width))
  const destination = fieldValue(spec, readRegister(b, f.offset, spec.width))
  const where = f.capability === null ? 'Header' : capabilityLabel(f.capability)
  const warn = spec.rule === 'instance' && options.instance !== 'refuse'
  return {
    code: RULE_CODE[spec.rule],
    severity: warn ? 'warning' : 'error',
    capability: f.capability?.name ?? null,
    field: spec.key,
    offset: f.offset,
    length: spec.width,
    source,
    destination,
    message: `${where}, ${spec.name}: source ${showValue(spec, source)}, destination ${showValue(spec, destination)} — ${spec.why ?? RULE_CONSEQUENCE[spec.rule]}`,
  }
}

/** Consecutive differing bytes in one scope, reported as one reason. */
interface Run {
  code: 'BYTES_DIFFER' | 'WRITE_MASK_DIFFERS'
  label: string
  capability: string | null
  headerBytes: boolean
  start: number
  end: number
}

const runReason = (a: PreparedFunction, b: PreparedFunction, run: Run): Reason => {
  const length = run.end - run.start
  const bytes = (f: PreparedFunction): string => hexOf(f.config.bytes.subarray(run.start, run.end), ' ')
  const range = length === 1 ? hex(run.start) : `${hex(run.start)}–${hex(run.end - 1)}`
  const message =
    run.code === 'WRITE_MASK_DIFFERS'
      ? `${run.label}: the guest may write different bits at ${range} on source and destination`
      : run.headerBytes
        ? `${run.label}: capability header bytes ${range} differ (ID, version or next pointer): the chains are not the same`
        : `${run.label}: read-only bytes ${range} differ: source ${bytes(a)}, destination ${bytes(b)}`
  return {
    code: run.code,
    severity: 'error',
    capability: run.capability,
    field: null,
    offset: run.start,
    length,
    source: bytes(a),
    destination: bytes(b),
    message,
  }
}

const BAR_NAMES = ['BAR 0', 'BAR 1', 'BAR 2', 'BAR 3', 'BAR 4', 'BAR 5', 'Expansion ROM']

const barName = (index: number): string => BAR_NAMES[index] ?? `VF BAR ${index - 7}`

const barOffset = (f: PreparedFunction, index: number): number | null => {
  if (index < 6) return 0x10 + 4 * index
  if (index === 6) return f.walk.facts.headerLayout === 1 ? 0x38 : 0x30
  const sriov = f.walk.capabilities.find((c) => c.space === 'extended' && c.id === 0x10)
  return sriov === undefined ? null : sriov.offset + 0x24 + 4 * (index - 7)
}

const barValue = (r: Resource | undefined): ReasonValue =>
  r === undefined || r.kind === 'unused' ? null : { kind: r.kind, size: r.size.toString(), prefetchable: r.prefetchable, is64Bit: r.is64Bit }

const describeBar = (r: Resource | undefined): string =>
  r === undefined || r.kind === 'unused'
    ? 'not implemented'
    : `${r.size} bytes ${r.kind}${r.kind === 'memory' ? `${r.is64Bit ? ' 64-bit' : ' 32-bit'}${r.prefetchable ? ' prefetchable' : ''}` : ''}`

const compareBars = (a: PreparedFunction, b: PreparedFunction): Reason[] => {
  if (!a.bars.known || !b.bars.known) {
    const sides = [!a.bars.known ? `source (${a.name})` : null, !b.bars.known ? `destination (${b.name})` : null].filter((s) => s !== null)
    return [
      {
        code: 'BAR_SIZE_UNKNOWN',
        severity: 'warning',
        capability: null,
        field: null,
        offset: 0x10,
        length: 0x18,
        source: a.bars.known,
        destination: b.bars.known,
        message: `BAR and ROM sizes of the ${sides.join(' and ')} are unknown (a dump carries none): assumed equal, not checked; give a sysfs device folder or a layout file to check them`,
      },
    ]
  }
  const reasons: Reason[] = []
  const indices = new Set([...a.bars.resources, ...b.bars.resources].map((r) => r.index))
  for (const index of [...indices].sort((x, y) => x - y)) {
    const ra = a.bars.resources.find((r) => r.index === index)
    const rb = b.bars.resources.find((r) => r.index === index)
    if (JSON.stringify(barValue(ra)) === JSON.stringify(barValue(rb))) continue
    reasons.push({
      code: 'BAR_DIFFERS',
      severity: 'error',
      capability: index >= 7 ? 'Single Root I/O Virtualization' : null,
      field: barName(index),
      offset: barOffset(a, index),
      length: 4,
      source: barValue(ra),
      destination: barValue(rb),
      message: `${barName(index)}: source ${describeBar(ra)}, destination ${describeBar(rb)} — the guest mapped the source's BAR and sized its accesses by it`,
    })
  }
  return reasons
}

/**
 * The source's set optional bits that the destination reads as 0, where both hold the same
 * field at the same place (elsewhere a structural reason already refuses).
 */
const optionalReasons = (a: PreparedFunction, b: PreparedFunction, zone: Uint8Array, options: EquivalenceOptions): Reason[] => {
  // A reason needs a set optional bit of the source that reads 0 at the same offset on the
  // destination; most pairs have none, and then nothing else need be looked up.
  let candidate = false
  for (let k = 0; k < a.optional.length && !candidate; k++) {
    const o = a.optional[k]!
    candidate = (a.config.bytes[o.at]! & o.bits & ~(b.config.bytes[o.at] ?? 0)) !== 0
  }
  if (!candidate) return []
  // The same skeleton places the same fields at the same offsets.
  const sameSkeleton = a.skeletonKey === b.skeletonKey
  const same = (o: OptionalByte): boolean =>
    o.at < zone.length && zone[o.at] === 0 && (sameSkeleton || (fieldsByRegister(b).get(o.field.offset) ?? []).some((f) => f.spec.key === o.field.spec.key))
  return unprovenState(a.config, a.optional, b, (o) => (same(o) ? o.at : null), options)
}

/** Zeros for a pair whose layouts differ nowhere (never written). */
const NO_ZONES = new Uint8Array(4096)

/** Every difference between `a` (source) and `b` (destination), structural first, then by offset. */
export const equivalenceReasons = (a: PreparedFunction, b: PreparedFunction, options: EquivalenceOptions = {}): Reason[] => {
  const reasons: Reason[] = []
  const limit = comparableBytes(a, b, reasons)
  if (limit === 0) return reasons
  const sa = a.semantic
  const sb = b.semantic
  const identical = sa.size === sb.size && Buffer.compare(sa.packed, sb.packed) === 0
  // Same skeleton: the same chains and field tables, so no structural difference is possible.
  const structure = identical && a.skeletonKey === b.skeletonKey ? { reasons: [], zones: [] } : compareStructure(a, b, limit)
  reasons.push(...structure.reasons)
  // Most pairs have no zone: then one shared array of zeros, read only.
  const zone = structure.zones.length === 0 ? NO_ZONES.subarray(0, limit) : new Uint8Array(limit)
  for (const [start, end] of structure.zones) zone.fill(1, start, Math.min(end, limit))
  // Bytes the named VMM does not compare, where both sides hold the same capability.
  const relaxed = new Uint8Array(limit)
  for (const r of relaxedRuns(options.vmm, a, b)) relaxed.fill(1, r.start, Math.min(r.end, limit))
  const covered = (at: number): boolean => structure.reasons.some((r) => r.offset !== null && r.length !== null && at >= r.offset && at < r.offset + r.length)

  const [na, nb] = [sa.size, sb.size]
  const differing = new Set<FieldInstance>()
  const runs: Run[] = []
  const registers = identical ? new Map<number, readonly FieldInstance[]>() : fieldsByRegister(a)
  const extend = (code: Run['code'], at: number): void => {
    const scope = scopeAt(a, at).capability === null && at >= 0x40 ? scopeAt(b, at) : scopeAt(a, at)
    const last = runs[runs.length - 1]
    if (last !== undefined && last.code === code && last.end === at && last.label === scope.label) {
      last.end++
      return
    }
    runs.push({ code, label: scope.label, capability: scope.capability?.name ?? null, headerBytes: scope.capabilityHeader, start: at, end: at + 1 })
  }
  for (let i = 0; i < limit && !identical; i++) {
    const wa = sa.packed[na + i]!
    const wb = sb.packed[nb + i]!
    const ca = sa.packed[2 * na + i]!
    const cb = sb.packed[2 * nb + i]!
    const masks = (wa ^ wb) | (ca ^ cb)
    if (zone[i]) {
      // Where the layouts differ, any differing byte or mask is reported unless a structural
      // reason already covers it.
      if ((masks !== 0 || a.config.bytes[i] !== b.config.bytes[i]) && !covered(i)) extend('BYTES_DIFFER', i)
      continue
    }
    if (masks !== 0) extend('WRITE_MASK_DIFFERS', i)
    if (relaxed[i]) continue
    let diff = (sa.packed[i]! ^ sb.packed[i]!) & ~(wa | wb | ca | cb)
    if (diff === 0) continue
    for (let r = i - 3; r <= i; r++) {
      for (const f of registers.get(r) ?? []) {
        if (r + f.spec.width <= i) continue
        const bits = (fieldMask(f.spec) >>> (8 * (i - r))) & 0xff
        if (bits & diff) differing.add(f)
        diff &= ~bits
      }
    }
    if (diff !== 0) extend('BYTES_DIFFER', i)
  }
  const byOffset: Reason[] = [
    ...[...differing].map((f) => fieldReason(a, b, f, options)),
    ...runs.map((r) => runReason(a, b, r)),
    ...optionalReasons(a, b, zone, options),
  ]
  byOffset.sort((x, y) => (x.offset ?? 0) - (y.offset ?? 0))
  reasons.push(...byOffset, ...compareBars(a, b))
  return reasons
}

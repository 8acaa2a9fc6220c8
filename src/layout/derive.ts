/**
 * Autoconfiguration: the guest-visible layout of a physical function under a hiding policy,
 * optionally with a synthesised (emulated) vPASID capability in free extended space. Every
 * exposed capability keeps its offset and bytes: named fields for the bits the registry
 * describes, raw bytes for the rest.
 */
import * as E from 'fp-ts/lib/Either.js'
import { type Capability, isHiddenPlaceholder } from '../capability/capability.js'
import { fieldMask, fieldValue } from '../capability/field.js'
import { barKindOf } from '../capability/fields/bar-fields.js'
import { readU8, readU16, readU32 } from '../config-space/config-space.js'
import { renderWalkProblem } from '../capability/walk-problem.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'
import { type FieldInstance, fieldsOfCapability } from '../semantic/semantic-image.js'
import { type ByteRange, findFreeSpace, quirkRanges, whyNotFree } from './free-space.js'
import type { BarKind, FieldValues, FunctionLayout, Identity, LayoutBar, LayoutCapability, Persona, RawBytes } from './function-layout.js'
import { type HidingPolicyName, hides } from './hiding-policy.js'
import { type LayoutError, layoutError } from './layout-error.js'

export interface DeriveOptions {
  /** What to hide: `kernel` (default, as vfio-pci), `qemu`, or `none`. */
  readonly policy?: HidingPolicyName
  /**
   * Synthesise an emulated PASID capability when the physical one is hidden: `auto` (default:
   * the highest free 8 bytes of extended space), `none`, or an offset.
   */
  readonly pasid?: 'auto' | 'none' | number
  /** Ranges of extended space the operator allows synthesised capabilities in. */
  readonly usable?: readonly ByteRange[]
  readonly name?: string
  readonly persona?: Persona
}

const PASID_ID = 0x1b
/** Walk problems that leave capabilities without a place in a layout. */
const BROKEN_CHAIN: ReadonlySet<string> = new Set(['CHAIN_LOOP', 'CHAIN_BROKEN', 'POINTER_OUT_OF_RANGE', 'CAP_OVERLAP', 'CAP_PAST_END', 'LENGTH_INVALID', 'TOO_MANY_CAPABILITIES'])
const PASID_LENGTH = 8
const IDENTITY_KEYS = new Set(['vendorId', 'deviceId', 'revisionId', 'programmingInterface', 'subClass', 'baseClass', 'subsystemVendorId', 'subsystemId'])
/** Header fields the layout expresses otherwise: the chain, BARs and the ROM. */
const STRUCTURAL_HEADER_KEY = /^(capabilitiesPointer|capabilitiesList|bar\d|rom)/

const registerValue = (p: PreparedFunction, f: FieldInstance): number => {
  const c = p.config
  return f.spec.width === 1 ? readU8(c, f.offset) : f.spec.width === 2 ? readU16(c, f.offset) : readU32(c, f.offset)
}

/** Non-zero field values and uncovered non-zero bytes of [start, end), relative to `base`. */
const contents = (
  p: PreparedFunction,
  fields: readonly FieldInstance[],
  base: number,
  start: number,
  end: number,
  skip: (key: string) => boolean,
): { fields: FieldValues; bytes: RawBytes } => {
  const values: Record<string, number> = {}
  const coverage = new Uint8Array(end - start)
  for (const f of fields) {
    const mask = fieldMask(f.spec)
    for (let k = 0; k < f.spec.width; k++) {
      const at = f.offset + k - start
      if (at >= 0 && at < coverage.length) coverage[at]! |= (mask >>> (8 * k)) & 0xff
    }
    if (skip(f.spec.key)) continue
    const v = fieldValue(f.spec, registerValue(p, f))
    if (v !== 0) values[f.spec.key] = v
  }
  const bytes: Array<{ at: number; bytes: number[] }> = []
  for (let i = start; i < end; i++) {
    const v = p.config.bytes[i]! & ~coverage[i - start]!
    if (v === 0) continue
    const last = bytes[bytes.length - 1]
    if (last !== undefined && last.at + last.bytes.length === i - base) last.bytes.push(v)
    else bytes.push({ at: i - base, bytes: [v] })
  }
  return { fields: values, bytes }
}

const headerBytes = (c: Capability): number => (c.space === 'standard' ? 2 : 4)

const barsOf = (p: PreparedFunction): { bars: LayoutBar[]; rom: FunctionLayout['rom'] } => {
  const count = p.walk.facts.headerLayout === 1 ? 2 : p.walk.facts.headerLayout === 0 ? 6 : 0
  const sizeOf = (index: number): bigint | null => (p.bars.known ? (p.bars.resources.find((r) => r.index === index)?.size ?? 0n) : null)
  const bars: LayoutBar[] = []
  for (let i = 0; i < count; i++) {
    const value = readU32(p.config, 0x10 + 4 * i)
    const size = sizeOf(i)
    const implemented = size === null ? value !== 0 : size > 0n
    if (!implemented) continue
    const kind: BarKind = barKindOf(value)
    bars.push({ index: i, kind, prefetchable: kind !== 'io' && (value & 0x8) !== 0, size })
    if (kind === 'memory64') i++
  }
  const romAt = p.walk.facts.headerLayout === 1 ? 0x38 : 0x30
  const romSize = sizeOf(6)
  const rom = romSize === null ? (readU32(p.config, romAt) !== 0 ? { size: null } : null) : romSize > 0n ? { size: romSize } : null
  return { bars, rom }
}

const identityOf = (p: PreparedFunction): Identity => {
  const c = p.config
  return {
    vendorId: readU16(c, 0x00),
    deviceId: readU16(c, 0x02),
    revisionId: readU8(c, 0x08),
    classCode: readU8(c, 0x09) | (readU8(c, 0x0a) << 8) | (readU8(c, 0x0b) << 16),
    subsystemVendorId: p.walk.facts.headerLayout === 0 ? readU16(c, 0x2c) : 0,
    subsystemId: p.walk.facts.headerLayout === 0 ? readU16(c, 0x2e) : 0,
  }
}

/** The layout a guest would see of `physical` under `options`. */
export const derive = (physical: PreparedFunction, options: DeriveOptions = {}): E.Either<readonly LayoutError[], FunctionLayout> => {
  if (physical.config.size === 64) {
    return E.left([layoutError('IMAGE_INCOMPLETE', [], `${physical.name} was read as 64 bytes; derive needs 256 or 4096 (lspci -xxxx, or sysfs config as root)`)])
  }
  const unreadable = physical.walk.problems.find((p) => p.code === 'ALL_ONES' || p.code === 'UNKNOWN_HEADER_TYPE')
  if (unreadable !== undefined) {
    return E.left([layoutError('NOT_A_FUNCTION', [], `${physical.name} has no layout to derive: ${renderWalkProblem(unreadable)}`)])
  }
  // A layout describes a function whose capabilities fit: a broken list has no layout to keep.
  const broken = physical.walk.problems.filter((p) => BROKEN_CHAIN.has(p.code))
  if (broken.length > 0) {
    return E.left(broken.map((p) => layoutError('BROKEN_CHAIN', [], `${physical.name}: ${renderWalkProblem(p)}; fix the dump (or the device) before deriving a layout from it`)))
  }
  const policy = options.policy ?? 'kernel'
  const fieldsOf = (c: Capability | null): FieldInstance[] => fieldsOfCapability(physical.semantic, c)
  const exposed = physical.walk.capabilities.filter((c) => !hides(policy, c) && !isHiddenPlaceholder(c))
  const hidden = physical.walk.capabilities.filter((c) => hides(policy, c) || isHiddenPlaceholder(c)).map((c) => ({ space: c.space, id: c.id, offset: c.offset }))
  const capabilities: LayoutCapability[] = exposed.map((c) => ({
    space: c.space,
    offset: c.offset,
    id: c.id,
    version: c.version,
    backing: 'passthrough',
    length: c.length,
    ...contents(physical, fieldsOf(c), c.offset, c.offset + headerBytes(c), Math.min(c.offset + c.length, physical.config.size), () => false),
  }))
  const identity = identityOf(physical)
  const header = contents(physical, fieldsOf(null), 0, 0, 0x40, (k) => IDENTITY_KEYS.has(k) || STRUCTURAL_HEADER_KEY.test(k))
  const claimed = new Uint8Array(physical.config.size)
  claimed.fill(1, 0, 0x40)
  for (const c of physical.walk.capabilities) claimed.fill(1, c.offset, Math.min(c.offset + (isHiddenPlaceholder(c) ? 4 : c.length), physical.config.size))
  const unclaimed: Array<{ at: number; bytes: number[] }> = []
  for (let i = 0x40; i < physical.config.size; i++) {
    const v = physical.config.bytes[i]!
    if (claimed[i] || v === 0) continue
    const last = unclaimed[unclaimed.length - 1]
    if (last !== undefined && last.at + last.bytes.length === i) last.bytes.push(v)
    else unclaimed.push({ at: i, bytes: [v] })
  }
  const errors: LayoutError[] = []
  const pasid = physical.walk.capabilities.find((c) => c.space === 'extended' && c.id === PASID_ID)
  const choice = options.pasid ?? 'auto'
  if (pasid !== undefined && hides(policy, pasid) && choice !== 'none' && physical.config.size === 4096) {
    const taken: ByteRange[] = [...exposed.filter((c) => c.space === 'extended').map((c): ByteRange => [c.offset, c.offset + c.length]), ...quirkRanges(identity)]
    const usable = options.usable ?? null
    const at = choice === 'auto' ? findFreeSpace(PASID_LENGTH, taken, usable) : choice
    const why = at === null ? 'no free 8 bytes in extended space' : whyNotFree(at, PASID_LENGTH, taken, usable)
    if (at === null || why !== null) {
      errors.push(layoutError(at === null ? 'NO_FREE_SPACE' : 'PASID_OFFSET_NOT_FREE', ['pasid'], `cannot place the vPASID capability${at === null ? '' : ` at 0x${at.toString(16)}`}: ${why}`))
    } else {
      const physicalFields = contents(physical, fieldsOf(pasid), pasid.offset, pasid.offset + 4, pasid.offset + PASID_LENGTH, (k) => !['executePermission', 'privilegedMode', 'maxPasidWidth'].includes(k))
      capabilities.push({ space: 'extended', offset: at, id: PASID_ID, version: pasid.version, backing: 'emulated', length: PASID_LENGTH, fields: physicalFields.fields, bytes: [] })
    }
  }
  if (errors.length > 0) return E.left(errors)
  const { bars, rom } = physical.declaredBars ?? barsOf(physical)
  return E.right({
    _tag: 'FunctionLayout',
    name: options.name ?? physical.name,
    size: physical.config.size === 4096 ? 4096 : 256,
    identity,
    persona: options.persona ?? null,
    bars,
    rom,
    header,
    capabilities,
    unclaimed,
    hidden,
  })
}

/**
 * Autoconfiguration: the guest-visible layout of a physical function under a hiding policy,
 * optionally with a synthesised (emulated) vPASID capability in free extended space, never over
 * the device's own bytes. Every exposed capability keeps its offset and read-only bytes: named
 * fields for the bits the registry describes, raw bytes for the rest; writable fields hold
 * their reset values, since an instance type starts from reset. A VF's identity and BARs come
 * from its PF.
 */
import * as E from 'fp-ts/lib/Either.js'
import { type Capability, isHiddenPlaceholder } from '../capability/capability.js'
import { fieldValue, resetValue } from '../capability/field.js'
import { readU8, readU16, readU32 } from '../config-space/config-space.js'
import { renderWalkProblem } from '../capability/walk-problem.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'
import { type FieldInstance, fieldsOfCapability } from '../semantic/semantic-image.js'
import { type ByteRange, findFreeSpace, quirkRanges, whyNotFree } from './free-space.js'
import type { FieldValues, FunctionLayout, Identity, LayoutBar, LayoutCapability, Persona, RawBytes } from './function-layout.js'
import { build, RESERVED_HEADER_KEY } from './build.js'
import { type HidingPolicyName, hides } from './hiding-policy.js'
import { type LayoutError, layoutError } from './layout-error.js'
import { capabilityHeaderLength, ownedBits } from './owned-bits.js'
import { isVirtualFunction, physicalBars, vfBars, vfIdentity } from './physical-bars.js'

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
  /**
   * For a VF, its PF: a VF's Vendor and Device ID read 0xFFFF and its BARs read zero, so the
   * layout takes the PF's Vendor ID, the VF Device ID and the VF BARs of the PF's SR-IOV
   * capability. Required for a VF, refused for any other function.
   */
  readonly pf?: PreparedFunction
}

const PASID_ID = 0x1b
/** Walk problems that leave capabilities without a place in a layout. */
const BROKEN_CHAIN: ReadonlySet<string> = new Set(['CHAIN_LOOP', 'CHAIN_BROKEN', 'POINTER_OUT_OF_RANGE', 'CAP_OVERLAP', 'CAP_PAST_END', 'LENGTH_INVALID', 'TOO_MANY_CAPABILITIES'])
const PASID_LENGTH = 8

const registerValue = (p: PreparedFunction, f: FieldInstance): number => {
  const c = p.config
  return f.spec.width === 1 ? readU8(c, f.offset) : f.spec.width === 2 ? readU16(c, f.offset) : readU32(c, f.offset)
}

/**
 * Field values of [start, end) as a function fresh from reset holds them (read-only fields as
 * read, writable ones at their spec default: an instance type starts from reset, not from the
 * source host's live state), and the raw bytes no structure or field owns, relative to `base`.
 */
const contents = (
  p: PreparedFunction,
  owned: Uint8Array,
  fields: readonly FieldInstance[],
  base: number,
  start: number,
  end: number,
  skip: (key: string) => boolean,
): { fields: FieldValues; bytes: RawBytes } => {
  const values: Record<string, number> = {}
  const read = (f: FieldInstance): number => fieldValue(f.spec, registerValue(p, f))
  for (const f of fields) {
    if (skip(f.spec.key)) continue
    const v = resetValue(f.spec, (key) => {
      const source = key === null ? f : fields.find((x) => x.spec.key === key)
      return source === undefined ? 0 : read(source)
    })
    if (v !== 0) values[f.spec.key] = v
  }
  return { fields: values, bytes: runsOf(p.config.bytes, owned, start, end, base) }
}

/** Non-zero bits outside `owned` in [start, end), as runs relative to `base`. */
const runsOf = (bytes: ArrayLike<number>, owned: Uint8Array, start: number, end: number, base: number): RawBytes => {
  const runs: Array<{ at: number; bytes: number[] }> = []
  for (let i = start; i < end; i++) {
    const v = bytes[i]! & ~owned[i]!
    if (v === 0) continue
    const last = runs[runs.length - 1]
    if (last !== undefined && last.at + last.bytes.length === i - base) last.bytes.push(v)
    else runs.push({ at: i - base, bytes: [v] })
  }
  return runs
}

const identityOf = (p: PreparedFunction, vf: { readonly vendorId: number; readonly deviceId: number } | null): Identity => {
  const c = p.config
  return {
    vendorId: vf?.vendorId ?? readU16(c, 0x00),
    deviceId: vf?.deviceId ?? readU16(c, 0x02),
    revisionId: readU8(c, 0x08),
    classCode: readU8(c, 0x09) | (readU8(c, 0x0a) << 8) | (readU8(c, 0x0b) << 16),
    subsystemVendorId: p.walk.facts.headerLayout === 0 ? readU16(c, 0x2c) : 0,
    subsystemId: p.walk.facts.headerLayout === 0 ? readU16(c, 0x2e) : 0,
  }
}

const hex = (n: number): string => `0x${n.toString(16)}`

/**
 * Why 8 bytes at `at` cannot hold the vPASID, or null: outside free space, or over bytes the
 * device itself uses (non-zero bytes outside every capability, `unclaimed`), named.
 */
const whyNotForPasid = (at: number, taken: readonly ByteRange[], usable: readonly ByteRange[] | null, unclaimed: RawBytes): string | null => {
  const own = unclaimed.flatMap((r) => r.bytes.map((b, k) => [r.at + k, b] as const)).filter(([i]) => i >= at && i < at + PASID_LENGTH)
  if (own.length > 0) return `the device's own bytes are there (${own.map(([i, b]) => `${hex(i)} = ${hex(b)}`).join(', ')}; listed under unclaimed)`
  return whyNotFree(at, PASID_LENGTH, taken, usable)
}

/** The BARs and ROM a derived layout presents: the PF's VF BARs for a VF (whose ROM BAR is read-only zero). */
const barsOf = (physical: PreparedFunction, pf: PreparedFunction | null): { bars: LayoutBar[]; rom: FunctionLayout['rom'] } => {
  if (pf !== null) return { bars: [...(vfBars(pf, physical) ?? [])], rom: null }
  if (physical.declaredBars !== null) return { bars: [...physical.declaredBars.bars], rom: physical.declaredBars.rom }
  const seen = physicalBars(physical)!
  return { bars: [...seen.bars], rom: seen.rom === null || seen.rom === 'absent' ? null : seen.rom }
}

/** A VF's PF, checked: refused when a VF comes without one, or a PF is given for a function that is not a VF. */
const pfFor = (physical: PreparedFunction, pf: PreparedFunction | undefined): E.Either<LayoutError, { pf: PreparedFunction; identity: { vendorId: number; deviceId: number } } | null> => {
  const vf = isVirtualFunction(physical)
  if (vf && pf === undefined) {
    return E.left(layoutError('VF_NEEDS_PF', [], `${physical.name} is a VF (its Vendor and Device ID read 0xffff): its identity and BARs are its PF's to tell; give the PF (vpci derive VF --pf PF)`))
  }
  if (pf === undefined) return E.right(null)
  if (!vf) return E.left(layoutError('NOT_A_VF', ['pf'], `${physical.name} is not a VF (its Vendor ID reads ${hex(readU16(physical.config, 0))}); a PF is given only for a VF`))
  const identity = vfIdentity(pf)
  if (identity === null) return E.left(layoutError('PF_WITHOUT_SRIOV', ['pf'], `${pf.name} has no SR-IOV capability, so it is not ${physical.name}'s PF`))
  return E.right({ pf, identity })
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
  const unread = physical.walk.problems.find((p) => p.code === 'EXTENDED_UNREADABLE')
  if (unread !== undefined) {
    return E.left([layoutError('IMAGE_INCOMPLETE', [], `${physical.name}: ${renderWalkProblem(unread)}; derive needs its extended capabilities (read the config space as root)`)])
  }
  // A layout describes a function whose capabilities fit: a broken list has no layout to keep.
  const broken = physical.walk.problems.filter((p) => BROKEN_CHAIN.has(p.code))
  if (broken.length > 0) {
    return E.left(broken.map((p) => layoutError('BROKEN_CHAIN', [], `${physical.name}: ${renderWalkProblem(p)}; fix the dump (or the device) before deriving a layout from it`)))
  }
  const vf = pfFor(physical, options.pf)
  if (E.isLeft(vf)) return E.left([vf.left])
  const policy = options.policy ?? 'kernel'
  // A function without a PCI Express (or PCI-X) capability has 256 bytes of config space, whatever was read.
  const size = physical.config.size === 4096 && physical.walk.extendedSpace ? 4096 : 256
  const owned = ownedBits(physical.config, physical.walk).bits
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
    ...contents(physical, owned, fieldsOf(c), c.offset, c.offset + capabilityHeaderLength(c), Math.min(c.offset + c.length, size), () => false),
  }))
  const identity = identityOf(physical, vf.right?.identity ?? null)
  const header = contents(physical, owned, fieldsOf(null), 0, 0, 0x40, (k) => RESERVED_HEADER_KEY.test(k))
  // The device's own bytes: non-zero, outside the header and every capability (hidden ones too, which the guest does not see).
  const claimed = new Uint8Array(size).fill(0xff, 0, 0x40)
  for (const c of physical.walk.capabilities) claimed.fill(0xff, c.offset, Math.min(c.offset + (isHiddenPlaceholder(c) ? 4 : c.length), size))
  const unclaimed = runsOf(physical.config.bytes, claimed, 0x40, size, 0)
  const errors: LayoutError[] = []
  const pasid = physical.walk.capabilities.find((c) => c.space === 'extended' && c.id === PASID_ID)
  const choice = options.pasid ?? 'auto'
  if (pasid !== undefined && hides(policy, pasid) && choice !== 'none' && size === 4096) {
    const taken: ByteRange[] = [
      ...exposed.filter((c) => c.space === 'extended').map((c): ByteRange => [c.offset, c.offset + c.length]),
      ...quirkRanges(identity),
      ...unclaimed.map((r): ByteRange => [r.at, r.at + r.bytes.length]),
    ]
    const usable = options.usable ?? null
    const at = choice === 'auto' ? findFreeSpace(PASID_LENGTH, taken, usable) : choice
    const why = at === null ? 'no free 8 bytes in extended space' : whyNotForPasid(at, taken, usable, unclaimed)
    if (at === null || why !== null) {
      errors.push(layoutError(at === null ? 'NO_FREE_SPACE' : 'PASID_OFFSET_NOT_FREE', ['pasid'], `cannot place the vPASID capability${at === null ? '' : ` at ${hex(at)}`}: ${why}`))
    } else {
      const physicalFields = contents(physical, owned, fieldsOf(pasid), pasid.offset, pasid.offset + 4, pasid.offset + PASID_LENGTH, (k) => !['executePermission', 'privilegedMode', 'maxPasidWidth'].includes(k))
      const vpasid: LayoutCapability = { space: 'extended', offset: at, id: PASID_ID, version: pasid.version, backing: 'emulated', length: PASID_LENGTH, fields: physicalFields.fields, bytes: [] }
      // List order is chain order, and the extended list starts at 0x100: a vPASID there comes first.
      const first = capabilities.findIndex((c) => c.space === 'extended')
      if (at === 0x100 && first >= 0) capabilities.splice(first, 0, vpasid)
      else capabilities.push(vpasid)
    }
  }
  if (errors.length > 0) return E.left(errors)
  const { bars, rom } = barsOf(physical, vf.right?.pf ?? null)
  const layout: FunctionLayout = {
    _tag: 'FunctionLayout',
    name: options.name ?? physical.name,
    size,
    identity,
    persona: options.persona ?? null,
    bars,
    rom,
    header,
    capabilities,
    unclaimed: [...unclaimed],
    hidden,
  }
  // What derive gives, build takes: a function whose registers no layout can state (a 64-bit BAR 5) is refused here.
  const built = build(layout)
  return E.isLeft(built) ? E.left(built.left.map((e) => ({ ...e, message: `${physical.name}: ${e.message}` }))) : E.right(layout)
}

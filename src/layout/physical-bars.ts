/**
 * What a physical function decodes, as a guest would size it: its BARs and its expansion ROM,
 * each with a size when one is known (a sysfs `resource` file, or the layout a function was
 * built from) and null when it is not (a dump carries none).
 *
 * A VF is told by its config space alone (SR-IOV spec, as PCIe Base r4.0 §9.3.4.1 carries it):
 * its Vendor ID and Device ID read 0xFFFF, yet it is a PCI Express function with a capability
 * list. Its identity and its BARs are its PF's to tell: the PF's Vendor ID, the Device ID in
 * the PF's SR-IOV capability (VF Device ID, +0x1A), and the PF's VF BARs (+0x24–0x3B), each
 * sized per VF (a PF's sysfs resource lines 7–12). A VF's own BARs and expansion ROM BAR are
 * read-only zero. Linux names a VF the same way (`pci_iov_add_virtfn`: vendor from the PF,
 * device from the VF Device ID).
 */
import { barKindOf } from '../capability/fields/bar-fields.js'
import { readU16, readU32 } from '../config-space/config-space.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'
import type { BarKind } from './function-layout.js'

const EXPRESS_ID = 0x10
const SRIOV_ID = 0x10
/** SR-IOV capability registers (REFERENCE.md "Registers used by the compatibility rules"). */
const SRIOV_VF_DEVICE_ID = 0x1a
const SRIOV_VF_BAR0 = 0x24
/** sysfs resource line of VF BAR 0 in a PF's `resource` file. */
const VF_BAR_RESOURCE = 7
const ROM_RESOURCE = 6

export interface PhysicalBar {
  readonly index: number
  readonly kind: BarKind
  readonly prefetchable: boolean
  /** Bytes decoded; null when not known. */
  readonly size: bigint | null
}

export interface PhysicalBars {
  /** The implemented BARs (as far as the image or sizes tell), by number. */
  readonly bars: readonly PhysicalBar[]
  /**
   * True when sizes tell which BARs exist; false when only registers do, where one reading 0 may
   * be an unassigned 32-bit memory BAR rather than none.
   */
  readonly sized: boolean
  /** The expansion ROM: present with a size (null: unknown), absent, or unknown (null). */
  readonly rom: { readonly size: bigint | null } | 'absent' | null
}

/** True for a VF: Vendor and Device ID read 0xFFFF on a readable PCI Express function. */
export const isVirtualFunction = (f: PreparedFunction): boolean =>
  readU16(f.config, 0x00) === 0xffff &&
  readU16(f.config, 0x02) === 0xffff &&
  f.walk.facts.headerLayout === 0 &&
  !f.walk.problems.some((p) => p.code === 'ALL_ONES') &&
  f.walk.capabilities.some((c) => c.space === 'standard' && c.id === EXPRESS_ID)

const sriovOf = (pf: PreparedFunction) => pf.walk.capabilities.find((c) => c.space === 'extended' && c.id === SRIOV_ID)

/** The Vendor ID and Device ID a PF gives its VFs; null when the PF has no SR-IOV capability. */
export const vfIdentity = (pf: PreparedFunction): { readonly vendorId: number; readonly deviceId: number } | null => {
  const sriov = sriovOf(pf)
  return sriov === undefined || sriov.offset + SRIOV_VF_DEVICE_ID + 2 > pf.config.size
    ? null
    : { vendorId: readU16(pf.config, 0x00), deviceId: readU16(pf.config, sriov.offset + SRIOV_VF_DEVICE_ID) }
}

/** BAR registers from `at` (`count` of them), sized by `sizeOf` (null: unknown; 0: not implemented). */
const barsAt = (f: PreparedFunction, at: number, count: number, sizeOf: (index: number) => bigint | null): PhysicalBar[] => {
  const bars: PhysicalBar[] = []
  for (let i = 0; i < count; i++) {
    if (at + 4 * i + 4 > f.config.size) break
    const value = readU32(f.config, at + 4 * i)
    const size = sizeOf(i)
    // Without sizes, a register reading 0 is taken as unimplemented (as `derive` does).
    if (size === null ? value === 0 : size === 0n) continue
    const kind = barKindOf(value)
    bars.push({ index: i, kind, prefetchable: kind !== 'io' && (value & 0x8) !== 0, size })
    if (kind === 'memory64') i++
  }
  return bars
}

const resourceSize = (f: PreparedFunction, line: number): bigint | null => (f.bars.known ? (f.bars.resources.find((r) => r.index === line)?.size ?? 0n) : null)

/** The VF BARs a PF gives each of its VFs; null when the PF has no SR-IOV capability. */
export const vfBars = (pf: PreparedFunction, vf?: PreparedFunction): PhysicalBar[] | null => {
  const sriov = sriovOf(pf)
  if (sriov === undefined) return null
  // Sizes per VF: the PF's resource lines 7–12, else the VF's own lines 0–5 (sysfs fills them from the PF).
  return barsAt(pf, sriov.offset + SRIOV_VF_BAR0, 6, (i) => resourceSize(pf, VF_BAR_RESOURCE + i) ?? (vf === undefined ? null : resourceSize(vf, i)))
}

/**
 * What `f` decodes. For a VF, its PF's VF BARs and no ROM (null bars when no PF is given or the
 * PF has no SR-IOV capability: nothing is known).
 */
export const physicalBars = (f: PreparedFunction, pf?: PreparedFunction): PhysicalBars | null => {
  if (isVirtualFunction(f)) {
    const bars = pf === undefined ? null : vfBars(pf, f)
    return bars === null ? null : { bars, sized: pf!.bars.known || f.bars.known, rom: 'absent' }
  }
  // A function built from a layout decodes what the layout declares.
  if (f.declaredBars !== null) return { bars: f.declaredBars.bars, sized: true, rom: f.declaredBars.rom ?? 'absent' }
  const layout = f.walk.facts.headerLayout
  const count = layout === 0 ? 6 : layout === 1 ? 2 : 0
  const bars = barsAt(f, 0x10, count, (i) => resourceSize(f, i))
  const romSize = resourceSize(f, ROM_RESOURCE)
  // Without sizes, a ROM BAR reading non-zero shows a ROM; one reading 0 may be unassigned.
  const romRegister = count > 0 ? readU32(f.config, layout === 1 ? 0x38 : 0x30) : 0
  const rom: PhysicalBars['rom'] = romSize !== null ? (romSize > 0n ? { size: romSize } : 'absent') : romRegister !== 0 ? { size: null } : null
  return { bars, sized: f.bars.known, rom }
}

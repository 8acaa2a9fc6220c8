/**
 * Device knowledge in one place: the devices known to keep registers in config space outside
 * every capability, and those a VMM gives a synthesised capability at a fixed place. Each entry
 * names its source (a Linux driver or quirk, QEMU's vfio quirks). Free-space search never
 * places a capability over a quirk's ranges, and `derive` warns for non-zero bytes outside every
 * capability that no quirk explains (`unexplainedBytes`). Add a device here, nowhere else.
 */
import type { ByteRange } from '../layout/free-space.js'

export interface QuirkMatch {
  readonly vendorId: number
  /** Device IDs the quirk applies to; null for every device of the vendor (and class). */
  readonly deviceIds: readonly number[] | null
  /** Base class (bits 23:16 of the class code); null for any. */
  readonly baseClass: number | null
}

export interface DeviceQuirk {
  /** Who it is, for messages: `Intel integrated graphics (IGD)`. */
  readonly device: string
  readonly match: QuirkMatch
  /**
   * `registers`: the device's own registers live in `ranges`, outside every capability (never
   * free, and their bytes are explained). `placement`: a VMM synthesises a capability at the
   * first of `ranges` that is free (never free for anything else).
   */
  readonly kind: 'registers' | 'placement'
  /** Half-open byte ranges of config space. */
  readonly ranges: readonly ByteRange[]
  /** What is there and why it matters. */
  readonly why: string
  /** Where the fact comes from. */
  readonly source: string
}

/** Device IDs Linux's tg3 driver names (drivers/net/ethernet/broadcom/tg3.h, TG3PCI_DEVICE_TIGON3_*). */
const TIGON3_DEVICES: readonly number[] = [
  0x1644, 0x1645, 0x1646, 0x1647, 0x1688, 0x1689, 0x1692, 0x1693, 0x1690, 0x1694, 0x1691, 0x1699, 0x16a0, 0x1655, 0x1665, 0x1656, 0x16b1, 0x16b5, 0x16b0,
  0x16b4, 0x16b2, 0x16b6, 0x1657, 0x165f, 0x1682, 0x1686, 0x16b3, 0x16b7, 0x1687, 0x1643, 0x16f3,
]

export const DEVICE_QUIRKS: readonly DeviceQuirk[] = [
  {
    device: 'Intel integrated graphics (IGD)',
    match: { vendorId: 0x8086, deviceIds: null, baseClass: 0x03 },
    kind: 'registers',
    ranges: [
      [0x50, 0x54],
      [0x5c, 0x60],
      [0xc0, 0xc8],
      [0xe4, 0xec],
      [0xfc, 0x100],
    ],
    why: 'Graphics Control (GMCH) at 0x50, Base Data of Stolen Memory at 0x5c (0xc0, 64-bit, from gen 11), ASLE and SWSCI at 0xe4/0xe8, the OpRegion address (ASLS) at 0xfc',
    source: 'QEMU hw/vfio/igd.c (IGD_GMCH 0x50, IGD_BDSM 0x5c, IGD_BDSM_GEN11 0xc0, IGD_ASLS 0xfc); Linux i915 intel_opregion.c (PCI_ASLE 0xe4, PCI_SWSCI 0xe8, PCI_ASLS 0xfc)',
  },
  {
    device: 'Broadcom NetXtreme (Tigon3)',
    match: { vendorId: 0x14e4, deviceIds: TIGON3_DEVICES, baseClass: null },
    kind: 'registers',
    ranges: [
      [0x68, 0xc0],
      [0xf4, 0xf8],
      [0xfc, 0x100],
    ],
    why: 'Miscellaneous Host Control (0x68) to the ring indices and Product ID/ASIC revision (0xbc), and the later ASIC revision registers at 0xf4 and 0xfc',
    source: 'Linux drivers/net/ethernet/broadcom/tg3.h (TG3PCI_MISC_HOST_CTRL 0x68 … TG3PCI_PRODID_ASICREV 0xbc, TG3PCI_GEN2_PRODID_ASICREV 0xf4, TG3PCI_GEN15_PRODID_ASICREV 0xfc)',
  },
  {
    device: 'Marvell Yukon-2 Ethernet',
    match: { vendorId: 0x11ab, deviceIds: null, baseClass: 0x02 },
    kind: 'registers',
    ranges: [
      [0x40, 0x48],
      [0x7c, 0xa0],
      [0xbc, 0xc0],
      [0x160, 0x16c],
    ],
    why: 'device registers 1 and 2 (0x40, 0x44), device status and "our registers" 3–5, config registers 0–1 and PSM config 0–1 (0x7c–0x9f), LDO control (0xbc), PSM config 2–4 (0x160–0x16b)',
    source: 'Linux drivers/net/ethernet/marvell/sky2.h (PCI_DEV_REG1 0x40 … PSM_CONFIG_REG4 0x168, PCI_LDO_CTRL 0xbc)',
  },
  {
    device: 'Intel Volume Management Device (VMD)',
    match: { vendorId: 0x8086, deviceIds: [0x201d, 0x467f, 0x4c3d, 0x9a0b], baseClass: null },
    kind: 'placement',
    ranges: [[0xe8, 0x100]],
    why: 'QEMU adds a 24-byte vendor-specific capability at 0xe8 holding the host physical addresses of the MEMBARs',
    source: 'QEMU hw/vfio/pci-quirks.c (vfio_add_vmd_shadow_cap: pos 0xE8, VMD_SHADOW_CAP_LEN 24)',
  },
  {
    device: 'NVIDIA GPU (GPUDirect clique)',
    match: { vendorId: 0x10de, deviceIds: null, baseClass: 0x03 },
    kind: 'placement',
    ranges: [
      [0xc8, 0xd0],
      [0xd4, 0xdc],
    ],
    why: 'with x-nv-gpudirect-clique, QEMU adds an 8-byte vendor-specific capability at 0xc8, or at 0xd4 where 0xc8 is taken (Turing and later keep MSI-X there)',
    source: 'QEMU hw/vfio/pci-quirks.c (vfio_add_nv_gpudirect_cap: 0xC8, else 0xD4)',
  },
]

/** The identity a quirk is matched on. */
export interface QuirkIdentity {
  readonly vendorId: number
  readonly deviceId: number
  readonly classCode: number
}

const matches = (m: QuirkMatch, id: QuirkIdentity): boolean =>
  m.vendorId === id.vendorId && (m.deviceIds === null || m.deviceIds.includes(id.deviceId)) && (m.baseClass === null || m.baseClass === id.classCode >>> 16)

/** The quirks that apply to a device. */
export const quirksOf = (id: QuirkIdentity): DeviceQuirk[] => DEVICE_QUIRKS.filter((q) => matches(q.match, id))

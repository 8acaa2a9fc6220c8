/**
 * The PASID support an IOMMU publishes in sysfs, decoded from its registers as the kernel prints
 * them (hex, no `0x`):
 *
 * - Intel VT-d: `/sys/class/iommu/dmarN/intel-iommu/ecap`, the Extended Capability Register
 *   (VT-d Architecture Specification rev 4.x, §11.4.3 "Extended Capability Register", MMIO
 *   offset 010h).
 * - AMD-Vi: `/sys/class/iommu/ivhdN/amd-iommu/features`, the Extended Feature Register (AMD I/O
 *   Virtualization Technology (IOMMU) Specification, pub. 48882, §3.4.12 "IOMMU Extended
 *   Feature Register", MMIO offset 0030h); newer kernels print `EFR:EFR2`.
 *
 * A width of 0 means the IOMMU takes no PASID but 0 (RID_PASID): requests with any other PASID
 * fault, so no PASID can be planned on it.
 */
import { pasidWidth, type PasidWidth } from '../pasid/pasid.js'

export type IommuVendor = 'intel' | 'amd'

export interface IommuPasidSupport {
  readonly vendor: IommuVendor
  /** The register as read, 64 bits. */
  readonly register: bigint
  /** PASID-tagged DMA is translated. */
  readonly pasid: boolean
  /** PASIDs [0, 2^width) are taken; 0 without PASID support. */
  readonly width: PasidWidth
  /** Why, in one sentence naming the bits. */
  readonly why: string
}

const bit = (v: bigint, n: number): boolean => ((v >> BigInt(n)) & 1n) === 1n
const bits = (v: bigint, high: number, low: number): number => Number((v >> BigInt(low)) & ((1n << BigInt(high - low + 1)) - 1n))

// VT-d §11.4.3, Extended Capability Register.
/** PASID Support (PASID), bit 40. */
const VTD_ECAP_PASID = 40
/** PASID Size Supported (PSS), bits 39:35: the hardware takes PASIDs of PSS + 1 bits. */
const VTD_ECAP_PSS_HIGH = 39
const VTD_ECAP_PSS_LOW = 35
/**
 * Scalable Mode Translation Support (SMTS), bit 43. PASID-granular translation lives in
 * scalable-mode PASID tables; without scalable mode (VT-d 2.x extended-context mode, removed from
 * the spec in rev 3.0) Linux uses no PASIDs, whatever bit 40 says.
 */
const VTD_ECAP_SMTS = 43

// AMD IOMMU spec §3.4.12, Extended Feature Register.
/** Guest Translation support (GTSup), bit 4: PASID-tagged requests are translated by guest (GCR3) tables. */
const AMD_EFR_GT = 4
/** PASmax, bits 36:32: the largest PASID is 2^(PASmax + 1) − 1. */
const AMD_EFR_PASMAX_HIGH = 36
const AMD_EFR_PASMAX_LOW = 32

/** The register a sysfs attribute holds: hex with or without `0x`; for `EFR:EFR2` the first. Null unless it is one. */
export const parseRegister = (text: string): bigint | null => {
  const first = text.trim().split(':')[0]!.replace(/^0x/i, '')
  return /^[0-9a-fA-F]{1,16}$/.test(first) ? BigInt(`0x${first}`) : null
}

/** An Intel VT-d Extended Capability Register's PASID support. */
export const intelPasidSupport = (ecap: bigint): IommuPasidSupport => {
  const pss = bits(ecap, VTD_ECAP_PSS_HIGH, VTD_ECAP_PSS_LOW)
  const pasid = bit(ecap, VTD_ECAP_PASID)
  const scalable = bit(ecap, VTD_ECAP_SMTS)
  const width = pasid && scalable ? pasidWidth(Math.min(pss + 1, 20))! : (0 as PasidWidth)
  const why = !pasid
    ? 'ECAP bit 40 (PASID Support) is 0'
    : !scalable
      ? 'ECAP bit 40 (PASID Support) is 1 but bit 43 (Scalable Mode Translation Support) is 0: PASIDs are translated only in scalable mode'
      : `ECAP bit 40 (PASID Support) and bit 43 (Scalable Mode) are 1; PSS (bits 39:35) = ${pss}: ${pss + 1}-bit PASIDs`
  return { vendor: 'intel', register: ecap, pasid: width > 0, width, why }
}

/** An AMD IOMMU Extended Feature Register's PASID support. */
export const amdPasidSupport = (efr: bigint): IommuPasidSupport => {
  const pasmax = bits(efr, AMD_EFR_PASMAX_HIGH, AMD_EFR_PASMAX_LOW)
  const gt = bit(efr, AMD_EFR_GT)
  const width = gt ? pasidWidth(Math.min(pasmax + 1, 20))! : (0 as PasidWidth)
  const why = gt ? `EFR bit 4 (GTSup) is 1; PASmax (bits 36:32) = ${pasmax}: ${pasmax + 1}-bit PASIDs` : 'EFR bit 4 (GTSup, guest translation) is 0: no PASID-tagged request is translated'
  return { vendor: 'amd', register: efr, pasid: width > 0, width, why }
}

/** The sysfs attribute (relative to `/sys/class/iommu/NAME`) holding each vendor's register, and its decoder. */
export const IOMMU_REGISTER_FILES: ReadonlyArray<{ readonly vendor: IommuVendor; readonly file: string; readonly decode: (register: bigint) => IommuPasidSupport }> = [
  { vendor: 'intel', file: 'intel-iommu/ecap', decode: intelPasidSupport },
  { vendor: 'amd', file: 'amd-iommu/features', decode: amdPasidSupport },
]

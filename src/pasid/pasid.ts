/**
 * PASIDs and widths. A PASID is up to 20 bits; PASID 0 is reserved (no PASID / RID_PASID); a
 * width w gives the PASIDs [0, 1 << w). Branded so a width is never passed as a PASID.
 */

export type Pasid = number & { readonly __brand: 'Pasid' }
export type PasidWidth = number & { readonly __brand: 'PasidWidth' }

/** The widest PASID the PCIe spec allows (PASID capability Max PASID Width, bits 12:8). */
export const MAX_PASID_WIDTH = 20
/** The reserved PASID. */
export const RESERVED_PASID = 0

/** A width, when `w` is an integer in 0–20. */
export const pasidWidth = (w: number): PasidWidth | null => (Number.isInteger(w) && w >= 0 && w <= MAX_PASID_WIDTH ? (w as PasidWidth) : null)

/** A PASID, when `p` is an integer in [0, 2^20). */
export const pasid = (p: number): Pasid | null => (Number.isInteger(p) && p >= 0 && p < 1 << MAX_PASID_WIDTH ? (p as Pasid) : null)

/** How many PASIDs a width gives: 1 << width (PASID 0 among them, reserved). */
export const pasidCount = (w: PasidWidth): number => 1 << w

/** A function's usable width: the smaller of its capability's Max PASID Width and the IOMMU's. */
export const effectiveWidth = (capability: PasidWidth, iommu: PasidWidth): PasidWidth => Math.min(capability, iommu) as PasidWidth

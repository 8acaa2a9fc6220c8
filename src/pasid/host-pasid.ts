/**
 * A destination host's PASID side, as data: the IOMMU's limit, whether the CPU translates
 * ENQCMD PASIDs, the split point of its global allocator, the global pool, and per function
 * the physical PASID capability and pool.
 */
import type { PasidPool } from './pasid-pool.js'
import { effectiveWidth, type PasidWidth, pasidCount } from './pasid.js'

export interface HostPasidFunction {
  readonly id: string
  /** Max PASID Width of the function's PASID capability (a VF: its PF's); 0 without one. */
  readonly capabilityWidth: PasidWidth
  readonly execute: boolean
  readonly privileged: boolean
  /** PASID Enable on the function (a VF: on its PF). */
  readonly pasidEnabled: boolean
  readonly isVf: boolean
  /** The function's own PASID space (per-rid: the parent's pool; delegated: the VF's space). */
  readonly pool: PasidPool
}

export interface HostPasid {
  readonly iommuWidth: PasidWidth
  /** The CPU translates ENQCMD PASIDs (guest local → host global). */
  readonly cpuTranslation: boolean
  /** N' of global-split: [1, N') left to guests, [N', max) host-global; null when not split. */
  readonly split: number | null
  readonly global: PasidPool
  readonly functions: readonly HostPasidFunction[]
}

/** The first PASID a host function cannot use: 1 << min(capability width, IOMMU width). */
export const pasidLimit = (host: HostPasid, f: HostPasidFunction): number => pasidCount(effectiveWidth(f.capabilityWidth, host.iommuWidth))

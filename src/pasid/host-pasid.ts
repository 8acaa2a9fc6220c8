/**
 * A destination host's PASID side, as data: the IOMMU's limit, whether the CPU translates
 * ENQCMD PASIDs, the split point of its global allocator, the global pool, and per function
 * the physical PASID capability and pool. Pools are bitmaps (`PasidPool`, what plans allocate
 * from) or range lists (`PasidRanges`, what a fleet of hosts is held and filtered as).
 *
 * Which pool a PASID is judged against: a PASID programmed into a function as the guest chose it
 * (delegated; global-per-function's local functions) or a per-rid pPASID, against that
 * function's pool; a global (both global modes) and a global-split guest local, against the
 * global pool, which covers the whole number space. Each function id appears once (the decoder
 * refuses repeats), and each host function serves one VM function (`function-assignment.ts`).
 */
import type { PasidPool } from './pasid-pool.js'
import { type PasidRanges, poolToRanges, rangesToPool } from './pasid-ranges.js'
import { effectiveWidth, type PasidWidth, pasidCount } from './pasid.js'

export interface HostPasidFunction<P = PasidPool> {
  readonly id: string
  /** Max PASID Width of the function's PASID capability (a VF: its PF's); 0 without one. */
  readonly capabilityWidth: PasidWidth
  readonly execute: boolean
  readonly privileged: boolean
  /** PASID Enable on the function (a VF: on its PF). */
  readonly pasidEnabled: boolean
  readonly isVf: boolean
  /** The function's own PASID space (per-rid: the parent's pool; delegated: the VF's space). */
  readonly pool: P
}

export interface HostPasid<P = PasidPool> {
  readonly iommuWidth: PasidWidth
  /** The CPU translates ENQCMD PASIDs (guest local → host global). */
  readonly cpuTranslation: boolean
  /** N' of global-split: [1, N') left to guests, [N', max) host-global; null when not split. */
  readonly split: number | null
  readonly global: P
  readonly functions: ReadonlyArray<HostPasidFunction<P>>
}

/** The first PASID a host function cannot use: 1 << min(capability width, IOMMU width). */
export const pasidLimit = (host: Pick<HostPasid<unknown>, 'iommuWidth'>, f: Pick<HostPasidFunction<unknown>, 'capabilityWidth'>): number => pasidCount(effectiveWidth(f.capabilityWidth, host.iommuWidth))

/** The same host side with its pools in another form. */
export const mapPools = <P, Q>(host: HostPasid<P>, f: (pool: P) => Q): HostPasid<Q> => ({
  ...host,
  global: f(host.global),
  functions: host.functions.map((x) => ({ ...x, pool: f(x.pool) })),
})

/** A function whose bitmap pool is made from its ranges when first read, then kept. */
const bitmapWhenRead = (f: HostPasidFunction<PasidRanges>): HostPasidFunction => {
  const { pool: ranges, ...rest } = f
  let pool: PasidPool | null = null
  return Object.defineProperty({ ...rest }, 'pool', { get: () => (pool ??= rangesToPool(ranges)), enumerable: true }) as HostPasidFunction
}

/**
 * Bitmap pools (to plan on) from range pools. A function's bitmap (128 KiB for 20 bits) is made
 * only when its pool is read: a plan reads the pools of the functions it assigns, and a host of
 * 10^5 VFs would otherwise cost 13 GB before any plan.
 */
export const withBitmapPools = (host: HostPasid<PasidRanges>): HostPasid => ({ ...host, global: rangesToPool(host.global), functions: host.functions.map(bitmapWhenRead) })

/** Range pools (to hold and filter) from bitmap pools. */
export const withRangePools = (host: HostPasid): HostPasid<PasidRanges> => mapPools(host, poolToRanges)

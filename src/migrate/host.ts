/**
 * A candidate destination host, loaded: its functions prepared for judgement, their personas
 * and PFs, which are free, and its PASID side with pools as range lists. Hosts of a fleet share
 * their device models: functions of the same model may (and in a fleet should) point at the
 * same `PreparedFunction`, so 10^6 hosts cost their addresses and pool ranges, not 10^6 images.
 */
import type { Persona } from '../layout/function-layout.js'
import type { HostPasid } from '../pasid/host-pasid.js'
import type { PasidRanges } from '../pasid/pasid-ranges.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'

export interface HostFunction {
  readonly address: string
  readonly function: PreparedFunction
  readonly persona: Persona | null
  /** A VF's PF address; null for a PF. */
  readonly pf: string | null
  readonly free: boolean
}

export interface Host {
  readonly name: string
  readonly functions: readonly HostFunction[]
  readonly pasid: HostPasid<PasidRanges> | null
}

/** A VF's PF among the host's functions (the last listed at its address; undefined for a PF or when absent). */
export const pfOf = (all: readonly HostFunction[], c: HostFunction): PreparedFunction | undefined => {
  let pf: PreparedFunction | undefined
  if (c.pf !== null) for (const x of all) if (x.address === c.pf) pf = x.function
  return pf
}

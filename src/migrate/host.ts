/**
 * A candidate destination host, loaded: its functions prepared for judgement, their personas
 * and PFs, which are free, and its PASID side.
 */
import type { Persona } from '../layout/function-layout.js'
import type { HostPasid } from '../pasid/host-pasid.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'

export interface HostCandidate {
  readonly address: string
  readonly function: PreparedFunction
  readonly persona: Persona | null
  /** A VF's PF address; null for a PF. */
  readonly pf: string | null
  readonly free: boolean
}

export interface Host {
  readonly name: string
  readonly functions: readonly HostCandidate[]
  readonly pasid: HostPasid | null
}

/**
 * A VM's migration state as the library handles it: each assigned function (guest address,
 * persona, layout, the config image the guest sees, the digest of its layout's semantic
 * image) and the guest PASID state. On the wire: `vpci.migration.v1.MigrationState`.
 */
import type { ConfigSpace } from '../config-space/config-space.js'
import type { FunctionLayout, Persona } from '../layout/function-layout.js'
import type { PasidState } from '../pasid/pasid-state.js'

/** The schema this library writes and reads. */
export const SCHEMA_VERSION = 1

export interface AssignedFunction {
  readonly guestAddress: string
  readonly persona: Persona | null
  readonly layout: FunctionLayout
  readonly configImage: ConfigSpace
  /** SHA-256 of the layout's semantic image, 32 bytes. */
  readonly semanticDigest: Uint8Array
}

export interface MigrationState {
  readonly schemaVersion: number
  readonly vmName: string
  readonly functions: readonly AssignedFunction[]
  readonly pasid: PasidState | null
  /**
   * What the decoder read, kept so that re-encoding an unchanged state gives back fields this
   * schema does not know (from a newer writer). Opaque; absent for states made in memory.
   */
  readonly wire?: unknown
}

export interface StateError {
  /** `functions[1].layout.capabilities[3].offset`, as a path. */
  readonly path: ReadonlyArray<string | number>
  readonly message: string
  /** Set on an entry that only counts errors found and not listed (from the PASID decoder's cap). */
  readonly omitted?: number
}

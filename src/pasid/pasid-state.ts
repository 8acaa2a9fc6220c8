/**
 * The guest PASID state of a VM: migrated with it. Only guest-allocated PASIDs are state;
 * host-side PASIDs are rebuilt on the destination.
 *
 * Modes (DESIGN.md §5): `delegated` (SR-IOV: the guest's PASID is the hardware PASID),
 * `per-rid` (SIOV/mdev: the host gives each vPASID a pPASID from the parent's pool),
 * `global-split` (ENQCMD: locals [1, N) guest-owned, globals [N, max) host-owned; each local
 * gets one fresh global shared by every function it is attached to), and `global-per-function`
 * (each function wholly global or local, no split point).
 */
import type { Pasid, PasidWidth } from './pasid.js'

export type PasidMode = 'delegated' | 'per-rid' | 'global-split' | 'global-per-function'

/** What the guest was shown of a function's PASID capability. */
export interface GuestPasidCapability {
  readonly width: PasidWidth
  readonly execute: boolean
  readonly privileged: boolean
}

export interface PasidFunction {
  /** The VM's name for the function (its guest address, e.g. `00:05.0`). */
  readonly id: string
  readonly capability: GuestPasidCapability
  /** The guest submits work with ENQCMD, whose PASID the CPU translates. */
  readonly enqcmd: boolean
  /** `global-per-function` only: which pool the function's PASIDs live in. */
  readonly pool?: 'global' | 'local'
}

/** A guest PASID bound to a function (the hardware PASID in delegated mode, a vPASID in per-rid). */
export interface PasidBinding {
  readonly function: string
  readonly pasid: Pasid
}

/** A guest-local PASID (global-split) and the functions it is attached to. */
export interface LocalPasid {
  readonly local: Pasid
  readonly functions: readonly string[]
}

interface BoundState<M extends PasidMode> {
  readonly mode: M
  readonly functions: readonly PasidFunction[]
  readonly bindings: readonly PasidBinding[]
}

export type PasidState =
  | BoundState<'delegated'>
  | BoundState<'per-rid'>
  | BoundState<'global-per-function'>
  | { readonly mode: 'global-split'; readonly split: number; readonly functions: readonly PasidFunction[]; readonly locals: readonly LocalPasid[] }

/**
 * Where a byte of a config space lies, in words: the header, a capability (its header or its
 * body), or space no capability claims. Used to label differences.
 */
import type { Capability } from '../capability/capability.js'
import { scopeLabel } from '../semantic/obligation-plan.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'

export interface Scope {
  /** A stable label: `header`, `MSI-X at 0x80`, `unclaimed standard space`. */
  readonly label: string
  readonly capability: Capability | null
  /** True for a capability's own header bytes (ID, version, next pointer). */
  readonly capabilityHeader: boolean
}

/** Where byte `at` of `f` lies. */
export const scopeAt = (f: PreparedFunction, at: number): Scope => {
  const k = at < 0x40 ? -1 : (f.owner[at] ?? -1)
  const cap = k >= 0 ? f.walk.capabilities[k]! : null
  return {
    label: scopeLabel(f.walk.capabilities, f.owner, at),
    capability: cap,
    capabilityHeader: cap !== null && at < cap.offset + (cap.space === 'standard' ? 2 : 4),
  }
}

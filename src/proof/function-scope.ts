/**
 * Where a byte of a config space lies, in words: the header, a capability (its header or its
 * body), or space no capability claims. Used to label differences and obligations.
 */
import { type Capability, capabilityLabel } from '../capability/capability.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'

export interface Scope {
  /** A stable label: `header`, `MSI-X at 0x80`, `unclaimed standard space`. */
  readonly label: string
  readonly capability: Capability | null
  /** True for a capability's own header bytes (ID, version, next pointer). */
  readonly capabilityHeader: boolean
}

const HEADER: Scope = { label: 'header', capability: null, capabilityHeader: false }
const UNCLAIMED_STANDARD: Scope = { label: 'unclaimed standard space', capability: null, capabilityHeader: false }
const UNCLAIMED_EXTENDED: Scope = { label: 'unclaimed extended space', capability: null, capabilityHeader: false }

/** The capability of `f` whose bytes include `at`, if any. */
export const capabilityAt = (f: PreparedFunction, at: number): Capability | undefined =>
  f.walk.capabilities.find((c) => at >= c.offset && at < c.offset + c.length)

/** Where byte `at` of `f` lies. */
export const scopeAt = (f: PreparedFunction, at: number): Scope => {
  if (at < 0x40) return HEADER
  const cap = capabilityAt(f, at)
  if (cap === undefined) return at < 0x100 ? UNCLAIMED_STANDARD : UNCLAIMED_EXTENDED
  return { label: capabilityLabel(cap), capability: cap, capabilityHeader: at < cap.offset + (cap.space === 'standard' ? 2 : 4) }
}

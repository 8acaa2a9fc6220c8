/**
 * The obligations a function's layout implies: one per capability (its structure), one per
 * field, and one per run of bytes no field fully describes, so that together they cover every
 * offset. Planned once per function; a judgement only fills in the results.
 */
import { type Capability, capabilityLabel } from '../capability/capability.js'
import { fieldMask, type Rule } from '../capability/field.js'
import type { Walk } from '../capability/walk.js'
import type { FieldInstance } from './semantic-image.js'

export type ObligationResult = 'held' | 'failed' | 'warning' | 'assumed'

export interface Obligation {
  /** `header`, `PCI Express at 0x40`, `unclaimed extended space`, `BARs`. */
  readonly scope: string
  readonly offset: number | null
  readonly length: number | null
  /** The field key, `structure`, `bytes` or `sizes`. */
  readonly check: string
  readonly rule: Rule | 'structure' | 'exact' | 'bars'
  readonly result: ObligationResult
}

/** Scope labels of the bytes no capability claims, and of the header. */
export const HEADER_SCOPE = 'header'
export const UNCLAIMED_STANDARD_SCOPE = 'unclaimed standard space'
export const UNCLAIMED_EXTENDED_SCOPE = 'unclaimed extended space'

/** For each byte, the index of the capability holding it, or -1 (header / unclaimed). */
export const capabilityOwners = (walk: Walk, size: number): Int16Array => {
  const owner = new Int16Array(size).fill(-1)
  walk.capabilities.forEach((c, k) => owner.fill(k, c.offset, Math.min(c.offset + c.length, size)))
  return owner
}

/** The label of the scope holding byte `at`, given the owner table. */
export const scopeLabel = (capabilities: readonly Capability[], owner: Int16Array, at: number): string => {
  if (at < 0x40) return HEADER_SCOPE
  const k = owner[at] ?? -1
  if (k >= 0) return capabilityLabel(capabilities[k]!)
  return at < 0x100 ? UNCLAIMED_STANDARD_SCOPE : UNCLAIMED_EXTENDED_SCOPE
}

/** Every obligation of the layout, results all `held`: a judgement replaces the ones that are not. */
export const planObligations = (walk: Walk, fields: readonly FieldInstance[], owner: Int16Array): Obligation[] => {
  const size = owner.length
  const labels = walk.capabilities.map(capabilityLabel)
  const plan: Obligation[] = walk.capabilities.map((c, k) => ({
    scope: labels[k]!,
    offset: c.offset,
    length: c.length,
    check: 'structure',
    rule: 'structure' as const,
    result: 'held' as const,
  }))
  const coverage = new Uint8Array(size)
  for (const f of fields) {
    if (f.offset + f.spec.width > size) continue
    const mask = fieldMask(f.spec)
    for (let k = 0; k < f.spec.width; k++) coverage[f.offset + k]! |= (mask >>> (8 * k)) & 0xff
    const k = f.capability === null ? -1 : owner[f.capability.offset]!
    plan.push({
      scope: k < 0 ? HEADER_SCOPE : labels[k]!,
      offset: f.offset,
      length: f.spec.width,
      check: f.spec.key,
      rule: f.spec.rule,
      result: 'held',
    })
  }
  // Segments in address order: the header, each capability, and the unclaimed stretches
  // between them. Only segments holding fields need a byte scan; the rest are one run each.
  const ordered = walk.capabilities.map((c, k) => ({ start: c.offset, end: Math.min(c.offset + c.length, size), label: labels[k]! }))
  ordered.sort((x, y) => x.start - y.start)
  const segments: Array<{ start: number; end: number; label: string; scan: boolean }> = [{ start: 0, end: Math.min(0x40, size), label: HEADER_SCOPE, scan: true }]
  const unclaimed = (start: number, end: number): void => {
    const split = Math.max(start, Math.min(end, 0x100))
    if (split > start) segments.push({ start, end: split, label: UNCLAIMED_STANDARD_SCOPE, scan: false })
    if (end > split) segments.push({ start: split, end, label: UNCLAIMED_EXTENDED_SCOPE, scan: false })
  }
  let at = Math.min(0x40, size)
  for (const c of ordered) {
    if (c.start >= at) {
      unclaimed(at, c.start)
      segments.push({ start: c.start, end: c.end, label: c.label, scan: true })
    } else if (c.end > at) {
      segments.push({ start: at, end: c.end, label: c.label, scan: true }) // overlapping capabilities
    }
    at = Math.max(at, c.end)
  }
  unclaimed(at, size)
  for (const seg of segments) {
    if (!seg.scan) {
      plan.push({ scope: seg.label, offset: seg.start, length: seg.end - seg.start, check: 'bytes', rule: 'exact', result: 'held' })
      continue
    }
    let start = -1
    for (let i = seg.start; i <= seg.end; i++) {
      const open = i < seg.end && coverage[i] !== 0xff
      if (open && start < 0) start = i
      else if (!open && start >= 0) {
        plan.push({ scope: seg.label, offset: start, length: i - start, check: 'bytes', rule: 'exact', result: 'held' })
        start = -1
      }
    }
  }
  return plan
}

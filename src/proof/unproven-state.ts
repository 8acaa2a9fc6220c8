/**
 * Optional writable bits in migrated state (DESIGN.md §4, soundness rules). The spec makes some
 * writable bits optional: writable where the function implements the feature, hardwired to 0
 * where it does not, and no register says which (`FieldSpec.optional`, e.g. the AER mask bits
 * of optional errors). A 1 on the source proves the source implements the bit; a 0 on the
 * destination proves nothing, so the source's value cannot be proved writable there, and QEMU's
 * load check refuses exactly that when the destination does not implement it. Some are proved
 * implemented by another register (`FieldSpec.optionalEvidence`: Surprise Down by Link
 * Capabilities, ECRC by ECRC Check Capable, ...), and then they are writable. The rest are
 * refused by default; `assumeImplemented` turns each into a warning the certificate states as
 * an assumption.
 */
import { capabilityLabel } from '../capability/capability.js'
import { fieldValue, type OptionalEvidence } from '../capability/field.js'
import type { ConfigSpace } from '../config-space/config-space.js'
import type { OptionalByte } from '../semantic/layout-skeleton.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'
import { type FieldInstance, fieldsOfCapability } from '../semantic/semantic-image.js'
import { hex, type Reason } from './reason.js'

export interface UnprovenStateOptions {
  /**
   * Accept a set optional bit the destination reads as 0, assuming the destination implements
   * it (default false: refuse). Accepted bits are warnings, and assumptions in certificates.
   */
  readonly assumeImplemented?: boolean
}

/** The sentence a certificate records for an accepted unproven bit. */
export const unprovenAssumption = (r: Pick<Reason, 'capability' | 'field' | 'offset'>): string =>
  `the destination implements the optional bits of ${r.capability ?? 'Header'} ${r.field ?? ''} at ${r.offset === null ? '?' : hex(r.offset)} that the source has set`

/** The optional bits `evidence` proves `f` implements (its capabilities and fields, read on `f`). */
const evidencedBits = (f: PreparedFunction, evidence: readonly OptionalEvidence[]): number => {
  let bits = 0
  for (const e of evidence) {
    const cap = f.walk.capabilities.find((c) => c.space === e.space && c.id === e.id)
    if (cap === undefined) continue
    if (e.field === undefined) {
      bits |= e.bits
      continue
    }
    const field = fieldsOfCapability(f.semantic, cap).find((x) => x.spec.key === e.field)
    if (field !== undefined && fieldValue(field.spec, registerBits(f.config.bytes, field.offset, field.spec.width)) !== 0) bits |= e.bits
  }
  return bits >>> 0
}

const bitList = (mask: number): number[] => {
  const bits: number[] = []
  for (let b = 0; b < 32; b++) if ((mask >>> b) & 1) bits.push(b)
  return bits
}

const registerBits = (bytes: ArrayLike<number>, at: number, width: number): number => {
  let v = 0
  for (let k = width - 1; k >= 0; k--) v = ((v << 8) | (bytes[at + k] ?? 0)) >>> 0
  return v
}

/**
 * Every field of `optional` (the source's optional bytes) with a bit set in `source` that reads
 * 0 where `destinationAt` says the destination holds that byte (null: not held there, not
 * judged here). One reason per field, naming the register and its bits; errors unless
 * `assumeImplemented`.
 */
export const unprovenState = (
  source: ConfigSpace,
  optional: readonly OptionalByte[],
  destination: PreparedFunction,
  destinationAt: (o: OptionalByte) => number | null,
  options: UnprovenStateOptions = {},
): Reason[] => {
  const proven = new Map<FieldInstance, number>()
  const provenBits = (f: FieldInstance): number => {
    let bits = proven.get(f)
    if (bits === undefined) proven.set(f, (bits = evidencedBits(destination, f.spec.optionalEvidence ?? [])))
    return bits
  }
  /** Per field: the unproven bits (register-wide) and where the destination holds the register. */
  const unproven = new Map<FieldInstance, { mask: number; register: number }>()
  for (const o of optional) {
    const d = destinationAt(o)
    if (d === null) continue
    const k = o.at - o.field.offset
    const cleared = (source.bytes[o.at] ?? 0) & o.bits & ~(destination.config.bytes[d] ?? 0)
    // Evidence is read only for bits it could prove.
    const missing = cleared === 0 ? 0 : cleared & ~(provenBits(o.field) >>> (8 * k))
    if (missing === 0) continue
    const seen = unproven.get(o.field)
    unproven.set(o.field, { mask: ((seen?.mask ?? 0) | (missing << (8 * k))) >>> 0, register: d - k })
  }
  const reasons: Reason[] = []
  for (const [f, { mask, register }] of unproven) {
    const spec = f.spec
    const bits = bitList(mask)
    const where = f.capability === null ? 'Header' : capabilityLabel(f.capability)
    const destinationRegister = register
    const assumed = options.assumeImplemented === true
    const reason: Reason = {
      code: 'STATE_UNPROVEN',
      severity: assumed ? 'warning' : 'error',
      capability: f.capability?.name ?? null,
      field: spec.key,
      offset: f.offset,
      length: spec.width,
      source: registerBits(source.bytes, f.offset, spec.width) & (spec.optional ?? 0),
      destination: registerBits(destination.config.bytes, destinationRegister, spec.width) & (spec.optional ?? 0),
      message: `${where}, ${spec.register} bit${bits.length === 1 ? '' : 's'} ${bits.join(', ')}: set in the source's state, 0 on the destination — these bits are optional (writable only where the function implements the error, else hardwired 0); the source implements them, the destination may not, and then the migrated value cannot be written back (QEMU's load check refuses it). ${assumed ? 'Assumed implemented on the destination (--assume-implemented).' : 'If the destination hardware implements them, --assume-implemented accepts this as a stated assumption.'}`,
    }
    reasons.push(reason)
  }
  return reasons
}

/**
 * Why a judgement refused or warned: a stable code, a severity, where (capability, field,
 * offset, length), both values, and a sentence a person can act on without the spec.
 */
import type { Rule } from '../capability/field.js'

export type ReasonCode =
  /** The source has a capability the destination lacks. */
  | 'CAP_MISSING'
  /** The destination has a capability the source lacks: the guest would find a new one. */
  | 'CAP_ADDED'
  /** The same capability sits at another offset: guest drivers cache capability offsets. */
  | 'CAP_OFFSET_MOVED'
  | 'CAP_VERSION'
  | 'CAP_LENGTH'
  /** A field's value differs, by the field's compatibility rule. */
  | 'FIELD_IDENTITY'
  | 'FIELD_CAPACITY'
  | 'FIELD_FEATURES'
  | 'FIELD_VOLATILE'
  | 'FIELD_INSTANCE'
  /** Read-only bytes no field describes differ. */
  | 'BYTES_DIFFER'
  /** The guest may write (or write-1-clear) different bits. */
  | 'WRITE_MASK_DIFFERS'
  /** BAR, ROM or VF BAR sizes or types differ. */
  | 'BAR_DIFFERS'
  /** A VF's identity and BARs are its PF's to tell, and no PF (or one without SR-IOV) was given. */
  | 'VF_NEEDS_PF'
  /** BAR sizes are unknown on a side: assumed equal, never guessed. */
  | 'BAR_SIZE_UNKNOWN'
  /** One side was read without extended space, though the function has it. */
  | 'EXTENDED_SPACE_UNKNOWN'
  /** A side was read as 64 bytes only: its capabilities are not visible. */
  | 'IMAGE_INCOMPLETE'
  /** Migrated state has a bit set that the destination cannot hold there. */
  | 'STATE_NOT_WRITABLE'
  /** Migrated state has an optional bit set (writable only where implemented) that the destination reads as 0: not provably writable. */
  | 'STATE_UNPROVEN'
  /** The destination's variant driver cannot load the source's migration stream. */
  | 'PERSONA_STREAM'
  /** PASIDs (DESIGN.md §5): width, split point, pools, features, PF, CPU translation, missing function. */
  | 'PASID_WIDTH'
  | 'PASID_SPLIT'
  | 'PASID_POOL_EXHAUSTED'
  | 'PASID_FEATURES'
  | 'PASID_PF_DISABLED'
  | 'PASID_LOCAL_OCCUPIED'
  | 'PASID_OCCUPIED'
  | 'PASID_NO_TRANSLATION'
  | 'PASID_NO_FUNCTION'
  /** The destination lists one PASID function id twice: which entry's pool a plan would use is undefined. */
  | 'PASID_DUPLICATE_FUNCTION'
  /** One destination function given to two VM functions: assignments are one-to-one. */
  | 'PASID_SHARED_FUNCTION'
  /**
   * The migration state contradicts itself (src/state/state-consistency.ts): a layout that
   * does not build, a guest address missing or repeated, an image of another size than its
   * layout, read-only bits of the image other than the layout builds, a recorded digest that is
   * not the layout's, or a PASID capability (presence, width, execute/privileged) the PASID state
   * claims and the layout does not show.
   */
  | 'STATE_LAYOUT'
  | 'STATE_GUEST_ADDRESS'
  | 'STATE_IMAGE_SIZE'
  | 'STATE_READ_ONLY'
  | 'STATE_DIGEST'
  | 'STATE_PASID_CAPABILITY'
  | 'STATE_PASID_WIDTH'
  | 'STATE_PASID_FEATURES'
  /** Whole-VM: no free function of the host can take a VM function (its closest candidate's reasons follow). */
  | 'NO_CANDIDATE'
  /** Whole-VM: every function has candidates, but no one-to-one assignment (with PASIDs) exists. */
  | 'NO_ASSIGNMENT'
  /** Whole-VM: the search for PASID limits reached its stated bound undecided; refused as unproved. */
  | 'SEARCH_BOUND'

export type Severity = 'error' | 'warning'

/** A value as reasons carry it: numbers for registers, records for capabilities and BARs. */
export type ReasonValue = number | string | boolean | null | { readonly [key: string]: ReasonValue }

export interface Reason {
  readonly code: ReasonCode
  readonly severity: Severity
  /** The capability's name; null for the config header or the function as a whole. */
  readonly capability: string | null
  /** The field's key within its capability or header; null when no single field is meant. */
  readonly field: string | null
  /** Absolute offset and length of the bytes concerned; null when no bytes are. */
  readonly offset: number | null
  readonly length: number | null
  readonly source: ReasonValue
  readonly destination: ReasonValue
  readonly message: string
}

/** What a difference under each rule means for the guest, when the field has no sentence of its own. */
export const RULE_CONSEQUENCE: Readonly<Record<Rule, string>> = {
  identity: 'the guest read the source\'s read-only value and may depend on it',
  capacity: 'the guest may be using up to the source\'s value',
  features: 'the guest may be using what the source advertised',
  state: 'the guest wrote this value',
  volatile:
    'read-only run-time status the guest reads directly; QEMU\'s load check refuses such a difference too (a layout file can emulate it)',
  instance: 'a per-device value; a layout should virtualize it rather than pass it through',
}

/** The reason code a differing field of each rule gives. */
export const RULE_CODE: Readonly<Record<Rule, ReasonCode>> = {
  identity: 'FIELD_IDENTITY',
  capacity: 'FIELD_CAPACITY',
  features: 'FIELD_FEATURES',
  state: 'FIELD_IDENTITY',
  volatile: 'FIELD_VOLATILE',
  instance: 'FIELD_INSTANCE',
}

/** An error about the function, host or VM as a whole (no capability, field or bytes), unless `where` says more. */
export const wholeReason = (code: ReasonCode, message: string, where: Partial<Omit<Reason, 'code' | 'message'>> = {}): Reason => ({
  code,
  severity: 'error',
  capability: null,
  field: null,
  offset: null,
  length: null,
  source: null,
  destination: null,
  message,
  ...where,
})

export const hex = (n: number): string => `0x${n.toString(16)}`

/** True when the reason concerns byte `at`. */
export const reasonCovers = (r: Pick<Reason, 'offset' | 'length'>, at: number): boolean =>
  r.offset !== null && r.length !== null && at >= r.offset && at < r.offset + r.length

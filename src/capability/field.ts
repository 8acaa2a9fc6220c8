/**
 * Fields of a register: a bit range with an access type and a compatibility rule. The registry
 * carries one table of these per capability (and per header layout); everything that compares
 * two functions reads the rules from here.
 */

/**
 * Access as the spec defines it. `RO` read-only, `HwInit` read-only once firmware set it,
 * `RW` guest-writable, `RW1C` write-1-to-clear status.
 */
export type Access = 'RO' | 'HwInit' | 'RW' | 'RW1C'

/**
 * How a field constrains a migration (shared/DESIGN.md §3):
 * `identity` must be equal; `capacity` destination ≥ source; `features` destination bits ⊇
 * source bits; `state` a writable, migrated value; `volatile` run-time status and logs;
 * `instance` a per-physical-device value (serial numbers) a layout should virtualize.
 */
export type Rule = 'identity' | 'capacity' | 'features' | 'state' | 'volatile' | 'instance'

export interface FieldSpec {
  /** camelCase key, unique within its capability: used in layout files and JSON. */
  readonly key: string
  /** The spec's name for the field. */
  readonly name: string
  /** The spec's name for the register holding it. */
  readonly register: string
  /** Offset of the register from the capability's start (from 0 for header fields). */
  readonly at: number
  /** Register width in bytes. */
  readonly width: 1 | 2 | 4
  /** Highest and lowest bit of the field within the register. */
  readonly hi: number
  readonly lo: number
  readonly access: Access
  readonly rule: Rule
  /** How a value reads for people ("8 vectors", "x16"); the hex value when absent. */
  readonly show?: (raw: number) => string
  /** Why a difference matters, when the rule's general sentence would be vague. */
  readonly why?: string
  /** For `capacity` fields whose encoding is not the amount itself (ATS: 0 means 32). */
  readonly magnitude?: (raw: number) => number
  /** The value after a reset, where the spec gives one other than 0 (see `Reset`); RW and RW1C fields only. */
  readonly reset?: Reset
  /**
   * Bits of a writable register (as a register-wide mask) that the spec makes optional: writable
   * when the function implements the feature, hardwired to 0 when it does not, with no register
   * that says which. A 1 read there proves the function implements it; a 0 proves nothing.
   */
  readonly optional?: number
  /** Registers elsewhere that prove some of the `optional` bits implemented (a 0 there still proves nothing). */
  readonly optionalEvidence?: readonly OptionalEvidence[]
}

/**
 * Proof that a function implements some optional bits: it has the capability (space, id) and,
 * when `field` is given, that field of it is non-zero.
 */
export interface OptionalEvidence {
  /** The optional bits (register-wide mask) this proves implemented. */
  readonly bits: number
  readonly space: 'standard' | 'extended'
  readonly id: number
  readonly field?: string
}

/**
 * A writable field's value after a conventional reset, when the spec's default is not 0: a
 * number; `{ from }`, the value of a read-only field of the same capability (PCIe Target Link
 * Speed defaults to the Max Link Speed); or `asRead` where the spec leaves the default to the
 * implementation (Resizable BAR Size: the size the BAR requests), so only the function knows it.
 */
export type Reset = number | { readonly from: string } | 'asRead'

/** The field's bits within its register, as an unsigned mask. */
export const fieldMask = (f: Pick<FieldSpec, 'hi' | 'lo'>): number =>
  f.hi - f.lo === 31 ? 0xffffffff : (((1 << (f.hi - f.lo + 1)) - 1) << f.lo) >>> 0

/** The field's value from its register's value. */
export const fieldValue = (f: Pick<FieldSpec, 'hi' | 'lo'>, register: number): number => ((register & fieldMask(f)) >>> 0) >>> f.lo

/** True when the guest can write the field (RW), so its value is migrated state. */
export const isWritable = (f: Pick<FieldSpec, 'access'>): boolean => f.access === 'RW'

/**
 * The field's value in a function fresh from reset: read-only fields as `read` gives them (they
 * are the function's, not state); RW and RW1C fields their spec default (`reset`, else 0), where
 * `read(key)` gives a sibling field's value and `read(null)` this field's own. An optional bit
 * (`optional`) is hardwired to 0 where the function does not implement it, whatever the default:
 * it keeps a default of 1 only where the function reads 1 there, which proves it implemented.
 */
export const resetValue = (f: Pick<FieldSpec, 'key' | 'access' | 'reset' | 'optional' | 'hi' | 'lo'>, read: (key: string | null) => number): number => {
  if (f.access !== 'RW' && f.access !== 'RW1C') return read(null)
  const r = f.reset ?? 0
  const value = typeof r === 'number' ? r : r === 'asRead' ? read(null) : read(r.from)
  const optional = fieldValue(f, f.optional ?? 0)
  return ((value & ~optional) | (value & optional & read(null))) >>> 0
}

/** How a field's value reads for people. */
export const showValue = (f: FieldSpec, raw: number): string => (f.show ? f.show(raw) : `0x${raw.toString(16)}`)

export interface FieldOptions {
  readonly show?: (raw: number) => string
  readonly why?: string
  readonly magnitude?: (raw: number) => number
  readonly reset?: Reset
  readonly optional?: number
  readonly optionalEvidence?: readonly OptionalEvidence[]
}

/**
 * One field. `bits` is `[hi, lo]`, or a single bit number. Keeps field tables one line each:
 * `field('PASID Capability', 0x04, 2, [12, 8], 'RO', 'capacity', 'maxPasidWidth', 'Max PASID Width')`.
 */
export const field = (
  register: string,
  at: number,
  width: 1 | 2 | 4,
  bits: readonly [number, number] | number,
  access: Access,
  rule: Rule,
  key: string,
  name: string,
  options: FieldOptions = {},
): FieldSpec => {
  const [hi, lo] = typeof bits === 'number' ? [bits, bits] : bits
  return { key, name, register, at, width, hi, lo, access, rule, ...options }
}

/** Renderers shared by several field tables. */
export const show = {
  flag: (raw: number): string => (raw ? 'yes' : 'no'),
  count: (raw: number): string => `${raw}`,
  plusOne: (unit: string) => (raw: number): string => `${raw + 1} ${unit}`,
  bits: (raw: number): string => `${raw} bits`,
  lanes: (raw: number): string => `x${raw}`,
  bytesLog2From128: (raw: number): string => `${128 << raw} bytes`,
  powerOfTwo: (unit: string) => (raw: number): string => `${2 ** raw} ${unit}`,
  zeroMeans: (zero: number, unit: string) => (raw: number): string => `${raw === 0 ? zero : raw} ${unit}`,
} as const

/**
 * A register, to declare its fields one line each:
 * `const cap = register('PASID Capability', 0x04, 2)` then `cap([12, 8], 'RO', 'capacity', 'maxPasidWidth', 'Max PASID Width')`.
 */
export const register =
  (name: string, at: number, width: 1 | 2 | 4) =>
  (
    bits: readonly [number, number] | number,
    access: Access,
    rule: Rule,
    key: string,
    fieldName: string,
    options: FieldOptions = {},
  ): FieldSpec =>
    field(name, at, width, bits, access, rule, key, fieldName, options)

/** A whole register as one field. */
export const whole = (name: string, at: number, width: 1 | 2 | 4, access: Access, rule: Rule, key: string, options: FieldOptions = {}): FieldSpec =>
  field(name, at, width, [width * 8 - 1, 0], access, rule, key, name, options)

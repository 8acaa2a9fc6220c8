/**
 * The layout file's shape as io-ts codecs: what a YAML document must look like before its
 * meaning is checked. Numbers are YAML integers (`0x150` or `336`); BAR and ROM sizes may also
 * be strings of them, so sizes beyond 2^53 can be written exactly. Whether a number fits its
 * register is `build`'s check (layout-bounds.ts), made for layouts from files, migration states
 * and memory alike.
 */
import * as t from 'io-ts'
import { PersonaCodec } from './persona-codec.js'

/** A non-negative integer, from a YAML integer or a decimal/hex string; bigint for sizes. */
export const BigUInt = new t.Type<bigint, number | string, unknown>(
  'integer',
  (u): u is bigint => typeof u === 'bigint',
  (u, c) => {
    if (typeof u === 'number' && Number.isSafeInteger(u) && u >= 0) return t.success(BigInt(u))
    if (typeof u === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(u.trim())) return t.success(BigInt(u.trim()))
    return t.failure(u, c, 'a non-negative integer (decimal or 0x hex)')
  },
  (b) => (b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : `0x${b.toString(16)}`),
)

/** A non-negative integer that fits a JavaScript number exactly. */
export const UInt = new t.Type<number, number, unknown>(
  'integer',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0,
  (u, c) => {
    const b = BigUInt.validate(u, c)
    if (b._tag === 'Left') return b
    return b.right <= BigInt(Number.MAX_SAFE_INTEGER) ? t.success(Number(b.right)) : t.failure(u, c, 'an integer below 2^53')
  },
  (n) => n,
)

/** A non-negative integer written as a number, never a string: what registers and offsets hold. */
export const Integer = new t.Type<number, number, unknown>(
  'integer',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0,
  (u, c) => (typeof u === 'number' && Number.isSafeInteger(u) && u >= 0 ? t.success(u) : t.failure(u, c, 'a non-negative integer (decimal or 0x hex, not quoted)')),
  (n) => n,
)

/** A BAR index: 0–5 (a type 1 header has only 0 and 1; `build` says so). */
const BarIndex = new t.Type<number, number, unknown>(
  'a BAR index (0–5)',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= 5,
  (u, c) => (typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= 5 ? t.success(u) : t.failure(u, c)),
  (n) => n,
)

/** A capability ID: a registry key (`pasid`) or a number. */
export const CapabilityId = t.union([t.string, Integer])

const RawBytesFile = t.array(t.strict({ at: Integer, hex: t.string }))

const FieldsFile = t.record(t.string, Integer)

export const CapabilityFile = t.intersection([
  t.strict({ offset: Integer, id: CapabilityId }),
  t.partial({
    space: t.keyof({ standard: null, extended: null }),
    version: Integer,
    backing: t.keyof({ passthrough: null, emulated: null }),
    length: Integer,
    fields: FieldsFile,
    bytes: RawBytesFile,
  }),
])

export const LayoutFile = t.intersection([
  t.strict({
    apiVersion: t.string,
    kind: t.string,
    metadata: t.strict({ name: t.string }),
    size: t.union([t.literal(256), t.literal(4096)]),
    identity: t.strict({
      vendorId: Integer,
      deviceId: Integer,
      revisionId: Integer,
      classCode: Integer,
      subsystemVendorId: Integer,
      subsystemId: Integer,
    }),
  }),
  t.partial({
    persona: PersonaCodec,
    bars: t.array(
      t.intersection([
        t.strict({ index: BarIndex, kind: t.keyof({ memory32: null, memory64: null, io: null }) }),
        t.partial({ prefetchable: t.boolean, size: t.union([BigUInt, t.null]) }),
      ]),
    ),
    rom: t.union([t.null, t.partial({ size: t.union([BigUInt, t.null]) })]),
    header: t.partial({ fields: FieldsFile, bytes: RawBytesFile }),
    capabilities: t.array(CapabilityFile),
    unclaimed: RawBytesFile,
    hidden: t.array(t.intersection([t.strict({ space: t.keyof({ standard: null, extended: null }), id: CapabilityId }), t.partial({ offset: t.union([Integer, t.null]) })])),
  }),
])

export type LayoutFile = t.TypeOf<typeof LayoutFile>
export type CapabilityFile = t.TypeOf<typeof CapabilityFile>

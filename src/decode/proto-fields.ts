/**
 * The top-level fields of a protobuf message, undecoded: each field's number with its varint
 * value or its length-delimited bytes (a view into the input, not a copy). For adapters that hand
 * a request's embedded messages (a MigrationState, a Host) to the codecs that take bytes, so a
 * state sent inside a request is decoded, and refused, exactly as the same state in a file.
 * Bounded by the input: one pass, every length checked against the bytes left.
 */
import * as E from 'fp-ts/lib/Either.js'

export type FieldValue = number | Uint8Array

/** Field values by number, in wire order (a repeated field has several). */
export type ProtoFields = ReadonlyMap<number, readonly FieldValue[]>

/** A varint at `at` (up to 64 bits; numbers past 2^53 lose precision): its value and the offset after it. */
const varint = (bytes: Uint8Array, at: number): { readonly value: number; readonly next: number } | null => {
  let value = 0
  for (let shift = 0, i = at; i < bytes.length && shift < 64; shift += 7, i++) {
    value += (bytes[i]! & 0x7f) * 2 ** shift
    if ((bytes[i]! & 0x80) === 0) return { value, next: i + 1 }
  }
  return null
}

/** Every top-level field of `bytes`, or where and why the wire format breaks. */
export const protoFields = (bytes: Uint8Array): E.Either<string, ProtoFields> => {
  const out = new Map<number, FieldValue[]>()
  const add = (field: number, v: FieldValue): void => {
    const list = out.get(field)
    if (list === undefined) out.set(field, [v])
    else list.push(v)
  }
  let at = 0
  while (at < bytes.length) {
    const tag = varint(bytes, at)
    if (tag === null) return E.left(`offset ${at}: a field tag runs past the end`)
    const field = Math.floor(tag.value / 8)
    const wire = tag.value % 8
    if (field === 0) return E.left(`offset ${at}: field number 0`)
    at = tag.next
    if (wire === 0) {
      const v = varint(bytes, at)
      if (v === null) return E.left(`offset ${at}: field ${field}'s varint runs past the end`)
      add(field, v.value)
      at = v.next
    } else if (wire === 2) {
      const length = varint(bytes, at)
      if (length === null || length.next + length.value > bytes.length) return E.left(`offset ${at}: field ${field}'s length runs past the end`)
      add(field, bytes.subarray(length.next, length.next + length.value))
      at = length.next + length.value
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4
      if (at + size > bytes.length) return E.left(`offset ${at}: field ${field}'s fixed value runs past the end`)
      add(field, bytes.subarray(at, at + size))
      at += size
    } else return E.left(`offset ${at - 1}: wire type ${wire} (groups are not used by this schema)`)
  }
  return E.right(out)
}

/** The last value of a length-delimited field (proto3: the last one wins), or undefined. */
export const bytesField = (fields: ProtoFields, field: number): Uint8Array | undefined => {
  const list = fields.get(field)
  const v = list?.[list.length - 1]
  return v instanceof Uint8Array ? v : undefined
}

/** Every value of a repeated length-delimited field. */
export const repeatedBytes = (fields: ProtoFields, field: number): Uint8Array[] => (fields.get(field) ?? []).filter((v): v is Uint8Array => v instanceof Uint8Array)

/** A string field (UTF-8; malformed sequences replaced), or '' when absent. */
export const stringField = (fields: ProtoFields, field: number): string => {
  const b = bytesField(fields, field)
  return b === undefined ? '' : new TextDecoder().decode(b)
}

/** A varint field, or 0 when absent. */
export const varintField = (fields: ProtoFields, field: number): number => {
  const list = fields.get(field)
  const v = list?.[list.length - 1]
  return typeof v === 'number' ? v : 0
}

/** True when the field was sent. */
export const hasField = (fields: ProtoFields, field: number): boolean => fields.has(field)

/**
 * Writes a message in the canonical protobuf JSON mapping (ProtoJSON) from its wire object (the
 * plain object protobufjs's static code encodes or decodes): lowerCamelCase json names, fields in
 * number order, enums by name (a number the schema lacks stays a number), bytes as standard
 * base64 with padding, 64-bit integers as decimal strings, non-finite floats as "NaN" /
 * "Infinity". Default values are not written (as `json_format.MessageToJson` and `protojson`
 * do by default): a zero, false, empty string or bytes, enum 0, empty list or map is left out,
 * except in a field with presence (proto3 `optional`, a message, a oneof member), which is
 * written whenever set.
 */
import { Buffer } from 'node:buffer'
import type { FieldType, MessageType, ValueType } from './proto-descriptor.js'
import { messageType } from './proto-descriptor.js'

type Wire = Readonly<Record<string, unknown>>

const SIXTY_FOUR: ReadonlySet<string> = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64'])

/** True for the value a field of implicit presence does not write (its type's default). */
export const isDefault = (value: ValueType, v: unknown): boolean => {
  if (value.kind === 'message') return false
  if (value.kind === 'enum') return Number(v) === 0
  switch (value.type) {
    case 'bool':
      return v === false
    case 'string':
      return v === ''
    case 'bytes':
      return v instanceof Uint8Array && v.length === 0
    default:
      // A number, a decimal string or a Long: its decimal text.
      return String(v) === '0'
  }
}

const floatJson = (n: number): number | string => (Number.isNaN(n) ? 'NaN' : n === Infinity ? 'Infinity' : n === -Infinity ? '-Infinity' : n)

const valueJson = (value: ValueType, v: unknown): unknown => {
  if (value.kind === 'message') return protoJsonOf(messageType(value.type), v as Wire)
  if (value.kind === 'enum') return value.type.byNumber.get(Number(v)) ?? Number(v)
  if (value.type === 'bytes') return Buffer.from((v as Uint8Array).buffer, (v as Uint8Array).byteOffset, (v as Uint8Array).length).toString('base64')
  if (value.type === 'bool') return v === true
  if (value.type === 'string') return String(v)
  if (SIXTY_FOUR.has(value.type)) return String(v)
  if (value.type === 'double' || value.type === 'float') return floatJson(Number(v))
  return Number(v)
}

const fieldJson = (f: FieldType, v: unknown): unknown => {
  if (f.cardinality === 'repeated') return Array.isArray(v) && v.length > 0 ? v.map((x) => valueJson(f.value, x)) : undefined
  if (f.cardinality === 'map') {
    const keys = typeof v === 'object' && v !== null ? Object.keys(v) : []
    if (keys.length === 0) return undefined
    const out: Record<string, unknown> = {}
    for (const k of keys) Object.defineProperty(out, k, { value: valueJson(f.value, (v as Wire)[k]), enumerable: true, writable: true, configurable: true })
    return out
  }
  if (!f.explicitPresence && isDefault(f.value, v)) return undefined
  return valueJson(f.value, v)
}

/** The ProtoJSON of a wire object of `type`; fields absent (null or undefined) are left out. */
export const protoJsonOf = (type: MessageType, wire: Wire): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const f of type.fields) {
    const v = wire[f.wireName]
    if (v === null || v === undefined) continue
    const json = fieldJson(f, v)
    if (json !== undefined) out[f.jsonName] = json
  }
  return out
}

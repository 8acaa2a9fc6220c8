/**
 * Reads a message from the canonical protobuf JSON mapping (ProtoJSON) into the wire object
 * protobufjs's static code encodes, accepting what the mapping says a parser accepts: a field by
 * its json name or its proto name, null for an absent field, integers as numbers or decimal
 * strings, enums by name or number, bytes in standard or URL-safe base64 with or without
 * padding. Everything else is refused at its path: an unknown field, a field given under both
 * names, two members of a oneof, a value of the wrong type, an integer out of its range or not
 * whole, a 64-bit integer past 2^53 written as a JSON number (JSON numbers lose such digits in
 * JavaScript, so it must be a string), base64 with a character of neither alphabet, null inside
 * a list or map. Never throws on any JSON value; work is linear in its size and only the first
 * ERROR_LIMIT errors are kept (the rest counted), so a list of 10^6 wrong values costs one pass.
 */
import { Buffer } from 'node:buffer'
import * as E from 'fp-ts/lib/Either.js'
import type { EnumType, FieldType, MessageType, ScalarType, ValueType } from './proto-descriptor.js'
import { messageType } from './proto-descriptor.js'
import { isDefault } from './proto-json-write.js'
import type { StateError } from './migration-state.js'

/** A path as a chain from the leaf (one small object a step; made into an array only for an error). */
type Path = { readonly up: Path; readonly step: string | number } | null
const pathArray = (p: Path): Array<string | number> => {
  const out: Array<string | number> = []
  for (let n = p; n !== null; n = n.up) out.push(n.step)
  return out.reverse()
}
const down = (p: Path, step: string | number): Path => ({ up: p, step })

/** Errors listed in full; past it they are only counted. */
export const ERROR_LIMIT = 100

/** A JSON value in a message for people: primitives as JSON (long strings cut), containers by kind. */
const describe = (v: unknown): string => {
  if (Array.isArray(v)) return `an array of ${v.length}`
  if (v !== null && typeof v === 'object') return 'an object'
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v)
  const s = typeof v === 'string' && v.length > 40 ? `${JSON.stringify(v.slice(0, 37))}...` : JSON.stringify(v)
  return s === undefined ? String(v) : s
}

/** A key as a path step: a hostile key may be megabytes long. */
const keyStep = (k: string): string => (k.length > 64 ? `${k.slice(0, 61)}...` : k)

const INTEGER = /^-?[0-9]{1,30}$/
const RANGES: Readonly<Partial<Record<ScalarType, readonly [bigint, bigint]>>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
}
/** The 32-bit ranges as numbers, for the common case without BigInt. */
const NUMBER_RANGES: Readonly<Partial<Record<ScalarType, readonly [number, number]>>> = Object.fromEntries(
  Object.entries(RANGES).flatMap(([k, [lo, hi]]) => (hi < 2n ** 32n ? [[k, [Number(lo), Number(hi)]]] : [])),
)
const STANDARD_BASE64 = /^[A-Za-z0-9+/]*$/
const URL_BASE64 = /^[A-Za-z0-9_-]*$/

/** A parsed scalar is the value itself (a number, string, boolean or bytes); a refusal is marked, so success allocates nothing. */
const REFUSED: unique symbol = Symbol('refused')
interface Refused {
  readonly [REFUSED]: string
}
type Parsed = unknown
const ok = (value: unknown): Parsed => value
const bad = (message: string): Refused => ({ [REFUSED]: message })
const refusal = (p: Parsed): string | null => (typeof p === 'object' && p !== null && REFUSED in p ? (p as Refused)[REFUSED] : null)

/** An integer of `type` from a JSON number or decimal string: a number for 32 bits, a decimal string for 64 (exact past 2^53). */
const integer = (type: ScalarType, v: unknown, range: readonly [bigint, bigint]): Parsed => {
  // The common case without BigInt: a whole JSON number inside a 32-bit range.
  const narrow = NUMBER_RANGES[type]
  if (narrow !== undefined && typeof v === 'number' && Number.isInteger(v) && v >= narrow[0] && v <= narrow[1]) return v
  const wide = narrow === undefined
  let n: bigint
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return bad(`expected a whole number (${type}), got ${describe(v)}`)
    if (wide && !Number.isSafeInteger(v)) return bad(`${describe(v)} is past 2^53 as a JSON number and may have lost digits; write ${type} values as strings`)
    n = BigInt(v)
  } else if (typeof v === 'string' && INTEGER.test(v)) n = BigInt(v)
  else return bad(`expected ${type} (a number or a decimal string), got ${describe(v)}`)
  if (n < range[0] || n > range[1]) return bad(`${describe(v)} is outside ${type} (${range[0]} to ${range[1]})`)
  return ok(wide ? n.toString() : Number(n))
}

const FLOAT_WORDS: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity }

const floating = (type: ScalarType, v: unknown): Parsed => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? (FLOAT_WORDS[v] ?? (/^-?[0-9.eE+-]{1,40}$/.test(v) ? Number(v) : NaN)) : undefined
  if (n === undefined || (Number.isNaN(n) && v !== 'NaN')) return bad(`expected ${type} (a number, "NaN", "Infinity" or "-Infinity"), got ${describe(v)}`)
  if (type === 'float' && Number.isFinite(n) && Math.abs(n) > 3.4028234663852886e38) return bad(`${describe(v)} is outside float`)
  return ok(n)
}

/** Bytes from base64, standard or URL-safe (one alphabet), padding optional. */
const base64 = (v: unknown): Parsed => {
  if (typeof v !== 'string') return bad(`expected bytes as a base64 string, got ${describe(v)}`)
  const body = v.endsWith('==') ? v.slice(0, -2) : v.endsWith('=') ? v.slice(0, -1) : v
  if ((body.length !== v.length && v.length % 4 !== 0) || body.length % 4 === 1 || !(STANDARD_BASE64.test(body) || URL_BASE64.test(body))) {
    return bad(`expected bytes as base64 (standard or URL-safe, padding optional), got ${describe(v)}`)
  }
  return ok(new Uint8Array(Buffer.from(body, 'base64')))
}

const scalar = (type: ScalarType, v: unknown): Parsed => {
  const range = RANGES[type]
  if (range !== undefined) return integer(type, v, range)
  if (type === 'double' || type === 'float') return floating(type, v)
  if (type === 'bytes') return base64(v)
  if (type === 'bool') return typeof v === 'boolean' ? ok(v) : bad(`expected true or false, got ${describe(v)}`)
  return typeof v === 'string' ? ok(v) : bad(`expected a string, got ${describe(v)}`)
}

const enumValue = (type: EnumType, v: unknown): Parsed => {
  if (typeof v === 'string') {
    const n = type.byName.get(v)
    return n === undefined ? bad(`unknown ${type.name} ${describe(v)}; expected one of: ${[...type.byName.keys()].join(', ')}`) : ok(n)
  }
  // An open enum: a number the schema lacks is kept (the checks after decoding judge it).
  if (typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) return ok(v)
  return bad(`expected a ${type.name} name or number, got ${describe(v)}`)
}

const isObject = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Json and proto names of each message's fields, built once per message. */
const lookups = new Map<string, ReadonlyMap<string, FieldType>>()
const lookupOf = (type: MessageType): ReadonlyMap<string, FieldType> => {
  let m = lookups.get(type.name)
  if (m === undefined) {
    m = new Map(type.fields.flatMap((f) => [[f.jsonName, f] as const, [f.protoName, f] as const]))
    lookups.set(type.name, m)
  }
  return m
}

/** One read: the errors kept, and how many more were found. */
interface Reading {
  readonly errors: StateError[]
  omitted: number
}

const refuse = (r: Reading, path: Path, message: string): undefined => {
  if (r.errors.length < ERROR_LIMIT) r.errors.push({ path: pathArray(path), message })
  else r.omitted++
  return undefined
}

const valueOf = (r: Reading, value: ValueType, v: unknown, path: Path): unknown => {
  if (value.kind === 'message') return message(r, messageType(value.type), v, path)
  const parsed = value.kind === 'enum' ? enumValue(value.type, v) : scalar(value.type, v)
  const refused = refusal(parsed)
  return refused === null ? parsed : refuse(r, path, refused)
}

const mapOf = (r: Reading, f: FieldType, v: unknown, path: Path): unknown => {
  if (!isObject(v)) return refuse(r, path, `expected an object (a map), got ${describe(v)}`)
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(v)) {
    const at = down(path, keyStep(k))
    // Map keys are JSON strings; a key of another scalar type is its value written as a string.
    const key = f.keyType === 'string' || f.keyType === undefined ? ok(k) : f.keyType === 'bool' ? (k === 'true' || k === 'false' ? ok(k) : bad(`expected a key "true" or "false"`)) : scalar(f.keyType, k)
    const keyRefused = refusal(key)
    if (keyRefused !== null) refuse(r, at, `map key: ${keyRefused}`)
    const x = v[k]
    const value = x === null ? refuse(r, at, 'null is not a map value') : valueOf(r, f.value, x, at)
    if (keyRefused === null && value !== undefined) Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true })
  }
  return out
}

const repeatedOf = (r: Reading, f: FieldType, v: unknown, path: Path): unknown => {
  if (!Array.isArray(v)) return refuse(r, path, `expected an array, got ${describe(v)}`)
  const out: unknown[] = []
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i]
    const value = x === null ? refuse(r, down(path, i), 'null is not a list element') : valueOf(r, f.value, x, down(path, i))
    if (value !== undefined) out.push(value)
  }
  return out
}

const message = (r: Reading, type: MessageType, v: unknown, path: Path): Record<string, unknown> | undefined => {
  if (!isObject(v)) return refuse(r, path, `expected a ${type.name} object, got ${describe(v)}`)
  const lookup = lookupOf(type)
  const out: Record<string, unknown> = {}
  let oneofs: Map<string, string> | undefined
  for (const k of Object.keys(v)) {
    const at = down(path, keyStep(k))
    const f = lookup.get(k)
    if (f === undefined) {
      refuse(r, at, `unknown field ${describe(keyStep(k))} of ${type.name}; expected one of: ${type.fields.map((x) => x.jsonName).join(', ')}`)
      continue
    }
    if (k === f.protoName && k !== f.jsonName && Object.hasOwn(v, f.jsonName)) {
      refuse(r, at, `field given twice, as "${f.jsonName}" and "${k}"`)
      continue
    }
    const x = v[k]
    if (x === null) continue
    if (f.oneof !== undefined) {
      oneofs ??= new Map()
      const other = oneofs.get(f.oneof)
      if (other !== undefined) refuse(r, at, `"${other}" and "${k}" are both members of oneof ${f.oneof}; give at most one`)
      oneofs.set(f.oneof, k)
    }
    const value = f.cardinality === 'map' ? mapOf(r, f, x, at) : f.cardinality === 'repeated' ? repeatedOf(r, f, x, at) : valueOf(r, f.value, x, at)
    if (value !== undefined && (f.cardinality !== 'single' || f.explicitPresence || !isDefault(f.value, value))) out[f.wireName] = value
  }
  return out
}

/** The wire object of a message of `type` (a short name: `MigrationState`) from its ProtoJSON, or every error (the first ERROR_LIMIT) with its path. */
export const wireOfProtoJson = (type: string, json: unknown): E.Either<readonly StateError[], Record<string, unknown>> => {
  const r: Reading = { errors: [], omitted: 0 }
  const wire = message(r, messageType(type), json, null)
  if (r.omitted > 0) r.errors.push({ path: [], message: `${r.omitted} more errors`, omitted: r.omitted })
  return r.errors.length > 0 || wire === undefined ? E.left(r.errors) : E.right(wire)
}

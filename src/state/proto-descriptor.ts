/**
 * The schema (proto/vpci/migration/v1) as data, from pbjs's JSON descriptor generated beside the
 * static code: each message's fields with their ProtoJSON names, wire property names, kinds and
 * presence, each enum's values. What the ProtoJSON reader and writer walk, so both follow the
 * schema and not a copy of it.
 */
import descriptor from './generated/migration.descriptor.json' with { type: 'json' }

/** pbjs's JSON form of one message or enum (only what is read here). */
interface DescriptorNode {
  readonly fields?: Readonly<Record<string, { readonly type: string; readonly id: number; readonly rule?: string; readonly keyType?: string; readonly options?: Readonly<Record<string, unknown>> }>>
  readonly oneofs?: Readonly<Record<string, { readonly oneof: readonly string[] }>>
  readonly values?: Readonly<Record<string, number>>
}

/** Scalar types by their proto name; everything else names a message or an enum. */
export type ScalarType = 'double' | 'float' | 'int32' | 'uint32' | 'sint32' | 'fixed32' | 'sfixed32' | 'int64' | 'uint64' | 'sint64' | 'fixed64' | 'sfixed64' | 'bool' | 'string' | 'bytes'

const SCALARS: ReadonlySet<string> = new Set<ScalarType>(['double', 'float', 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'int64', 'uint64', 'sint64', 'fixed64', 'sfixed64', 'bool', 'string', 'bytes'])

/** What a field holds, one value of it (a repeated field or a map holds many). */
export type ValueType = { readonly kind: 'scalar'; readonly type: ScalarType } | { readonly kind: 'enum'; readonly type: EnumType } | { readonly kind: 'message'; readonly type: string }

export interface FieldType {
  /** As written in the .proto file (snake_case): ProtoJSON parsers accept it too. */
  readonly protoName: string
  /** The ProtoJSON name (protoc's lowerCamelCase rule). */
  readonly jsonName: string
  /** The property protobufjs's static code reads and writes (its own camelCase rule). */
  readonly wireName: string
  readonly id: number
  readonly value: ValueType
  readonly cardinality: 'single' | 'repeated' | 'map'
  /** Map fields only: the key's scalar type. */
  readonly keyType?: ScalarType
  /** Written even when it holds its default: proto3 `optional`, a message, or a oneof member. */
  readonly explicitPresence: boolean
  /** The real oneof it belongs to (proto3 `optional`'s synthetic oneofs are not), if any. */
  readonly oneof?: string
}

export interface MessageType {
  readonly name: string
  /** In field number order, the order ProtoJSON writers emit them. */
  readonly fields: readonly FieldType[]
}

export interface EnumType {
  readonly name: string
  readonly byName: ReadonlyMap<string, number>
  readonly byNumber: ReadonlyMap<number, string>
}

/** protoc's json_name: each underscore dropped, the character after it upper-cased (digits stay). */
export const protoJsonName = (name: string): string => name.replace(/_+(.?)/g, (_, c: string) => c.toUpperCase())

/** protobufjs's property name: an underscore before a lower-case letter dropped, the letter upper-cased. */
const wireNameOf = (name: string): string => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

const PACKAGE = 'vpci.migration.v1'
const nodes = (descriptor as { nested: { vpci: { nested: { migration: { nested: { v1: { nested: Record<string, DescriptorNode> } } } } } } }).nested.vpci.nested.migration.nested.v1.nested

const enums = new Map<string, EnumType>()
for (const [name, node] of Object.entries(nodes)) {
  if (node.values === undefined) continue
  const entries = Object.entries(node.values)
  enums.set(name, { name: `${PACKAGE}.${name}`, byName: new Map(entries), byNumber: new Map(entries.map(([k, v]) => [v, k])) })
}

const valueType = (type: string, owner: string): ValueType => {
  if (SCALARS.has(type)) return { kind: 'scalar', type: type as ScalarType }
  const e = enums.get(type)
  if (e !== undefined) return { kind: 'enum', type: e }
  if (nodes[type]?.fields !== undefined) return { kind: 'message', type }
  throw new Error(`${owner}: type ${type} is not in package ${PACKAGE}`)
}

/** A message's fields, resolved on first use (a message never asked for is never resolved). */
const resolve = (name: string, node: DescriptorNode & { readonly fields: NonNullable<DescriptorNode['fields']> }): MessageType => {
  const oneofOf = new Map<string, string>()
  for (const [oneof, { oneof: members }] of Object.entries(node.oneofs ?? {})) {
    for (const m of members) if (node.fields[m]?.options?.proto3_optional !== true) oneofOf.set(m, oneof)
  }
  const fields = Object.entries(node.fields).map(([protoName, f]): FieldType => {
    const value = valueType(f.type, `${name}.${protoName}`)
    const oneof = oneofOf.get(protoName)
    return {
      protoName,
      jsonName: protoJsonName(protoName),
      wireName: wireNameOf(protoName),
      id: f.id,
      value,
      cardinality: f.keyType !== undefined ? 'map' : f.rule === 'repeated' ? 'repeated' : 'single',
      ...(f.keyType === undefined ? {} : { keyType: f.keyType as ScalarType }),
      explicitPresence: f.rule !== 'repeated' && f.keyType === undefined && (value.kind === 'message' || f.options?.proto3_optional === true || oneof !== undefined),
      ...(oneof === undefined ? {} : { oneof }),
    }
  })
  return { name: `${PACKAGE}.${name}`, fields: fields.sort((a, b) => a.id - b.id) }
}

const messages = new Map<string, MessageType>()

/**
 * A message of the package by its short name (`MigrationState`); throws for a name the schema
 * lacks, or a field type outside the package (well-known types are not mapped here): a caller's or
 * the schema's bug, found by the first test that reads or writes that message.
 */
export const messageType = (name: string): MessageType => {
  let m = messages.get(name)
  if (m === undefined) {
    const node = nodes[name]
    if (node?.fields === undefined) throw new Error(`no message ${name} in ${PACKAGE}`)
    m = resolve(name, node as DescriptorNode & { readonly fields: NonNullable<DescriptorNode['fields']> })
    messages.set(name, m)
  }
  return m
}

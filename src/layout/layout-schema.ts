/**
 * The JSON Schema (draft 2020-12) of a layout file, for editors. Shipped in the package as
 * `vpci-migrate/schema/function-layout.schema.json`; the decoder is the authority (it also
 * checks what a schema cannot: registry names, overlaps, field names per instance).
 */
import { EXTENDED_CAPABILITIES, STANDARD_CAPABILITIES } from '../capability/registry.js'

const integer = { oneOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^(0x[0-9a-fA-F]+|[0-9]+)$' }] }
const bytes = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['at', 'hex'],
    properties: { at: integer, hex: { type: 'string', pattern: '^\\s*[0-9a-fA-F]{2}(\\s+[0-9a-fA-F]{2})*\\s*$' } },
  },
}
const capabilityId = {
  description: 'A capability key from the registry, or a numeric ID',
  oneOf: [{ type: 'string', enum: [...new Set([...STANDARD_CAPABILITIES, ...EXTENDED_CAPABILITIES].map((e) => e.key))] }, integer],
}
const space = { type: 'string', enum: ['standard', 'extended'] }

export const FUNCTION_LAYOUT_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://vpci-migrate.dev/schema/function-layout.schema.json',
  title: 'vpci FunctionLayout',
  description: 'The virtual config space of an instance type, as the VMM presents it to the guest.',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'size', 'identity'],
  properties: {
    apiVersion: { const: 'vpci/v1' },
    kind: { const: 'FunctionLayout' },
    metadata: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string' } } },
    size: { enum: [256, 4096] },
    identity: {
      type: 'object',
      additionalProperties: false,
      required: ['vendorId', 'deviceId', 'revisionId', 'classCode', 'subsystemVendorId', 'subsystemId'],
      properties: Object.fromEntries(['vendorId', 'deviceId', 'revisionId', 'classCode', 'subsystemVendorId', 'subsystemId'].map((k) => [k, integer])),
    },
    persona: {
      type: 'object',
      additionalProperties: false,
      required: ['family', 'hardwareVersion', 'firmware', 'migrationStreams'],
      properties: {
        family: { type: 'string' },
        hardwareVersion: { type: 'string' },
        firmware: { type: 'string' },
        migrationStreams: { type: 'array', items: integer },
      },
    },
    bars: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['index', 'kind'],
        properties: {
          index: { type: 'integer', minimum: 0, maximum: 5 },
          kind: { enum: ['memory32', 'memory64', 'io'] },
          prefetchable: { type: 'boolean' },
          size: { oneOf: [integer, { type: 'null' }] },
        },
      },
    },
    rom: { oneOf: [{ type: 'null' }, { type: 'object', additionalProperties: false, properties: { size: { oneOf: [integer, { type: 'null' }] } } }] },
    header: {
      type: 'object',
      additionalProperties: false,
      properties: { fields: { type: 'object', additionalProperties: integer }, bytes },
    },
    capabilities: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['offset', 'id'],
        properties: {
          space,
          offset: integer,
          id: capabilityId,
          version: { type: 'integer', minimum: 0, maximum: 15 },
          backing: { enum: ['passthrough', 'emulated'] },
          length: integer,
          fields: { type: 'object', additionalProperties: integer },
          bytes,
        },
      },
    },
    unclaimed: bytes,
    hidden: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['space', 'id'],
        properties: { space, id: capabilityId, offset: { oneOf: [integer, { type: 'null' }] } },
      },
    },
  },
} as const

/**
 * The JSON Schema (draft 2020-12) of a PASID state file (`kind: PasidState`), for editors and
 * for programs that write one. Shipped as `vpci-migrate/schema/pasid-state.schema.json`. The
 * decoder (`decodePasidState`) is the authority: it also checks what a schema cannot (functions,
 * locals and bindings not repeated, PASIDs within each function's width, PASID 0 never bound,
 * locals below the split).
 */
import { schemaId } from '../decode/schema-modeline.js'

const pasid = { type: 'integer', minimum: 0, maximum: 1048575 }

const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: schemaId('pasid-state.schema.json'),
  title: 'vpci PasidState',
  description: "A VM's guest PASID state: its functions' PASID capabilities and the PASIDs the guest allocated.",
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'mode', 'functions'],
  properties: {
    apiVersion: { const: 'vpci/v1' },
    kind: { const: 'PasidState' },
    mode: {
      enum: ['delegated', 'per-rid', 'global-split', 'global-per-function'],
      description: 'delegated: SR-IOV, guest PASID = hardware PASID; per-rid: a host PASID per guest PASID per parent; global-split: ENQCMD, guests own [1, split); global-per-function: each function global or local',
    },
    split: { type: 'integer', minimum: 1, maximum: 1048576, description: 'global-split: guests own [1, split)' },
    functions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'capability', 'enqcmd'],
        properties: {
          id: { type: 'string', description: 'the guest address of an assigned function' },
          capability: {
            type: 'object',
            additionalProperties: false,
            required: ['width', 'execute', 'privileged'],
            description: 'the PASID capability the guest was shown',
            properties: { width: { type: 'integer', minimum: 0, maximum: 20 }, execute: { type: 'boolean' }, privileged: { type: 'boolean' } },
          },
          enqcmd: { type: 'boolean', description: 'the guest submits work to it with ENQCMD' },
          pool: { enum: ['global', 'local'], description: 'global-per-function: which pool its PASIDs come from' },
        },
      },
    },
    bindings: {
      type: 'array',
      description: 'delegated, per-rid, global-per-function: each guest PASID bound to a function',
      items: { type: 'object', additionalProperties: false, required: ['function', 'pasid'], properties: { function: { type: 'string' }, pasid } },
    },
    locals: {
      type: 'array',
      description: 'global-split: each guest-local PASID and the functions it is attached to',
      items: { type: 'object', additionalProperties: false, required: ['local', 'functions'], properties: { local: pasid, functions: { type: 'array', items: { type: 'string' } } } },
    },
  },
  if: { properties: { mode: { const: 'global-split' } } },
  then: { required: ['split', 'locals'], not: { required: ['bindings'] } },
  else: { required: ['bindings'], not: { anyOf: [{ required: ['split'] }, { required: ['locals'] }] } },
} as const

/** The PASID state file's JSON Schema, as shipped in `schema/pasid-state.schema.json`. */
export const pasidStateJsonSchema = (): typeof SCHEMA => SCHEMA

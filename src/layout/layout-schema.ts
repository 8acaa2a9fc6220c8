/**
 * The JSON Schema (draft 2020-12) of a layout file, for editors. Shipped in the package as
 * `vpci-migrate/schema/function-layout.schema.json` (`npm run schema:generate` writes it). It is
 * generated from what the decoder checks with: the register bounds (layout-bounds.ts) and the
 * capability registry (keys, IDs, fixed lengths, field tables), so it refuses every value the
 * decoder refuses on its own. What needs two entries at once (overlapping capabilities, BARs
 * sharing a register, a raw run reaching past its region) or one particular instance (a field
 * present only with some flag, a length a capability computes) only the decoder can check.
 */
import { RESERVED_HEADER_KEY } from './build.js'
import { capabilityHeaderLength } from './owned-bits.js'
import { type CapabilityEntry, EXTENDED_CAPABILITIES, headerFields, STANDARD_CAPABILITIES } from '../capability/registry.js'
import type { Space } from '../capability/capability.js'
import { BAR_INDEX_BOUNDS, type Bound, ID_BOUNDS, IDENTITY_BOUNDS, OFFSET_BOUNDS, SIZE_LOG2, STREAM_BOUND, VERSION_BOUND } from './layout-bounds.js'
import { tableKeys, type TableKeys } from './schema-fields.js'

type Schema = Record<string, unknown>

const int = (b: Pick<Bound, 'min' | 'max'>): Schema => ({ type: 'integer', minimum: b.min, maximum: b.max })
const SPACE_END: Readonly<Record<Space, number>> = { standard: 0x100, extended: 0x1000 }

/** `at` of a raw run: in one of the `free` ranges (none: no raw bytes at all). */
const atIn = (free: ReadonlyArray<readonly [number, number]>): Schema =>
  free.length === 1 ? int({ min: free[0]![0], max: free[0]![1] }) : free.length === 0 ? { not: {} } : { anyOf: free.map(([min, max]) => int({ min, max })) }

const runs = (at: Schema): Schema => ({
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['at', 'hex'],
    properties: { at, hex: { type: 'string', pattern: '^\\s*[0-9a-fA-F]{2}(\\s+[0-9a-fA-F]{2})*\\s*$' } },
  },
})

/** `fields` holding exactly the keys of `t`, each at most its width. */
const fieldsOf = (t: TableKeys, reserved: RegExp | null = null): Schema => {
  const keys = t.keys.filter(([k]) => reserved === null || !reserved.test(k))
  if (keys.length === 0) return { type: 'object', maxProperties: 0 }
  return {
    type: 'object',
    propertyNames: { pattern: `^(?:${keys.map(([k]) => k).join('|')})$` },
    patternProperties: Object.fromEntries(keys.map(([k, max]) => [`^${k}$`, int({ min: 0, max })])),
  }
}

/** Sizes a BAR of `kind` decodes: powers of two in SIZE_LOG2, as a number (up to 2^53) or a hex or decimal string. */
const sizeOf = (kind: keyof typeof SIZE_LOG2): Schema => {
  const [lo, hi] = SIZE_LOG2[kind]
  const powers = Array.from({ length: hi - lo + 1 }, (_, k) => 1n << BigInt(lo + k))
  return {
    oneOf: [
      { type: 'null' },
      { type: 'integer', enum: powers.filter((p) => p <= BigInt(Number.MAX_SAFE_INTEGER)).map(Number) },
      { type: 'string', pattern: `^\\s*(?:0x0*(?:${powers.map((p) => p.toString(16)).join('|')})|0*(?:${powers.map((p) => p.toString()).join('|')}))\\s*$` },
    ],
  }
}

/** A capability entry in `space`: stated so, or (without `space`) implied by its offset as the decoder does. */
const inSpace = (space: Space): Schema => ({
  anyOf: [
    { required: ['space'], properties: { space: { const: space } } },
    { not: { required: ['space'] }, properties: { offset: space === 'extended' ? { minimum: 0x100 } : { maximum: 0xff } } },
  ],
})

const keysOf = (space: Space): readonly CapabilityEntry[] => (space === 'standard' ? STANDARD_CAPABILITIES : EXTENDED_CAPABILITIES).filter((e) => space === 'standard' || e.id !== 0)

/** What every capability of `space` must be: where it starts, its ID, its version, where its raw bytes go. */
const spaceRules = (space: Space): Schema => {
  const head = capabilityHeaderLength({ space })
  const span = SPACE_END[space] - OFFSET_BOUNDS[space].min
  return {
    if: inSpace(space),
    then: {
      properties: {
        offset: { ...int(OFFSET_BOUNDS[space]), multipleOf: 4 },
        // Extended ID 0 is the placeholder of a hidden capability, never a listed one.
        id: { oneOf: [{ type: 'string', enum: keysOf(space).map((e) => e.key) }, int({ min: space === 'extended' ? 1 : 0, max: ID_BOUNDS[space].max })] },
        ...(space === 'extended' ? { version: int(VERSION_BOUND) } : {}),
        length: int({ min: head, max: span }),
        bytes: runs(int({ min: head, max: span - 1 })),
      },
      ...(space === 'standard' ? { not: { required: ['version'] } } : {}),
    },
  }
}

/** What a capability of one registry entry must be: its fields, its length, where its raw bytes go. */
const entryRules = (e: CapabilityEntry): Schema => {
  const head = capabilityHeaderLength(e)
  const end = SPACE_END[e.space]
  const fixed = e.length._tag === 'Fixed' ? e.length.bytes : null
  const longest = end - OFFSET_BOUNDS[e.space].min
  const t = tableKeys(e.fields, fixed ?? longest, head, fixed ?? longest)
  return {
    if: { allOf: [inSpace(e.space), { properties: { id: { enum: [e.key, e.id] } } }] },
    then: {
      properties: {
        fields: fieldsOf(t),
        bytes: runs(atIn(t.free)),
        ...(fixed === null ? {} : { length: { const: fixed }, offset: { maximum: end - fixed } }),
      },
      ...(fixed === null ? { required: ['length'] } : {}),
    },
  }
}

/** A numeric ID the registry does not know: its length must be given, and it has no fields. */
const unknownRules = (space: Space): Schema => ({
  if: { allOf: [inSpace(space), { properties: { id: { type: 'integer', not: { enum: keysOf(space).map((e) => e.id) } } } }] },
  then: { required: ['length'], properties: { fields: { type: 'object', maxProperties: 0 } } },
})

const space = { type: 'string', enum: ['standard', 'extended'] }
const number = { type: 'integer', minimum: 0 }

/** Header fields and raw header bytes of one header layout (0 endpoint, 1 bridge). */
const headerOf = (layout: 0 | 1): Schema => {
  const t = tableKeys(headerFields(layout), 0x40, 0, 0x40)
  // Only header layouts 0 and 1 have field tables: `headerLayout` is one of them.
  const keys = t.keys.map(([k, max]) => [k, k === 'headerLayout' ? 1 : max] as const)
  return { properties: { fields: fieldsOf({ ...t, keys }, RESERVED_HEADER_KEY), bytes: runs(atIn(t.free)) } }
}

const bridge = { properties: { header: { properties: { fields: { properties: { headerLayout: { const: 1 } }, required: ['headerLayout'] } }, required: ['fields'] } }, required: ['header'] }

const generate = () => ({
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
      required: Object.keys(IDENTITY_BOUNDS),
      properties: Object.fromEntries(Object.entries(IDENTITY_BOUNDS).map(([k, b]) => [k, int(b)])),
    },
    persona: {
      type: 'object',
      additionalProperties: false,
      required: ['family', 'hardwareVersion', 'firmware', 'migrationStreams'],
      properties: {
        family: { type: 'string' },
        hardwareVersion: { type: 'string' },
        firmware: { type: 'string' },
        migrationStreams: { type: 'array', items: int(STREAM_BOUND) },
      },
    },
    bars: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['index', 'kind'],
        properties: { index: int(BAR_INDEX_BOUNDS[0]), kind: { enum: ['memory32', 'memory64', 'io'] }, prefetchable: { type: 'boolean' }, size: true },
        allOf: (['memory32', 'memory64', 'io'] as const).map((kind) => ({ if: { properties: { kind: { const: kind } } }, then: { properties: { size: sizeOf(kind) } } })),
      },
    },
    rom: { oneOf: [{ type: 'null' }, { type: 'object', additionalProperties: false, properties: { size: sizeOf('rom') } }] },
    header: {
      type: 'object',
      additionalProperties: false,
      properties: { fields: { type: 'object', additionalProperties: number }, bytes: runs(int({ min: 0, max: 0x3f })) },
    },
    capabilities: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['offset', 'id'],
        properties: {
          space,
          offset: number,
          id: { oneOf: [{ type: 'string' }, number] },
          version: number,
          backing: { enum: ['passthrough', 'emulated'] },
          length: number,
          fields: { type: 'object', additionalProperties: int({ min: 0, max: 0xffffffff }) },
          bytes: runs(number),
        },
        allOf: [spaceRules('standard'), spaceRules('extended'), ...[...STANDARD_CAPABILITIES, ...EXTENDED_CAPABILITIES].filter((e) => e.space === 'standard' || e.id !== 0).map(entryRules), unknownRules('standard'), unknownRules('extended')],
      },
    },
    // Outside the header and the extended list's first header (0x100–0x103, where the list starts).
    unclaimed: runs({ ...int({ min: 0x40, max: 0xfff }), not: int({ min: 0x100, max: 0x103 }) }),
    hidden: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['space', 'id'],
        properties: { space, id: { oneOf: [{ type: 'string' }, number] }, offset: { oneOf: [number, { type: 'null' }] } },
        allOf: (['standard', 'extended'] as const).map((s) => ({
          if: { properties: { space: { const: s } } },
          then: { properties: { id: { oneOf: [{ type: 'string', enum: (s === 'standard' ? STANDARD_CAPABILITIES : EXTENDED_CAPABILITIES).map((e) => e.key) }, int(ID_BOUNDS[s])] }, offset: { oneOf: [int(OFFSET_BOUNDS[s]), { type: 'null' }] } } },
        })),
      },
    },
  },
  allOf: [
    // Header fields and bytes by header layout; a bridge has two BARs.
    { if: bridge, then: { properties: { header: headerOf(1), bars: { items: { properties: { index: int(BAR_INDEX_BOUNDS[1]) } } } } }, else: { properties: { header: headerOf(0) } } },
    // A conventional (256-byte) function has no extended capabilities, and no bytes past 0xff.
    {
      if: { properties: { size: { const: 256 } } },
      then: {
        properties: {
          capabilities: { items: { properties: { offset: { maximum: 0xfc } }, not: { required: ['space'], properties: { space: { const: 'extended' } } } } },
          unclaimed: { items: { properties: { at: { maximum: 0xff } } } },
        },
      },
    },
  ],
})

let schema: ReturnType<typeof generate> | null = null

/** The layout file's JSON Schema, generated on first use (probing the field tables takes tens of milliseconds). */
export const functionLayoutJsonSchema = (): ReturnType<typeof generate> => (schema ??= generate())

/**
 * The JSON Schema (draft 2020-12) of a host file (`kind: Host`), for editors. Shipped in the
 * package as `vpci-migrate/schema/host.schema.json`; files vpci writes name it on their first
 * line. The decoder (`decodeHostFile`) is the authority: it also checks what a schema cannot
 * (addresses unique, a PF that is a function of the host, pools that do not overlap, an image's
 * hex and size).
 */
import { schemaId } from '../decode/schema-modeline.js'
import { functionLayoutJsonSchema } from '../layout/layout-schema.js'

const uint = { oneOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^(0x[0-9a-fA-F]+|[0-9]+)$' }] }
const width = { type: 'integer', minimum: 0, maximum: 20 }
const ranges = { type: 'array', items: { type: 'array', prefixItems: [uint, uint], minItems: 2, maxItems: 2 }, description: 'allocated PASIDs as [start, end) ranges' }
const source = (key: string) => ({ required: [key] })

/** The schema (made on first use: it takes the persona's from the layout schema). */
const generate = () => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: schemaId('host.schema.json'),
  title: 'vpci Host',
  description: 'A candidate destination host: its PCI functions and its PASID pools.',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata'],
  properties: {
    apiVersion: { const: 'vpci/v1' },
    kind: { const: 'Host' },
    metadata: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string' } } },
    functions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['address'],
        description: "One function; exactly one of dump, sysfs, layout or image gives its config space (paths relative to the host file)",
        oneOf: [source('dump'), source('sysfs'), source('layout'), source('image')],
        properties: {
          address: { type: 'string', description: 'DDDD:BB:DD.F' },
          dump: { type: 'string', description: 'an lspci hex dump or a binary config file' },
          sysfs: { type: 'string', description: 'a sysfs device folder (config, resource)' },
          layout: { type: 'string', description: 'a layout file (kind: FunctionLayout)' },
          image: {
            type: 'object',
            additionalProperties: false,
            required: ['config'],
            description: 'the function carried in the file (vpci host scan --embed)',
            properties: {
              config: { type: 'string', pattern: '^\\s*([0-9a-fA-F]{2}\\s+)*[0-9a-fA-F]{2}\\s*$', description: 'the config space as spaced hex: 64, 256 or 4096 bytes' },
              resource: { type: 'string', description: 'the sysfs resource file: 0xSTART 0xEND 0xFLAGS per line' },
            },
          },
          persona: (functionLayoutJsonSchema().properties as Record<string, unknown>).persona,
          pf: { type: 'string', description: "a VF's PF: the address of another function of this host" },
          free: { type: 'boolean', description: 'free for assignment (default true)' },
        },
      },
    },
    pasid: {
      type: 'object',
      additionalProperties: false,
      required: ['iommuWidth', 'cpuTranslation', 'split', 'globalAllocated', 'functions'],
      properties: {
        iommuWidth: { ...width, description: "the IOMMU's PASID width" },
        cpuTranslation: { type: 'boolean', description: 'the CPU translates ENQCMD PASIDs (guest local to host global)' },
        split: { oneOf: [uint, { type: 'null' }], description: "the global allocator's split N: guests own [1, N); null when not split" },
        globalAllocated: ranges,
        functions: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'capabilityWidth', 'execute', 'privileged', 'pasidEnabled', 'vf', 'allocated'],
            properties: {
              id: { type: 'string', description: 'the address of a function of this host' },
              capabilityWidth: { ...width, description: "Max PASID Width of its PASID capability (a VF: its PF's); 0 without one" },
              execute: { type: 'boolean' },
              privileged: { type: 'boolean' },
              pasidEnabled: { type: 'boolean', description: "PASID Enable (a VF: its PF's)" },
              vf: { type: 'boolean' },
              allocated: ranges,
            },
          },
        },
      },
    },
  },
}) as const

let schema: ReturnType<typeof generate> | undefined

/** The host file's JSON Schema, as shipped in `schema/host.schema.json`. */
export const hostJsonSchema = (): ReturnType<typeof generate> => (schema ??= generate())

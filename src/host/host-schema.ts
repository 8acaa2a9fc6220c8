/**
 * The JSON Schema (draft 2020-12) of a host file (`kind: Host`), for editors. Shipped in the
 * package as `vpci-migrate/schema/host.schema.json`; files vpci writes name it on their first
 * line. An inline layout refers to the layout file's schema (`function-layout.schema.json`,
 * shipped beside it). The decoder (`decodeHostFile`) is the authority: it also checks what a
 * schema cannot (addresses unique, a PF that is a function of the host, pools that do not
 * overlap, an image's rows at their offsets, resources in order).
 */
import { schemaId } from '../decode/schema-modeline.js'
import { functionLayoutJsonSchema } from '../layout/layout-schema.js'

const uint = { oneOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^(0x[0-9a-fA-F]+|[0-9]+)$' }] }
const width = { type: 'integer', minimum: 0, maximum: 20 }
const ranges = { type: 'array', items: { type: 'array', prefixItems: [uint, uint], minItems: 2, maxItems: 2 }, description: 'allocated PASIDs as [start, end) ranges' }
const source = (key: string) => ({ required: [key] })
/** `00: 34 12 ...`, `100: ...`: a row as lspci -xxx / -xxxx prints it. */
const ROW = '^[0-9a-fA-F]{2,3}: [0-9a-fA-F]{2}( [0-9a-fA-F]{2}){15}$'
/** 64, 256 or 4096 bytes. */
const rows = (n: number) => ({ minItems: n, maxItems: n })

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
          layout: {
            oneOf: [
              { type: 'string', description: 'a layout file (kind: FunctionLayout)' },
              { $ref: 'function-layout.schema.json', description: 'a layout inline (vpci host decode): the function is what it builds' },
            ],
          },
          image: {
            type: 'object',
            additionalProperties: false,
            required: ['config'],
            description: 'the function carried in the file (vpci host scan --embed, vpci host decode), as the Host message carries it',
            properties: {
              name: { type: 'string', description: 'the device or file it was read from' },
              config: {
                type: 'array',
                items: { type: 'string', pattern: ROW },
                anyOf: [rows(4), rows(16), rows(256)],
                description: 'the config space as lspci hex rows ("00: 34 12 ..."), sixteen bytes each at 0x00, 0x10, ...: 64, 256 or 4096 bytes',
              },
              resources: {
                type: 'array',
                description: 'its sysfs resources (BARs 0-5, ROM 6, VF BARs 7-12) in line order; absent when its BAR sizes are unknown',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['index', 'kind', 'size', 'prefetchable', 'is64Bit'],
                  properties: {
                    index: { ...uint, description: 'the line of the sysfs resource file' },
                    kind: { enum: ['io', 'memory', 'unused'] },
                    size: { ...uint, description: 'bytes decoded (0 when unused)' },
                    prefetchable: { type: 'boolean' },
                    is64Bit: { type: 'boolean' },
                  },
                },
              },
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

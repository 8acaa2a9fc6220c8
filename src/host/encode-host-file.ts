/**
 * Host files written, in the shape `decodeHostFile` reads (host-file.ts): `apiVersion: vpci/v1`,
 * `kind: Host`, the functions with their sources, personas, PFs and whether they are free, and
 * the `pasid` section. The first line names the file's JSON Schema for editors; notes become
 * comments above what they describe. An embedded image (`image: {config, resource}`) carries a
 * function's config space as spaced hex, 16 bytes a line, and its sysfs `resource` text, so the
 * file can travel to a machine that cannot read the host's sysfs.
 */
import { Document, isMap, isSeq, Scalar, type YAMLMap, type YAMLSeq } from 'yaml'
import { hexOf } from '../decode/hex-bytes.js'
import { schemaModeline } from '../decode/schema-modeline.js'
import type { Persona } from '../layout/function-layout.js'
import type { HostFunctionSource } from './host-file.js'
import type { HostPasidData } from '../pasid/pasid-files.js'

export interface HostFileFunction {
  readonly address: string
  readonly source: HostFunctionSource
  readonly persona: Persona | null
  /** A VF's PF address; null for a PF. */
  readonly pf: string | null
  readonly free: boolean
  /** Comment lines written above the entry. */
  readonly note?: readonly string[]
}

export interface HostFileData {
  readonly name: string
  readonly functions: readonly HostFileFunction[]
  readonly pasid: HostPasidData | null
  /** Comment lines written at the top, under the schema line. */
  readonly note?: readonly string[]
  /** Comment lines written above the `pasid` section. */
  readonly pasidNote?: readonly string[]
}

/** The file name of the host file's JSON Schema. */
export const HOST_SCHEMA_FILE = 'host.schema.json'

const comment = (lines: readonly string[] | undefined): string | undefined => (lines === undefined || lines.length === 0 ? undefined : lines.map((l) => ` ${l}`).join('\n'))

/** A resource file as the kernel prints it: `0x%016llx 0x%016llx 0x%016llx` lines. */
const KERNEL_RESOURCE = /^(0x[0-9a-fA-F]+ 0x[0-9a-fA-F]+ 0x[0-9a-fA-F]+\n)+$/

const block = (text: string): Scalar => {
  const s = new Scalar(text)
  s.type = 'BLOCK_LITERAL'
  return s
}

/** Spaced hex, 16 bytes a line. */
const hexLines = (bytes: Uint8Array): string => {
  const lines: string[] = []
  for (let at = 0; at < bytes.length; at += 16) lines.push(hexOf(bytes.subarray(at, at + 16), ' '))
  return `${lines.join('\n')}\n`
}

const functionData = (f: HostFileFunction): Record<string, unknown> => {
  const entry: Record<string, unknown> = { address: f.address }
  const s = f.source
  if (s.kind === 'image') entry.image = s.resource === null ? { config: hexLines(s.config) } : { config: hexLines(s.config), resource: s.resource }
  else entry[s.kind] = s.path
  if (f.persona !== null) entry.persona = { ...f.persona, migrationStreams: [...f.persona.migrationStreams] }
  if (f.pf !== null) entry.pf = f.pf
  if (!f.free) entry.free = false
  return entry
}

/** The host file's YAML text. */
export const encodeHostFile = (data: HostFileData): string => {
  const file: Record<string, unknown> = { apiVersion: 'vpci/v1', kind: 'Host', metadata: { name: data.name }, functions: data.functions.map(functionData) }
  if (data.pasid !== null) file.pasid = data.pasid
  const doc = new Document(file)
  doc.commentBefore = [schemaModeline(HOST_SCHEMA_FILE), ...(data.note ?? []).map((l) => ` ${l}`)].join('\n')
  const functions = doc.get('functions', true) as YAMLSeq<YAMLMap>
  functions.items.forEach((item, i) => {
    const f = data.functions[i]!
    const note = comment(f.note)
    if (note !== undefined) item.commentBefore = note
    const address = item.get('address', true) as Scalar
    address.type = 'QUOTE_DOUBLE'
    const persona = item.get('persona', true)
    if (isMap(persona)) persona.flow = true
    const pf = item.get('pf', true)
    if (pf instanceof Scalar) pf.type = 'QUOTE_DOUBLE'
    const image = item.get('image', true)
    if (isMap(image)) {
      const s = f.source as Extract<HostFunctionSource, { kind: 'image' }>
      image.set('config', block(hexLines(s.config)))
      // The kernel's lines read best as a block; any other text (empty, CRs, spaces) is quoted, which keeps it exactly.
      if (s.resource !== null && KERNEL_RESOURCE.test(s.resource)) image.set('resource', block(s.resource))
    }
  })
  const pasid = doc.get('pasid', true)
  if (isMap(pasid)) {
    const key = doc.contents !== null && isMap(doc.contents) ? doc.contents.items.find((p) => (p.key as Scalar).value === 'pasid') : undefined
    const note = comment(data.pasidNote)
    if (key !== undefined && note !== undefined) (key.key as Scalar).commentBefore = note
    for (const k of ['globalAllocated']) {
      const v = pasid.get(k, true)
      if (isSeq(v)) v.flow = true
    }
    const list = pasid.get('functions', true)
    if (isSeq(list)) for (const f of list.items) if (isMap(f)) {
      f.flow = true
      const id = f.get('id', true)
      if (id instanceof Scalar) id.type = 'QUOTE_DOUBLE'
    }
  }
  const text = doc.toString({ lineWidth: 0 })
  return text.endsWith('\n') ? text : `${text}\n`
}

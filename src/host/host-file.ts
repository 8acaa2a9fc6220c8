/**
 * Host files (YAML, `apiVersion: vpci/v1`, `kind: Host`): a candidate destination's functions
 * and PASID pools. Each function is given by a dump, a sysfs-style folder or a layout file
 * (paths relative to the host file), with its persona, its PF (for a VF) and whether it is
 * free. This module reads the text; the caller loads the files it names.
 *
 * Unknown keys are refused at every level (top, metadata, functions, persona, pasid and its
 * functions), as in layout files: a misspelt `free` or `persona` would otherwise vanish and its
 * default apply. Every error carries its path and, where the YAML has the node, its line.
 */
import { flowDepthError } from '../decode/yaml-depth.js'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { LineCounter, parseDocument } from 'yaml'
import { closedStruct } from '../decode/closed-struct.js'
import { bytesOfHex } from '../decode/hex-bytes.js'
import { isConfigSpaceSize } from '../config-space/config-space.js'
import { readSysfsResource } from '../dump/sysfs-resource.js'
import { expectedName, firstPerPath } from '../decode/io-ts-path.js'
import type { Persona } from '../layout/function-layout.js'
import { PersonaCodec } from '../layout/persona-codec.js'
import { type HostPasidData, hostPasidFromData } from '../pasid/pasid-files.js'
import type { HostPasid } from '../pasid/host-pasid.js'
import type { PasidRanges } from '../pasid/pasid-ranges.js'

/** Where a host function's config space comes from: a file the host file names, or the host file itself. */
export type HostFunctionSource =
  | { readonly kind: 'dump' | 'sysfs' | 'layout'; readonly path: string }
  | { readonly kind: 'image'; readonly config: Uint8Array; readonly resource: string | null }

export interface HostFunctionSpec {
  readonly address: string
  /** Exactly one of these names the function's config space. */
  readonly source: HostFunctionSource
  readonly persona: Persona | null
  /** A VF's PF address; null for a PF. */
  readonly pf: string | null
  readonly free: boolean
}

export interface HostSpec {
  readonly name: string
  readonly functions: readonly HostFunctionSpec[]
  readonly pasid: HostPasid<PasidRanges> | null
}

export interface HostFileError {
  readonly path: ReadonlyArray<string | number>
  /** 1-based line of the entry in the file, when known. */
  readonly line: number | null
  readonly message: string
}

const ImageFile = closedStruct({ config: t.string }, { resource: t.string }, 'an image (config: hex bytes, resource: sysfs resource text)')
const FunctionFile = closedStruct({ address: t.string }, { dump: t.string, sysfs: t.string, layout: t.string, image: ImageFile, persona: PersonaCodec, pf: t.string, free: t.boolean })
const HostFile = closedStruct(
  { apiVersion: t.literal('vpci/v1'), kind: t.literal('Host'), metadata: closedStruct({ name: t.string }) },
  { functions: t.array(FunctionFile), pasid: t.unknown },
)

const describeValue = (u: unknown): string => {
  const s = JSON.stringify(u)
  return s === undefined ? 'nothing' : s.length > 40 ? `${s.slice(0, 37)}...` : s
}

/** Reads a host file's text: every error with its path and line. */
export const decodeHostFile = (text: string): E.Either<readonly HostFileError[], HostSpec> => {
  const deep = flowDepthError(text)
  if (deep !== null) return E.left([{ path: [], line: deep.line, message: deep.message }])
  const lines = new LineCounter()
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter: lines })
  if (doc.errors.length > 0) return E.left(doc.errors.map((e) => ({ path: [], line: lines.linePos(e.pos[0]).line, message: e.message.split('\n')[0]! })))
  let raw: unknown
  try {
    raw = doc.toJS({ maxAliasCount: 100 })
  } catch (e) {
    return E.left([{ path: [], line: null, message: e instanceof Error ? e.message : String(e) }])
  }
  /** The line of the deepest node of `path` the document has. */
  const lineOf = (path: ReadonlyArray<string | number>): number | null => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined
      if (node !== null && typeof node === 'object' && node.range !== undefined) return lines.linePos(node.range[0]).line
    }
    return null
  }
  const at = (path: ReadonlyArray<string | number>, message: string): HostFileError => ({ path, line: lineOf(path), message })
  const decoded = HostFile.decode(raw)
  if (E.isLeft(decoded)) {
    return E.left(firstPerPath(decoded.left).map(({ path, error }) => at(path, error.message ?? (error.value === undefined ? `missing; expected ${expectedName(error)}` : `expected ${expectedName(error)}, got ${describeValue(error.value)}`))))
  }
  const errors: HostFileError[] = []
  const functions: HostFunctionSpec[] = []
  const seen = new Set<string>()
  ;(decoded.right.functions ?? []).forEach((f, i) => {
    const given = (['dump', 'sysfs', 'layout', 'image'] as const).filter((k) => f[k] !== undefined)
    if (given.length !== 1) {
      errors.push(at(['functions', i], `give exactly one of dump, sysfs, layout or image (got ${given.length === 0 ? 'none' : given.join(', ')})`))
      return
    }
    if (seen.has(f.address)) errors.push(at(['functions', i, 'address'], `${f.address} appears twice`))
    seen.add(f.address)
    let source: HostFunctionSource
    if (f.image !== undefined) {
      const config = bytesOfHex(f.image.config, true)
      if (config === null || !isConfigSpaceSize(config.length)) {
        errors.push(at(['functions', i, 'image', 'config'], config === null ? 'expected hex bytes' : `${config.length} bytes; a config space is 64, 256 or 4096`))
        return
      }
      const resource = f.image.resource === undefined ? null : readSysfsResource(f.image.resource, 'resource')
      if (resource !== null && E.isLeft(resource)) {
        errors.push(at(['functions', i, 'image', 'resource'], `line ${resource.left[0]!.line}: not a sysfs resource line (0xSTART 0xEND 0xFLAGS)`))
        return
      }
      source = { kind: 'image', config, resource: f.image.resource ?? null }
    } else {
      const kind = given[0] as 'dump' | 'sysfs' | 'layout'
      source = { kind, path: f[kind]! }
    }
    functions.push({ address: f.address, source, persona: f.persona ?? null, pf: f.pf ?? null, free: f.free ?? true })
  })
  ;(decoded.right.functions ?? []).forEach((f, i) => {
    if (f.pf !== undefined && !seen.has(f.pf)) errors.push(at(['functions', i, 'pf'], `no function ${f.pf} on this host`))
  })
  let pasid: HostPasid<PasidRanges> | null = null
  if (decoded.right.pasid !== undefined) {
    const p = hostPasidFromData(decoded.right.pasid)
    if (E.isLeft(p)) errors.push(...p.left.map((e) => at(['pasid', ...e.path], e.message)))
    else pasid = p.right
  }
  return errors.length > 0 ? E.left(errors) : E.right({ name: decoded.right.metadata.name, functions, pasid })
}

export type { HostPasidData }

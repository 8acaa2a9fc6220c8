/**
 * Host files (YAML, `apiVersion: vpci/v1`, `kind: Host`): a candidate destination's functions
 * and PASID pools. Each function is given by a dump, a sysfs-style folder or a layout file
 * (paths relative to the host file), with its persona, its PF (for a VF) and whether it is
 * free. This module reads the text; the caller loads the files it names.
 */
import { flowDepthError } from '../decode/yaml-depth.js'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { parseDocument } from 'yaml'
import { expectedName, firstPerPath } from '../decode/io-ts-path.js'
import type { Persona } from '../layout/function-layout.js'
import { UInt } from '../layout/layout-file.js'
import { type HostPasidData, hostPasidFromData } from '../pasid/pasid-files.js'
import type { HostPasid } from '../pasid/host-pasid.js'
import type { PasidRanges } from '../pasid/pasid-ranges.js'

export interface HostFunctionSpec {
  readonly address: string
  /** Exactly one of these names the function's config space. */
  readonly source: { readonly kind: 'dump' | 'sysfs' | 'layout'; readonly path: string }
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
  readonly message: string
}

const PersonaFile = t.strict({ family: t.string, hardwareVersion: t.string, firmware: t.string, migrationStreams: t.array(UInt) })
const FunctionFile = t.intersection([
  t.strict({ address: t.string }),
  t.partial({ dump: t.string, sysfs: t.string, layout: t.string, persona: PersonaFile, pf: t.string, free: t.boolean }),
])
const HostFile = t.intersection([
  t.strict({ apiVersion: t.literal('vpci/v1'), kind: t.literal('Host'), metadata: t.strict({ name: t.string }) }),
  t.partial({ functions: t.array(FunctionFile), pasid: t.unknown }),
])

/** Reads a host file's text: every error with its path. */
export const decodeHostFile = (text: string): E.Either<readonly HostFileError[], HostSpec> => {
  const deep = flowDepthError(text)
  if (deep !== null) return E.left([{ path: [], message: deep.message }])
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false })
  if (doc.errors.length > 0) return E.left(doc.errors.map((e) => ({ path: [], message: e.message.split('\n')[0]! })))
  let raw: unknown
  try {
    raw = doc.toJS({ maxAliasCount: 100 })
  } catch (e) {
    return E.left([{ path: [], message: e instanceof Error ? e.message : String(e) }])
  }
  const decoded = HostFile.decode(raw)
  if (E.isLeft(decoded)) return E.left(firstPerPath(decoded.left).map(({ path, error }) => ({ path, message: `expected ${expectedName(error)}, got ${JSON.stringify(error.value) ?? 'nothing'}` })))
  const errors: HostFileError[] = []
  const functions: HostFunctionSpec[] = []
  const seen = new Set<string>()
  ;(decoded.right.functions ?? []).forEach((f, i) => {
    const given = (['dump', 'sysfs', 'layout'] as const).filter((k) => f[k] !== undefined)
    if (given.length !== 1) {
      errors.push({ path: ['functions', i], message: `give exactly one of dump, sysfs or layout (got ${given.length === 0 ? 'none' : given.join(', ')})` })
      return
    }
    if (seen.has(f.address)) errors.push({ path: ['functions', i, 'address'], message: `${f.address} appears twice` })
    seen.add(f.address)
    functions.push({ address: f.address, source: { kind: given[0]!, path: f[given[0]!]! }, persona: f.persona ?? null, pf: f.pf ?? null, free: f.free ?? true })
  })
  functions.forEach((f, i) => {
    if (f.pf !== null && !seen.has(f.pf)) errors.push({ path: ['functions', i, 'pf'], message: `no function ${f.pf} on this host` })
  })
  let pasid: HostPasid<PasidRanges> | null = null
  if (decoded.right.pasid !== undefined) {
    const p = hostPasidFromData(decoded.right.pasid)
    if (E.isLeft(p)) errors.push(...p.left.map((e) => ({ path: ['pasid', ...e.path], message: e.message })))
    else pasid = p.right
  }
  return errors.length > 0 ? E.left(errors) : E.right({ name: decoded.right.metadata.name, functions, pasid })
}

export type { HostPasidData }

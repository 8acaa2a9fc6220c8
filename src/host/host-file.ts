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
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { readYamlData } from '../decode/yaml-data.js'
import { closedStruct } from '../decode/closed-struct.js'
import { expectedName, firstPerPath } from '../decode/io-ts-path.js'
import type { Persona } from '../layout/function-layout.js'
import { PersonaCodec } from '../layout/persona-codec.js'
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
  /** 1-based line of the entry in the file, when known. */
  readonly line: number | null
  readonly message: string
}

const FunctionFile = closedStruct({ address: t.string }, { dump: t.string, sysfs: t.string, layout: t.string, persona: PersonaCodec, pf: t.string, free: t.boolean })
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
  const read = readYamlData(text)
  if (E.isLeft(read)) return E.left(read.left.map((e) => ({ path: [], line: e.line, message: e.column === null ? e.message : `${e.message} (column ${e.column})` })))
  const raw = read.right.value
  /** The errors, each with the line of its path's deepest node (one pass over the text for all). */
  const withLines = (errors: ReadonlyArray<Omit<HostFileError, 'line'>>): HostFileError[] => {
    const lines = read.right.lines(errors.map((e) => e.path))
    return errors.map((e, i) => ({ ...e, line: lines[i] ?? null }))
  }
  const at = (path: ReadonlyArray<string | number>, message: string) => ({ path, message })
  const decoded = HostFile.decode(raw)
  if (E.isLeft(decoded)) {
    return E.left(withLines(firstPerPath(decoded.left).map(({ path, error }) => at(path, error.message ?? (error.value === undefined ? `missing; expected ${expectedName(error)}` : `expected ${expectedName(error)}, got ${describeValue(error.value)}`)))))
  }
  const errors: Array<Omit<HostFileError, 'line'>> = []
  const functions: HostFunctionSpec[] = []
  const seen = new Set<string>()
  ;(decoded.right.functions ?? []).forEach((f, i) => {
    const given = (['dump', 'sysfs', 'layout'] as const).filter((k) => f[k] !== undefined)
    if (given.length !== 1) {
      errors.push(at(['functions', i], `give exactly one of dump, sysfs or layout (got ${given.length === 0 ? 'none' : given.join(', ')})`))
      return
    }
    if (seen.has(f.address)) errors.push(at(['functions', i, 'address'], `${f.address} appears twice`))
    seen.add(f.address)
    functions.push({ address: f.address, source: { kind: given[0]!, path: f[given[0]!]! }, persona: f.persona ?? null, pf: f.pf ?? null, free: f.free ?? true })
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
  return errors.length > 0 ? E.left(withLines(errors)) : E.right({ name: decoded.right.metadata.name, functions, pasid })
}

export type { HostPasidData }

/**
 * The checks every host form goes through: plain data in the host file's shape (`apiVersion:
 * vpci/v1`, `kind: Host`, as YAML reads to and as the Host message's codec converts to) into a
 * `HostSpec`, or every error with its path. Unknown keys are refused at every level (a misspelt
 * `free` or `persona` would otherwise vanish and its default apply). A function names exactly
 * one source: `dump`, `sysfs` or `layout` (a path, or the layout inline), or `image` (its config
 * space as hex rows in lspci's format, or bytes from the wire, with its sysfs resources when
 * known and the name messages call it by). Addresses are distinct, every `pf` is one of them, and the PASID side passes
 * `hostPasidFromData` (distinct ids, ranges inside their pool's width and not overlapping).
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { type ConfigSpace, configSpace } from '../config-space/config-space.js'
import { closedStruct } from '../decode/closed-struct.js'
import { bytesOfHex } from '../decode/hex-bytes.js'
import { expectedName, firstPerPath } from '../decode/io-ts-path.js'
import type { Resource } from '../dump/sysfs-resource.js'
import { BigUInt, UInt } from '../layout/layout-file.js'
import { layoutFromData } from '../layout/layout-yaml.js'
import { PersonaCodec } from '../layout/persona-codec.js'
import type { HostPasid } from '../pasid/host-pasid.js'
import { hostPasidFromData } from '../pasid/pasid-files.js'
import type { PasidRanges } from '../pasid/pasid-ranges.js'
import type { HostFunctionSource, HostFunctionSpec, HostSpec } from './host-spec.js'

type Path = ReadonlyArray<string | number>
export interface HostDataError {
  readonly path: Path
  readonly message: string
}

const Bytes = new t.Type<Uint8Array, Uint8Array, unknown>('bytes', (u): u is Uint8Array => u instanceof Uint8Array, (u, c) => (u instanceof Uint8Array ? t.success(u) : t.failure(u, c)), (b) => b)
const ResourceFile = closedStruct({ index: UInt, kind: t.keyof({ io: null, memory: null, unused: null }), size: BigUInt, prefetchable: t.boolean, is64Bit: t.boolean })
const ImageFile = closedStruct({ config: t.union([t.array(t.string), Bytes], 'hex rows ("000: 34 12 ...") or bytes') }, { name: t.string, resources: t.array(ResourceFile) })
const FunctionFile = closedStruct(
  { address: t.string },
  { dump: t.string, sysfs: t.string, layout: t.union([t.string, t.UnknownRecord], 'a path or a layout'), image: ImageFile, persona: PersonaCodec, pf: t.string, free: t.boolean },
)
const HostFile = closedStruct(
  { apiVersion: t.literal('vpci/v1'), kind: t.literal('Host'), metadata: closedStruct({ name: t.string }) },
  { functions: t.array(FunctionFile), pasid: t.unknown },
)
const SOURCES = ['dump', 'sysfs', 'layout', 'image'] as const

/** A row as `lspci -xxx`/`-xxxx` prints it: offset, then sixteen bytes. */
const ROW = /^([0-9a-fA-F]{2,3}): ([0-9a-fA-F]{2}(?: [0-9a-fA-F]{2}){15})$/

const describeValue = (u: unknown): string => {
  const s = JSON.stringify(u)
  return s === undefined ? 'nothing' : s.length > 40 ? `${s.slice(0, 37)}...` : s
}

/** A config image from hex rows or bytes: 64, 256 or 4096 bytes, rows at 0x00, 0x10, ... in order. */
const imageOf = (config: readonly string[] | Uint8Array, path: Path, errors: HostDataError[]): ConfigSpace | undefined => {
  let bytes: Uint8Array
  if (config instanceof Uint8Array) bytes = config
  else {
    bytes = new Uint8Array(config.length * 16)
    for (const [k, row] of config.entries()) {
      const m = ROW.exec(row)
      if (m === null || parseInt(m[1]!, 16) !== k * 16) {
        errors.push({ path: [...path, k], message: `expected "${(k * 16).toString(16).padStart(k < 16 ? 2 : 3, '0')}: " and sixteen hex bytes, got ${describeValue(row)}` })
        return undefined
      }
      bytes.set(bytesOfHex(m[2]!, true)!, k * 16)
    }
  }
  const image = configSpace(bytes)
  if (image === undefined) errors.push({ path, message: `${bytes.length} bytes; a config space is 64, 256 or 4096` })
  return image
}

const resourcesOf = (list: ReadonlyArray<t.TypeOf<typeof ResourceFile>>, path: Path, errors: HostDataError[]): Resource[] =>
  list.map((r, k) => {
    if (k > 0 && r.index <= list[k - 1]!.index) errors.push({ path: [...path, k, 'index'], message: `${r.index} after ${list[k - 1]!.index}; resources come in the order of their lines, each once` })
    if (r.size >= 1n << 64n) errors.push({ path: [...path, k, 'size'], message: `${r.size} is more than a 64-bit resource can decode` })
    return { index: r.index, kind: r.kind, size: r.size, prefetchable: r.prefetchable, is64Bit: r.is64Bit }
  })

const sourceOf = (f: t.TypeOf<typeof FunctionFile>, i: number, errors: HostDataError[]): HostFunctionSource | undefined => {
  const given = SOURCES.filter((k) => f[k] !== undefined)
  if (given.length !== 1) {
    errors.push({ path: ['functions', i], message: `give exactly one of dump, sysfs, layout or image (got ${given.length === 0 ? 'none' : given.join(', ')})` })
    return undefined
  }
  if (f.dump !== undefined) return { kind: 'dump', path: f.dump }
  if (f.sysfs !== undefined) return { kind: 'sysfs', path: f.sysfs }
  if (typeof f.layout === 'string') return { kind: 'layout', path: f.layout }
  if (f.layout !== undefined) {
    const layout = layoutFromData(f.layout)
    if (E.isRight(layout)) return { kind: 'inline-layout', layout: layout.right }
    for (const e of layout.left) errors.push({ path: ['functions', i, 'layout', ...e.path], message: e.message })
    return undefined
  }
  const image = f.image!
  const before = errors.length
  const config = imageOf(image.config, ['functions', i, 'image', 'config'], errors)
  const resources = image.resources === undefined ? null : { entries: resourcesOf(image.resources, ['functions', i, 'image', 'resources'], errors) }
  return config === undefined || errors.length > before ? undefined : { kind: 'image', name: image.name ?? null, config, resources }
}

/** A host from plain data in the host file's shape, or every error with its path. */
export const hostFromData = (raw: unknown): E.Either<readonly HostDataError[], HostSpec> => {
  const decoded = HostFile.decode(raw)
  if (E.isLeft(decoded)) {
    return E.left(firstPerPath(decoded.left).map(({ path, error }) => ({ path, message: error.message ?? (error.value === undefined ? `missing; expected ${expectedName(error)}` : `expected ${expectedName(error)}, got ${describeValue(error.value)}`) })))
  }
  const errors: HostDataError[] = []
  const functions: HostFunctionSpec[] = []
  const seen = new Set<string>()
  const list = decoded.right.functions ?? []
  list.forEach((f, i) => {
    if (seen.has(f.address)) errors.push({ path: ['functions', i, 'address'], message: `${f.address} appears twice` })
    seen.add(f.address)
    const source = sourceOf(f, i, errors)
    if (source !== undefined) functions.push({ address: f.address, source, persona: f.persona ?? null, pf: f.pf ?? null, free: f.free ?? true })
  })
  list.forEach((f, i) => {
    if (f.pf !== undefined && !seen.has(f.pf)) errors.push({ path: ['functions', i, 'pf'], message: `no function ${f.pf} on this host` })
  })
  let pasid: HostPasid<PasidRanges> | null = null
  if (decoded.right.pasid !== undefined) {
    const p = hostPasidFromData(decoded.right.pasid)
    if (E.isLeft(p)) for (const e of p.left) errors.push({ path: ['pasid', ...e.path], message: e.message })
    else pasid = p.right
  }
  return errors.length > 0 ? E.left(errors) : E.right({ name: decoded.right.metadata.name, functions, pasid })
}

/**
 * Loads a host file and the functions it names (dumps, sysfs folders, layouts), preparing each
 * for judgement. A host file's paths are resolved against its own folder and must stay inside
 * a root folder (by default that same folder): an inventory cannot make vpci read
 * `../../etc/passwd`, and any file it names is read bounded like every other input.
 */
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { decodeHostFile } from '../host/host-file.js'
import { build } from '../layout/build.js'
import type { Host, HostFunction } from '../migrate/host.js'
import { type PreparedFunction, prepareFunction } from '../semantic/prepared-function.js'
import { type Failure, failLayout, failPaths, failRead } from './exit.js'
import { readSysfsFunction } from '../dump/read-dump.js'
import { type CliIo, STDIN } from './io.js'
import { loadFunction } from './load-function.js'
import { loadLayout } from './load-layout.js'
import { type Input, readInput, textFrom, wrongKindOf } from './read-input.js'

/** Larger text is not a host file. */
export const MAX_HOST_FILE = 16 * 1024 * 1024

/**
 * Prepared functions by the file they were loaded from: hosts loaded with one cache share their
 * device models (a fleet's hosts name the same few dumps), which is what makes filtering
 * thousands of hosts cheap.
 */
export type ModelCache = Map<string, PreparedFunction>

export interface HostOptions {
  readonly models?: ModelCache
  /** Paths in the host file must lie inside this folder; default: the host file's own folder. */
  readonly root?: string
}

/** A host function's config space from its dump, sysfs folder or layout file. */
const loadModel = async (io: CliIo, kind: 'dump' | 'sysfs' | 'layout', file: string): Promise<E.Either<Failure, PreparedFunction>> => {
  if (kind === 'layout') {
    const layout = await loadLayout(io, file)
    if (E.isLeft(layout)) return layout
    const built = build(layout.right)
    return E.isLeft(built) ? E.left(failLayout(built.left.map((e) => ({ ...e, file })))) : E.right(prepareFunction(built.right))
  }
  const dump = await loadFunction(io, file, undefined)
  return E.isLeft(dump) ? dump : E.right(prepareFunction(dump.right))
}

/** True when `path` is `root` or lies under it (by name: `..` is resolved first). */
const inside = (root: string, path: string): boolean => {
  const r = relative(root, path)
  return r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r)
}

/** The host an input holds, or every reason it is not a usable one. */
export const hostFrom = async (io: CliIo, input: Input, options: HostOptions = {}): Promise<E.Either<Failure, Host>> => {
  const text = textFrom(input, ['host-yaml'], MAX_HOST_FILE)
  if (E.isLeft(text)) return text
  const spec = decodeHostFile(text.right)
  if (E.isLeft(spec)) return E.left(wrongKindOf(input, ['host-yaml']) ?? failPaths(input.path, spec.left))
  const base = resolve(input.path === STDIN ? '.' : dirname(input.path))
  const root = resolve(options.root ?? base)
  // An embedded image (vpci host scan --embed) names no file.
  const files = spec.right.functions.map((f) => (f.source.kind === 'image' ? null : resolve(base, f.source.path)))
  const outside = spec.right.functions.flatMap((f, i) => {
    const file = files[i]
    if (file === null || file === undefined || f.source.kind === 'image' || inside(root, file)) return []
    return [{ path: ['functions', i, f.source.kind], message: `${f.source.path} lies outside ${options.root === undefined ? "the host file's folder" : root}; host files name files only inside it (--root DIR widens that)`, code: 'PATH_OUTSIDE_ROOT' }]
  })
  if (outside.length > 0) return E.left(failPaths(input.path, outside))
  const models = options.models ?? new Map()
  const functions: HostFunction[] = []
  for (const [i, f] of spec.right.functions.entries()) {
    if (f.source.kind === 'image') {
      const dump = readSysfsFunction({ config: f.source.config, ...(f.source.resource === null ? {} : { resource: f.source.resource }) }, `${input.path}: functions[${i}].image`)
      if (E.isLeft(dump)) return E.left(failRead(dump.left))
      functions.push({ address: f.address, function: prepareFunction(dump.right), persona: f.persona, pf: f.pf, free: f.free })
      continue
    }
    const key = `${f.source.kind}:${files[i]!}`
    let prepared = models.get(key)
    if (prepared === undefined) {
      const loaded = await loadModel(io, f.source.kind, files[i]!)
      if (E.isLeft(loaded)) return loaded
      prepared = loaded.right
      models.set(key, prepared)
    }
    functions.push({ address: f.address, function: prepared, persona: f.persona, pf: f.pf, free: f.free })
  }
  return E.right({ name: spec.right.name, functions, pasid: spec.right.pasid })
}

/** The host file at `path`, with the functions it names. */
export const loadHost = async (io: CliIo, path: string, options: HostOptions = {}): Promise<E.Either<Failure, Host>> => {
  const input = await readInput(io, path, MAX_HOST_FILE)
  return E.isLeft(input) ? input : hostFrom(io, input.right, options)
}

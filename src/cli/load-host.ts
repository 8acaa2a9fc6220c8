/**
 * Loads a host (a host file or a Host message, told apart by content) and the functions it names
 * (dumps, sysfs folders, layouts) or carries (images, layouts), preparing each for judgement.
 * The files it names must stay inside a root folder (`read-host.ts`), and each is read bounded
 * like every other input.
 */
import * as E from 'fp-ts/lib/Either.js'
import { embeddedKey, type EmbeddedSource, isEmbedded, prepareEmbedded } from '../host/embedded-function.js'
import { build } from '../layout/build.js'
import type { Host, HostFunction } from '../migrate/host.js'
import { type PreparedFunction, prepareFunction } from '../semantic/prepared-function.js'
import { type Failure, failLayout } from './exit.js'
import type { CliIo } from './io.js'
import { loadFunction } from './load-function.js'
import { loadLayout } from './load-layout.js'
import { hostFiles, hostSpecFrom, MAX_HOST_FILE } from './read-host.js'
import { type Input, readInput } from './read-input.js'

/**
 * Prepared functions by the file they were loaded from (or, for a function the host carries, by
 * its content): hosts loaded with one cache share their device models (a fleet's hosts name the
 * same few dumps), which is what makes filtering thousands of hosts cheap.
 */
export type ModelCache = Map<string, PreparedFunction>

export interface HostOptions {
  readonly models?: ModelCache
  /** Paths in the host file must lie inside this folder; default: the host file's own folder. */
  readonly root?: string
}

/**
 * The config space of a function named by file, as the host would carry it: a dump or sysfs
 * folder as its image (named by its device, else its file) with its resources, a layout inline.
 */
export const embedFile = async (io: CliIo, kind: 'dump' | 'sysfs' | 'layout', file: string): Promise<E.Either<Failure, EmbeddedSource>> => {
  if (kind === 'layout') {
    const layout = await loadLayout(io, file)
    return E.isLeft(layout) ? layout : E.right({ kind: 'inline-layout', layout: layout.right })
  }
  const dump = await loadFunction(io, file, undefined)
  return E.isLeft(dump) ? dump : E.right({ kind: 'image', name: dump.right.device ?? dump.right.file, config: dump.right.config, resources: dump.right.resources })
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

/** The host an input holds, with its functions loaded; or every reason it is not a usable one. */
export const hostFrom = async (io: CliIo, input: Input, options: HostOptions = {}): Promise<E.Either<Failure, Host>> => {
  const spec = hostSpecFrom(input)
  if (E.isLeft(spec)) return spec
  const files = hostFiles(input, spec.right, options.root)
  if (E.isLeft(files)) return files
  const models = options.models ?? new Map()
  const functions: HostFunction[] = []
  for (const [i, f] of spec.right.functions.entries()) {
    const file = files.right[i] ?? null
    const key = isEmbedded(f.source) ? embeddedKey(f.source) : `${f.source.kind}:${file}`
    let prepared = models.get(key)
    if (prepared === undefined) {
      if (isEmbedded(f.source)) {
        const made = prepareEmbedded(f.source)
        if (E.isLeft(made)) return E.left(failLayout(made.left.map((e) => ({ ...e, file: input.path, path: ['functions', i, 'layout', ...e.path] }))))
        prepared = made.right
      } else {
        const loaded = await loadModel(io, f.source.kind, file!)
        if (E.isLeft(loaded)) return loaded
        prepared = loaded.right
      }
      models.set(key, prepared)
    }
    functions.push({ address: f.address, function: prepared, persona: f.persona, pf: f.pf, free: f.free })
  }
  return E.right({ name: spec.right.name, functions, pasid: spec.right.pasid })
}

/** The host at `path` (either form), with the functions it names. */
export const loadHost = async (io: CliIo, path: string, options: HostOptions = {}): Promise<E.Either<Failure, Host>> => {
  const input = await readInput(io, path, MAX_HOST_FILE)
  return E.isLeft(input) ? input : hostFrom(io, input.right, options)
}

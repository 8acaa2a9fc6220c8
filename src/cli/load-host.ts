/**
 * Loads a host file and the functions it names (dumps, sysfs folders, layouts; paths relative
 * to the host file), preparing each for judgement.
 */
import { dirname, isAbsolute, join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { decodeHostFile } from '../host/host-file.js'
import { build } from '../layout/build.js'
import type { Host, HostFunction } from '../migrate/host.js'
import { type PreparedFunction, prepareFunction } from '../semantic/prepared-function.js'
import { errorLine } from './exit.js'
import type { CliIo } from './io.js'
import { readBounded } from './read-file.js'
import { loadFunction } from './load-function.js'
import { loadLayout } from './load-layout.js'
import { renderReadError } from '../dump/read-error.js'
import { readSysfsFunction } from '../dump/read-dump.js'
import { renderLayoutError } from '../layout/layout-error.js'

/** Larger text is not a host file. */
export const MAX_HOST_FILE = 16 * 1024 * 1024

/**
 * Prepared functions by the file they were loaded from: hosts loaded with one cache share their
 * device models (a fleet's hosts name the same few dumps), which is what makes filtering
 * thousands of hosts cheap.
 */
export type ModelCache = Map<string, PreparedFunction>

/** A host function's config space from its dump, sysfs folder or layout file. */
const loadModel = async (io: CliIo, kind: 'dump' | 'sysfs' | 'layout', file: string): Promise<E.Either<string, PreparedFunction>> => {
  if (kind === 'layout') {
    const layout = await loadLayout(io, file)
    if (E.isLeft(layout)) return E.left(renderLayoutError(layout.left[0]!))
    const built = build(layout.right)
    if (E.isLeft(built)) return E.left(renderLayoutError({ ...built.left[0]!, file }))
    return E.right(prepareFunction(built.right))
  }
  const dump = await loadFunction(io, file, undefined)
  if (E.isLeft(dump)) return E.left(renderReadError(dump.left[0]!))
  return E.right(prepareFunction(dump.right))
}

/** The host, or one line saying what is wrong (file, path, message). */
export const loadHost = async (io: CliIo, path: string, models: ModelCache = new Map()): Promise<E.Either<string, Host>> => {
  const read = await readBounded(io, path, MAX_HOST_FILE)
  if (E.isLeft(read)) return E.left(`${path}: ${read.left.message}`)
  const spec = decodeHostFile(new TextDecoder().decode(read.right))
  if (E.isLeft(spec)) return E.left(errorLine(spec.left[0]?.line == null ? path : `${path}:${spec.left[0].line}`, spec.left))
  const base = dirname(path)
  const functions: HostFunction[] = []
  for (const [i, f] of spec.right.functions.entries()) {
    if (f.source.kind === 'image') {
      // An image the host file carries (vpci host scan --embed): no file to read or share.
      const dump = readSysfsFunction({ config: f.source.config, ...(f.source.resource === null ? {} : { resource: f.source.resource }) }, `${path}: functions[${i}].image`)
      if (E.isLeft(dump)) return E.left(renderReadError(dump.left[0]!))
      functions.push({ address: f.address, function: prepareFunction(dump.right), persona: f.persona, pf: f.pf, free: f.free })
      continue
    }
    const file = isAbsolute(f.source.path) ? f.source.path : join(base, f.source.path)
    const key = `${f.source.kind}:${file}`
    let prepared = models.get(key)
    if (prepared === undefined) {
      const loaded = await loadModel(io, f.source.kind, file)
      if (E.isLeft(loaded)) return loaded
      prepared = loaded.right
      models.set(key, prepared)
    }
    functions.push({ address: f.address, function: prepared, persona: f.persona, pf: f.pf, free: f.free })
  }
  return E.right({ name: spec.right.name, functions, pasid: spec.right.pasid })
}

/**
 * Loads a host (a host file or a Host message) and the functions it names (dumps, sysfs
 * folders, layouts; paths relative to the host) or carries, preparing each for judgement.
 */
import * as E from 'fp-ts/lib/Either.js'
import { embeddedKey, isEmbedded, prepareEmbedded } from '../host/embedded-function.js'
import { build } from '../layout/build.js'
import type { Host, HostFunction } from '../migrate/host.js'
import { type PreparedFunction, prepareFunction } from '../semantic/prepared-function.js'
import type { CliIo } from './io.js'
import { loadFunction } from './load-function.js'
import { loadLayout } from './load-layout.js'
import { renderReadError } from '../dump/read-error.js'
import { renderLayoutError } from '../layout/layout-error.js'
import { hostRelative, MAX_HOST_FILE, readHostSpec } from './read-host.js'

export { MAX_HOST_FILE }

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
  const spec = await readHostSpec(io, path)
  if (E.isLeft(spec)) return spec
  const functions: HostFunction[] = []
  for (const f of spec.right.functions) {
    if (isEmbedded(f.source)) {
      const key = embeddedKey(f.source)
      let prepared = models.get(key)
      if (prepared === undefined) {
        const made = prepareEmbedded(f.source)
        if (E.isLeft(made)) return E.left(`${path}: ${f.address}: ${renderLayoutError(made.left[0]!)}`)
        models.set(key, (prepared = made.right))
      }
      functions.push({ address: f.address, function: prepared, persona: f.persona, pf: f.pf, free: f.free })
      continue
    }
    const file = hostRelative(path, f.source.path)
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

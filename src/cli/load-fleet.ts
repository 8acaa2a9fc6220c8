/**
 * The functions of a fleet the user names: dumps, sysfs folders, and hosts (host files or Host
 * messages, told apart by content: every function of each host, named `host/address`, a VF with
 * its PF from the same host, its persona as the host gives it). Hosts share one model cache, so
 * a dump many hosts name (or an image many carry) is read and prepared once, and their paths
 * stay inside `root` as `hostFrom` enforces.
 */
import * as E from 'fp-ts/lib/Either.js'
import { MAX_DUMP_BYTES } from '../dump/read-dump.js'
import type { MatrixFunction } from '../fleet/compatibility-matrix.js'
import { prepareFunction } from '../semantic/prepared-function.js'
import { type Failure, failAll } from './exit.js'
import type { CliIo } from './io.js'
import { functionFrom } from './load-function.js'
import { hostFrom, type ModelCache } from './load-host.js'
import { isHostKind, MAX_HOST_FILE } from './read-host.js'
import { kindOf, readInput } from './read-input.js'

export interface FleetLoadOptions {
  readonly root?: string
  readonly device?: string
}

/** Every function `paths` name, in order; or every error of every path. */
export const loadFleet = async (io: CliIo, paths: readonly string[], options: FleetLoadOptions = {}): Promise<E.Either<Failure, MatrixFunction[]>> => {
  const models: ModelCache = new Map()
  const functions: MatrixFunction[] = []
  const failures: Failure[] = []
  for (const path of paths) {
    const input = await readInput(io, path, Math.max(MAX_DUMP_BYTES, MAX_HOST_FILE))
    if (E.isLeft(input)) {
      failures.push(input.left)
      continue
    }
    if (isHostKind(kindOf(input.right))) {
      const host = await hostFrom(io, input.right, { models, ...(options.root === undefined ? {} : { root: options.root }) })
      if (E.isLeft(host)) failures.push(host.left)
      else {
        for (const f of host.right.functions) {
          const pf = f.pf === null ? undefined : host.right.functions.find((x) => x.address === f.pf)?.function
          functions.push({ name: `${host.right.name}/${f.address}`, function: f.function, persona: f.persona, ...(pf === undefined ? {} : { pf }) })
        }
      }
      continue
    }
    const dump = await functionFrom(io, input.right, options.device)
    if (E.isLeft(dump)) failures.push(dump.left)
    else functions.push({ name: path, function: prepareFunction(dump.right) })
  }
  return failures.length > 0 ? E.left(failAll(failures)) : E.right(functions)
}

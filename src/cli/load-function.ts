/**
 * Loads one physical function from a path the user gave: an lspci text file, a binary config
 * file, or a sysfs-style device folder (`config`, optional `resource`).
 */
import * as E from 'fp-ts/lib/Either.js'
import type { InputKind } from '../decode/input-kind.js'
import type { FunctionDump } from '../dump/function-dump.js'
import { fileError } from '../dump/read-error.js'
import { MAX_DUMP_BYTES, readDump, readSysfsFunction } from '../dump/read-dump.js'
import { type Failure, failRead } from './exit.js'
import type { CliIo } from './io.js'
import { type Input, readInput, readOptional, wrongKindOf } from './read-input.js'

/** The kinds of input a physical function comes as. */
const FUNCTION_KINDS: readonly InputKind[] = ['lspci-text', 'binary-config', 'sysfs-folder']

/** The function an input holds; `device` picks one device from lspci text holding several. */
export const functionFrom = async (io: CliIo, input: Input, device: string | undefined): Promise<E.Either<Failure, FunctionDump>> => {
  if (input._tag === 'File') {
    const dump = readDump(input.bytes, input.path, device === undefined ? {} : { device })
    return E.isRight(dump) ? dump : E.left(wrongKindOf(input, FUNCTION_KINDS) ?? failRead(dump.left))
  }
  const folder = input.path.replace(/(.)\/+$/, '$1')
  const config = await readOptional(io, `${folder}/config`, MAX_DUMP_BYTES)
  if (E.isLeft(config)) return config
  if (config.right === null) return E.left(failRead([fileError(folder, { code: 'NO_CONFIG' })]))
  const resource = await readOptional(io, `${folder}/resource`, MAX_DUMP_BYTES)
  if (E.isLeft(resource)) return resource
  const files = resource.right === null ? { config: config.right } : { config: config.right, resource: new TextDecoder().decode(resource.right) }
  return E.mapLeft(failRead)(readSysfsFunction(files, folder))
}

/** Reads the function at `path`. */
export const loadFunction = async (io: CliIo, path: string, device: string | undefined): Promise<E.Either<Failure, FunctionDump>> => {
  const input = await readInput(io, path, MAX_DUMP_BYTES)
  return E.isLeft(input) ? input : functionFrom(io, input.right, device)
}

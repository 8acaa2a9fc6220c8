/**
 * Loads one physical function from a path the user gave: an lspci text file, a binary config
 * file, or a sysfs-style device folder (`config`, optional `resource`).
 */
import * as E from 'fp-ts/lib/Either.js'
import type { FunctionDump } from '../dump/function-dump.js'
import { fileError, type ReadError } from '../dump/read-error.js'
import { MAX_DUMP_BYTES, readDump, readSysfsFunction } from '../dump/read-dump.js'
import type { CliIo } from './io.js'
import { readBounded } from './read-file.js'

const readDumpFile = async (io: CliIo, path: string): Promise<E.Either<readonly ReadError[], Uint8Array>> => {
  const read = await readBounded(io, path, MAX_DUMP_BYTES)
  if (E.isRight(read)) return read
  const p = read.left
  return E.left([p.code === 'too-large' ? fileError(path, { code: 'TOO_LARGE', size: p.size ?? 0, limit: MAX_DUMP_BYTES }) : fileError(path, { code: 'UNREADABLE', reason: p.message })])
}

/** Reads the function at `path`; `device` picks one device from lspci text holding several. */
export const loadFunction = async (
  io: CliIo,
  path: string,
  device: string | undefined,
): Promise<E.Either<readonly ReadError[], FunctionDump>> => {
  const s = await io.stat(path)
  if (s === null) return E.left([fileError(path, { code: 'UNREADABLE', reason: 'no such file or folder' })])
  if (!s.isDirectory) {
    const bytes = await readDumpFile(io, path)
    return E.isLeft(bytes) ? bytes : readDump(bytes.right, path, device === undefined ? {} : { device })
  }
  const folder = path.replace(/\/+$/, '')
  const names = await io.readDir(folder).catch(() => [] as readonly string[])
  if (!names.includes('config')) return E.left([fileError(folder, { code: 'NO_CONFIG' })])
  const config = await readDumpFile(io, `${folder}/config`)
  if (E.isLeft(config)) return config
  if (!names.includes('resource')) return readSysfsFunction({ config: config.right }, folder)
  const resource = await readDumpFile(io, `${folder}/resource`)
  if (E.isLeft(resource)) return resource
  return readSysfsFunction({ config: config.right, resource: new TextDecoder().decode(resource.right) }, folder)
}

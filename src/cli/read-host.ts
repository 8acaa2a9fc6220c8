/**
 * Reads a host in either form, told apart by content (not by the file's name): a Host message
 * (protobuf, `vpci host encode`'s output) or a host file (YAML, `kind: Host`). Both decode to the
 * same checked `HostSpec`; errors come back as one line naming the file (and, for YAML, the line).
 */
import { dirname, isAbsolute, join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { decodeHostFile } from '../host/host-file.js'
import type { HostSpec } from '../host/host-spec.js'
import { withBitmapPools } from '../pasid/host-pasid.js'
import { decodeHostPasid } from '../pasid/pasid-files.js'
import type { HostPasid } from '../pasid/host-pasid.js'
import { decodeHostMessage, looksLikeHostMessage } from '../state/host-codec.js'
import { errorLine } from './exit.js'
import type { CliIo } from './io.js'
import { readBounded } from './read-file.js'

/** Larger input is not a host, in either form. */
export const MAX_HOST_FILE = 16 * 1024 * 1024

/** A path a host names, as the host's own folder resolves it. */
export const hostRelative = (hostPath: string, path: string): string => (isAbsolute(path) ? path : join(dirname(hostPath), path))

/** The bytes at `path` (bounded), or one line saying why not. */
const readHostBytes = async (io: CliIo, path: string): Promise<E.Either<string, Uint8Array>> => {
  const read = await readBounded(io, path, MAX_HOST_FILE)
  return E.isLeft(read) ? E.left(`${path}: ${read.left.message}`) : E.right(read.right)
}

/** Binary, so no host file: a control character other than tab, line feed and carriage return in the first 64 KiB (a message has length bytes below 0x20 from its start). */
const isBinary = (bytes: Uint8Array): boolean => {
  for (let i = 0; i < Math.min(bytes.length, 65536); i++) {
    const b = bytes[i]!
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return true
  }
  return false
}

/** The host at `path`, either form, checked; or one line saying what is wrong. */
export const readHostSpec = async (io: CliIo, path: string): Promise<E.Either<string, HostSpec>> => {
  const bytes = await readHostBytes(io, path)
  if (E.isLeft(bytes)) return bytes
  // Bytes no text has are read as a message, so a damaged one is told as a damaged message.
  const spec = looksLikeHostMessage(bytes.right) || isBinary(bytes.right) ? decodeHostMessage(bytes.right) : decodeHostFile(new TextDecoder().decode(bytes.right))
  if (E.isRight(spec)) return spec
  return E.left(errorLine(spec.left[0]?.line == null ? path : `${path}:${spec.left[0].line}`, spec.left))
}

/** True when the file holds a host in either form (YAML with `kind: Host`, or a Host message). */
export const looksLikeHost = async (io: CliIo, path: string): Promise<boolean> => {
  const read = await readBounded(io, path, MAX_HOST_FILE)
  if (E.isLeft(read)) return false
  return looksLikeHostMessage(read.right) || /^kind:\s*Host\s*$/m.test(new TextDecoder().decode(read.right.subarray(0, 8192)))
}

/**
 * The PASID side of the host at `path` (pools as bitmaps, to plan on). A YAML host file is read
 * for its `pasid` section only; a message is checked whole.
 */
export const readHostPasid = async (io: CliIo, path: string): Promise<E.Either<string, HostPasid>> => {
  const bytes = await readHostBytes(io, path)
  if (E.isLeft(bytes)) return bytes
  if (looksLikeHostMessage(bytes.right) || isBinary(bytes.right)) {
    const spec = decodeHostMessage(bytes.right)
    if (E.isLeft(spec)) return E.left(errorLine(path, spec.left))
    if (spec.right.pasid === null) return E.left(`${path}: pasid: missing; the host says nothing of its PASIDs`)
    return E.right(withBitmapPools(spec.right.pasid))
  }
  const pasid = decodeHostPasid(new TextDecoder().decode(bytes.right))
  return E.isLeft(pasid) ? E.left(errorLine(path, pasid.left)) : pasid
}

/**
 * Reads a host in either form, told apart by content (not by the file's name): a Host message
 * (protobuf, `vpci host encode`'s output) or a host file (YAML, `kind: Host`; large ones in the
 * plain style). Both decode to the same checked `HostSpec`. The files a host names resolve
 * against the host's own folder and must stay inside a root folder (by default that same
 * folder): an inventory cannot make vpci read `../../etc/passwd`. A function the host carries
 * (an image, an inline layout) names no file.
 */
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import type { InputKind } from '../decode/input-kind.js'
import { decodeHostFile } from '../host/host-file.js'
import type { HostSpec } from '../host/host-spec.js'
import { type HostPasid, withBitmapPools } from '../pasid/host-pasid.js'
import { decodeHostPasid } from '../pasid/pasid-files.js'
import { decodeHostMessage } from '../state/host-codec.js'
import { type Failure, failFile, failPaths } from './exit.js'
import { STDIN } from './io.js'
import { type Input, isBinary, textFrom, wrongKindOf } from './read-input.js'

/** Larger input is not a host, in either form. */
export const MAX_HOST_FILE = 16 * 1024 * 1024

/** The kinds of input a host comes as. */
export const HOST_KINDS: readonly InputKind[] = ['host-yaml', 'host-message']

/** True for what a host looks like, in either form. */
export const isHostKind = (kind: InputKind): boolean => HOST_KINDS.includes(kind)

/** Bytes no text has are read as a message, so a damaged one is told as a damaged message. */
const isMessage = (input: Input): input is Extract<Input, { _tag: 'File' }> => input._tag === 'File' && input.bytes.length <= MAX_HOST_FILE && isBinary(input.bytes)

/** The host an input holds, checked; or every reason it is not one. */
export const hostSpecFrom = (input: Input): E.Either<Failure, HostSpec> => {
  if (isMessage(input)) {
    const spec = decodeHostMessage(input.bytes)
    return E.isRight(spec) ? spec : E.left(wrongKindOf(input, HOST_KINDS) ?? failPaths(input.path, spec.left))
  }
  const text = textFrom(input, HOST_KINDS, MAX_HOST_FILE)
  if (E.isLeft(text)) return text
  const spec = decodeHostFile(text.right)
  return E.isRight(spec) ? spec : E.left(wrongKindOf(input, HOST_KINDS) ?? failPaths(input.path, spec.left))
}

/**
 * The PASID side of the host an input holds (pools as bitmaps, to plan on). A host file is read
 * for its `pasid` section only; a message is checked whole.
 */
export const hostPasidFrom = (input: Input): E.Either<Failure, HostPasid> => {
  if (isMessage(input)) {
    const spec = hostSpecFrom(input)
    if (E.isLeft(spec)) return spec
    return spec.right.pasid === null ? E.left(failFile(input.path, 'pasid: missing; the host says nothing of its PASIDs')) : E.right(withBitmapPools(spec.right.pasid))
  }
  const text = textFrom(input, HOST_KINDS, MAX_HOST_FILE)
  if (E.isLeft(text)) return text
  const pasid = decodeHostPasid(text.right)
  return E.isRight(pasid) ? pasid : E.left(wrongKindOf(input, HOST_KINDS) ?? failPaths(input.path, pasid.left))
}

/** True when `path` is `root` or lies under it (by name: `..` is resolved first). */
const inside = (root: string, path: string): boolean => {
  const r = relative(root, path)
  return r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r)
}

/**
 * The file each function of the host names, resolved against the host's folder (null for a
 * function the host carries); a failure naming every one outside `root` (default: the host's
 * own folder).
 */
export const hostFiles = (input: Input, spec: HostSpec, root?: string): E.Either<Failure, ReadonlyArray<string | null>> => {
  const base = resolve(input.path === STDIN ? '.' : dirname(input.path))
  const within = resolve(root ?? base)
  const files = spec.functions.map((f) => ('path' in f.source ? resolve(base, f.source.path) : null))
  const outside = spec.functions.flatMap((f, i) => {
    const file = files[i]
    if (file === null || file === undefined || !('path' in f.source) || inside(within, file)) return []
    return [{ path: ['functions', i, f.source.kind], message: `${f.source.path} lies outside ${root === undefined ? "the host file's folder" : within}; host files name files only inside it (--root DIR widens that)`, code: 'PATH_OUTSIDE_ROOT' }]
  })
  return outside.length > 0 ? E.left(failPaths(input.path, outside)) : E.right(files)
}

/**
 * What a path the user gave holds: a file's bytes (read bounded: at most the limit and one byte
 * more, to tell "too large" without reading it all) or a folder (never listed: a sysfs device
 * folder is read by the names of its files, however many others it holds); and, when a decoder
 * refused it, what it looks like, to name a file given in the wrong place for what it is.
 */
import * as E from 'fp-ts/lib/Either.js'
import { type InputKind, kindNames, sniffInput, wrongKind } from '../decode/input-kind.js'
import { type Failure, failFile, failProblem } from './exit.js'
import type { CliIo } from './io.js'

export type Input =
  | { readonly _tag: 'File'; readonly path: string; readonly bytes: Uint8Array }
  | { readonly _tag: 'Folder'; readonly path: string }

const tooLarge = (path: string, limit: number): Failure =>
  failFile(path, `larger than ${limit} bytes, more than such a file can be; is this the right file?`, 'TOO_LARGE')

/** The file at `path` (at most `limit` bytes), or the folder it is. */
export const readInput = async (io: CliIo, path: string, limit: number): Promise<E.Either<Failure, Input>> => {
  const read = await io.read(path, limit + 1)
  if (E.isRight(read)) return read.right.length > limit ? E.left(tooLarge(path, limit)) : E.right({ _tag: 'File', path, bytes: read.right })
  return read.left.code === 'folder' ? E.right({ _tag: 'Folder', path }) : E.left(failProblem(path, read.left))
}

/** The bytes of the file at `path` (at most `limit`); a folder is refused. */
export const readBytes = async (io: CliIo, path: string, limit: number): Promise<E.Either<Failure, Uint8Array>> => {
  const read = await io.read(path, limit + 1)
  if (E.isLeft(read)) return E.left(failProblem(path, read.left))
  return read.right.length > limit ? E.left(tooLarge(path, limit)) : E.right(read.right)
}

/** As `readBytes`, with null when there is no such file. */
export const readOptional = async (io: CliIo, path: string, limit: number): Promise<E.Either<Failure, Uint8Array | null>> => {
  const read = await io.read(path, limit + 1)
  if (E.isLeft(read)) return read.left.code === 'missing' ? E.right(null) : E.left(failProblem(path, read.left))
  return read.right.length > limit ? E.left(tooLarge(path, limit)) : E.right(read.right)
}

/** What the input looks like. */
export const kindOf = (input: Input): InputKind => (input._tag === 'Folder' ? 'folder' : sniffInput(input.bytes))

/** `path: is a folder; expected Y`. */
export const folderGiven = (path: string, expected: readonly InputKind[]): Failure => failFile(path, `is a folder; expected ${kindNames(expected)}`, 'WRONG_KIND')

/** `path: looks like X; expected Y` when the input is a known kind other than those expected, else null. */
export const wrongKindOf = (input: Input, expected: readonly InputKind[]): Failure | null => {
  if (input._tag === 'Folder') return expected.includes('sysfs-folder') ? null : folderGiven(input.path, expected)
  const why = wrongKind(kindOf(input), expected)
  return why === null ? null : failFile(input.path, why, 'WRONG_KIND')
}

/** True when the bytes hold a control character other than tab, line feed and carriage return (no YAML or JSON file does). */
export const isBinary = (bytes: Uint8Array): boolean => {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return true
  }
  return false
}

/**
 * The input as text for a text decoder (YAML, JSON), or why it cannot be one: a folder, more
 * than `limit` bytes, or binary data (refused in one linear pass, before a parser spends its
 * error recovery on it).
 */
export const textFrom = (input: Input, expected: readonly InputKind[], limit: number): E.Either<Failure, string> => {
  if (input._tag === 'Folder') return E.left(folderGiven(input.path, expected))
  if (input.bytes.length > limit) return E.left(tooLarge(input.path, limit))
  if (isBinary(input.bytes)) return E.left(wrongKindOf(input, expected) ?? failFile(input.path, `holds binary data; expected ${kindNames(expected)}`, 'WRONG_KIND'))
  return E.right(new TextDecoder().decode(input.bytes))
}

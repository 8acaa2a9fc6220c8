/**
 * Reading the files users name, bounded: every failure (missing, a folder, too large,
 * unreadable) comes back as a value with a sentence, never as an exception.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { CliIo } from './io.js'

export interface FileProblem {
  readonly code: 'missing' | 'folder' | 'too-large' | 'unreadable'
  /** What is wrong, without the file name: `no such file or folder`. */
  readonly message: string
  readonly size: number | null
}

const reason = (e: unknown): string => (e instanceof Error ? e.message.replace(/^[A-Z]+: /, '') : String(e))

/** The whole file, when it exists, is a file, and is at most `limit` bytes. */
export const readBounded = async (io: CliIo, path: string, limit: number): Promise<E.Either<FileProblem, Uint8Array>> => {
  const s = await io.stat(path)
  if (s === null) return E.left({ code: 'missing', message: 'no such file or folder', size: null })
  if (s.isDirectory) return E.left({ code: 'folder', message: 'is a folder, not a file', size: null })
  if (s.size > limit) return E.left({ code: 'too-large', message: `${s.size} bytes is larger than such a file can be (limit ${limit})`, size: s.size })
  try {
    return E.right(await io.readFile(path))
  } catch (e) {
    return E.left({ code: 'unreadable', message: `cannot read: ${reason(e)}`, size: null })
  }
}

/** The start of the file as text, to tell formats apart; null when it cannot be read. */
export const readHead = async (io: CliIo, path: string, limit: number, bytes = 8192): Promise<string | null> => {
  const read = await readBounded(io, path, limit)
  return E.isLeft(read) ? null : new TextDecoder().decode(read.right.subarray(0, bytes))
}

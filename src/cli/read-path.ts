/**
 * Reading what a path names, bounded by what is read: at most `max` bytes, whatever `stat`
 * claims (sysfs attributes report 4096 bytes or 0, /proc files 0, a sparse file terabytes).
 * Only regular files are opened: a FIFO, a device or a socket is refused from `stat` before
 * anything opens it (opening some devices acts on them), and the open itself is non-blocking
 * with the descriptor checked again, so a path swapped after the check cannot make it block or
 * read a device. Standard input (`-`) is read once, up to the same bound.
 */
import { constants, type Stats } from 'node:fs'
import { type FileHandle, open, stat } from 'node:fs/promises'
import * as E from 'fp-ts/lib/Either.js'

export type FileProblemCode = 'missing' | 'folder' | 'not-a-file' | 'loop' | 'too-large' | 'unreadable'

export interface FileProblem {
  readonly code: FileProblemCode
  /** What is wrong, without the path: `is a FIFO (named pipe), not a file`. */
  readonly message: string
}

const problem = (code: FileProblemCode, message: string): E.Either<FileProblem, never> => E.left({ code, message })

const kindOf = (s: Stats): string =>
  s.isFIFO() ? 'a FIFO (named pipe)' : s.isCharacterDevice() ? 'a character device' : s.isBlockDevice() ? 'a block device' : s.isSocket() ? 'a socket' : 'not a regular file'

const notAFile = (s: Stats) => problem('not-a-file', `is ${kindOf(s)}, not a file; give a regular file or a sysfs device folder`)

/** The system's refusal as one of ours. */
const refusal = (e: unknown): E.Either<FileProblem, never> => {
  const err = e as NodeJS.ErrnoException
  switch (err.code) {
    case 'ENOENT':
      return problem('missing', 'no such file or folder')
    case 'ENOTDIR':
      return problem('missing', 'no such file or folder (a part of the path is not a folder)')
    case 'ELOOP':
      return problem('loop', 'too many levels of symbolic links (a symlink loop?)')
    case 'EISDIR':
      return problem('folder', 'is a folder, not a file')
    case 'EACCES':
    case 'EPERM':
      return problem('unreadable', 'cannot read: permission denied')
    default:
      return problem('unreadable', `cannot read: ${(err.message ?? String(e)).replace(/^[A-Z]+: /, '')}`)
  }
}

/** Chunks grow from 64 KiB so small files cost little and large ones few reads. */
const FIRST_CHUNK = 64 * 1024
const LARGEST_CHUNK = 4 * 1024 * 1024

const concat = (chunks: readonly Uint8Array[], total: number): Uint8Array => {
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

/** Reads until the end of the file or `max` bytes, whichever comes first. */
const readUpTo = async (handle: FileHandle, max: number): Promise<Uint8Array> => {
  const chunks: Uint8Array[] = []
  let total = 0
  let size = FIRST_CHUNK
  while (total < max) {
    const buffer = new Uint8Array(Math.min(size, max - total))
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null)
    if (bytesRead === 0) break
    chunks.push(buffer.subarray(0, bytesRead))
    total += bytesRead
    size = Math.min(size * 2, LARGEST_CHUNK)
  }
  return concat(chunks, total)
}

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0)

/** At most `max` bytes of the regular file at `path`, or why it cannot be read. */
export const readPathUpTo = async (path: string, max: number): Promise<E.Either<FileProblem, Uint8Array>> => {
  let before: Stats
  try {
    before = await stat(path)
  } catch (e) {
    return refusal(e)
  }
  if (before.isDirectory()) return problem('folder', 'is a folder, not a file')
  if (!before.isFile()) return notAFile(before)
  let handle: FileHandle
  try {
    handle = await open(path, OPEN_FLAGS)
  } catch (e) {
    return refusal(e)
  }
  try {
    const opened = await handle.stat()
    if (opened.isDirectory()) return problem('folder', 'is a folder, not a file')
    if (!opened.isFile()) return notAFile(opened)
    return E.right(await readUpTo(handle, max))
  } catch (e) {
    return refusal(e)
  } finally {
    await handle.close().catch(() => undefined)
  }
}

/**
 * A reader of a stream (standard input, opened on first use): the first call reads up to its
 * `max` bytes; later calls are refused, since a stream can be read only once.
 */
export const stdinReader = (stream: () => AsyncIterable<unknown>): ((max: number) => Promise<E.Either<FileProblem, Uint8Array>>) => {
  let used = false
  return async (max) => {
    if (used) return problem('unreadable', 'standard input was already read; give - once')
    used = true
    const chunks: Uint8Array[] = []
    let total = 0
    try {
      for await (const chunk of stream()) {
        const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array)
        const take = Math.min(bytes.length, max - total)
        chunks.push(bytes.subarray(0, take))
        total += take
        if (total >= max) break
      }
    } catch (e) {
      return refusal(e)
    }
    return E.right(concat(chunks, total))
  }
}

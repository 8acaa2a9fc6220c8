/**
 * The `SysfsReader` of the real file system. Reads are bounded by what is read, never by what
 * `stat` claims (sysfs attributes report 4096 bytes, procfs files 0): at most limit + 1 bytes
 * are read, to tell a file of exactly `limit` bytes from a longer one. Only regular files are
 * opened, and only after `lstat` says so: a FIFO, a device node, a socket or a symbolic link in
 * an attribute's place is refused unopened (opening some devices acts on them). The open itself
 * is non-blocking and refuses a link (`O_NOFOLLOW`), and the descriptor is checked again, so a
 * path swapped between the check and the open cannot make the scan block or read a device.
 * Folder listings stop after limit + 1 names, whatever the folder holds.
 */
import { constants, type Stats } from 'node:fs'
import { lstat, open, opendir, readlink } from 'node:fs/promises'
import * as E from 'fp-ts/lib/Either.js'
import type { SysfsProblem, SysfsProblemCode, SysfsReader } from './sysfs-reader.js'

const problem = (code: SysfsProblemCode, message: string): E.Either<SysfsProblem, never> => E.left({ code, message })

const kindOf = (s: Stats): string =>
  s.isSymbolicLink()
    ? 'a symbolic link'
    : s.isFIFO()
      ? 'a FIFO (named pipe)'
      : s.isCharacterDevice()
        ? 'a character device'
        : s.isBlockDevice()
          ? 'a block device'
          : s.isSocket()
            ? 'a socket'
            : s.isDirectory()
              ? 'a folder'
              : 'not a regular file'

/** The system's refusal as a problem. */
const refusal = (e: unknown): E.Either<SysfsProblem, never> => {
  const err = e as NodeJS.ErrnoException
  switch (err.code) {
    case 'ENOENT':
      return problem('missing', 'no such file or folder')
    case 'ENOTDIR':
      return problem('not-a-folder', 'a part of the path is not a folder')
    case 'ELOOP':
      return problem('loop', 'too many levels of symbolic links (a symlink loop)')
    case 'EISDIR':
      return problem('not-a-file', 'is a folder, not a file')
    case 'EINVAL':
      return problem('not-a-link', 'is not a symbolic link')
    case 'EACCES':
    case 'EPERM':
      return problem('unreadable', 'permission denied')
    default:
      return problem('unreadable', (err.message ?? String(e)).replace(/^[A-Z]+: /, ''))
  }
}

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0) | (constants.O_NOCTTY ?? 0)

const readFile = async (path: string, limit: number): Promise<E.Either<SysfsProblem, Uint8Array>> => {
  let before: Stats
  try {
    before = await lstat(path)
  } catch (e) {
    return refusal(e)
  }
  if (!before.isFile()) return problem('not-a-file', `is ${kindOf(before)}, not a file`)
  let handle
  try {
    handle = await open(path, OPEN_FLAGS)
  } catch (e) {
    return refusal(e)
  }
  try {
    const opened = await handle.stat()
    if (!opened.isFile()) return problem('not-a-file', `is ${kindOf(opened)}, not a file`)
    const buffer = new Uint8Array(limit + 1)
    let total = 0
    while (total < buffer.length) {
      const { bytesRead } = await handle.read(buffer, total, buffer.length - total, null)
      if (bytesRead === 0) break
      total += bytesRead
    }
    if (total > limit) return problem('too-large', `holds more than ${limit} bytes`)
    return E.right(buffer.slice(0, total))
  } catch (e) {
    return refusal(e)
  } finally {
    await handle.close().catch(() => undefined)
  }
}

const readLink = async (path: string): Promise<E.Either<SysfsProblem, string>> => {
  try {
    return E.right(await readlink(path))
  } catch (e) {
    return refusal(e)
  }
}

const listDir = async (path: string, limit: number): Promise<E.Either<SysfsProblem, { names: string[]; more: boolean }>> => {
  let dir
  try {
    dir = await opendir(path, { bufferSize: 256 })
  } catch (e) {
    return refusal(e)
  }
  const names: string[] = []
  let more = false
  try {
    for (let entry = await dir.read(); entry !== null; entry = await dir.read()) {
      if (names.length === limit) {
        more = true
        break
      }
      names.push(entry.name)
    }
  } catch (e) {
    return refusal(e)
  } finally {
    await dir.close().catch(() => undefined)
  }
  return E.right({ names: names.sort(), more })
}

/** The real file system, read bounded. */
export const nodeSysfsReader: SysfsReader = { readFile, readLink, listDir }

/**
 * What a host scan reads, as an injected interface: bounded reads of attribute files, symbolic
 * links read (never followed to a file's contents), folders listed up to a limit. Tests pass a
 * tree of their own; `nodeSysfsReader` (node-sysfs-reader.ts) is the real file system.
 *
 * Every answer is a value: a missing file, a loop, a device node or an oversized file is a
 * `SysfsProblem`, never an exception, and no call reads or lists more than its limit (plus one,
 * to tell "exactly the limit" from "more").
 */
import type * as E from 'fp-ts/lib/Either.js'

export type SysfsProblemCode = 'missing' | 'loop' | 'not-a-file' | 'not-a-folder' | 'not-a-link' | 'too-large' | 'unreadable'

export interface SysfsProblem {
  readonly code: SysfsProblemCode
  /** What is wrong, without the path: `is a character device, not a sysfs attribute`. */
  readonly message: string
}

export interface SysfsListing {
  /** Names in the folder, sorted, at most the limit asked for. */
  readonly names: readonly string[]
  /** True when the folder holds more names than the limit. */
  readonly more: boolean
}

export interface SysfsReader {
  /**
   * The contents of the regular file at `path`, at most `limit` bytes (`too-large` when it holds
   * more). Only a regular file is read: a symbolic link as the last component, a FIFO, a device
   * or a socket is `not-a-file`, refused before anything opens it to read.
   */
  readonly readFile: (path: string, limit: number) => Promise<E.Either<SysfsProblem, Uint8Array>>
  /** The target of the symbolic link at `path`, as written in the link (not resolved). */
  readonly readLink: (path: string) => Promise<E.Either<SysfsProblem, string>>
  /** The names in the folder at `path` (following links to it), at most `limit` of them. */
  readonly listDir: (path: string, limit: number) => Promise<E.Either<SysfsProblem, SysfsListing>>
}

/** `a/b/c` from parts, without doubled slashes. */
export const joinPath = (...parts: readonly string[]): string => parts.join('/').replace(/\/{2,}/g, '/')

/** The last component of a link target: `../../../bus/pci/drivers/vfio-pci` → `vfio-pci`. */
export const baseName = (target: string): string => target.replace(/\/+$/, '').split('/').pop() ?? ''

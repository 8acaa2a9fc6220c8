/**
 * The CLI's only contact with the outside: files, standard input and output. Tests and the
 * fuzzer pass their own.
 */
import { writeFile } from 'node:fs/promises'
import type * as E from 'fp-ts/lib/Either.js'
import { type FileProblem, readPathUpTo, stdinReader } from './read-path.js'

export type { FileProblem, FileProblemCode } from './read-path.js'

/** The path that names standard input. */
export const STDIN = '-'

export interface CliIo {
  /** Standard output: text as UTF-8, bytes as they are. */
  readonly out: (data: string | Uint8Array) => void
  readonly err: (text: string) => void
  /**
   * At most `max` bytes of the file at `path` (`-`: standard input), whatever its size claims;
   * a problem (missing, a folder, not a regular file, a symlink loop, unreadable) otherwise.
   */
  readonly read: (path: string, max: number) => Promise<E.Either<FileProblem, Uint8Array>>
  /** Writes a whole file (`exclusive`: only when it does not exist yet); rejects with the system's reason. */
  readonly writeFile: (path: string, data: string | Uint8Array, options?: { readonly exclusive?: boolean }) => Promise<void>
  /** True when standard output is a terminal (binary output refuses to go there). */
  readonly outIsTty: boolean
  /** True when standard error is a terminal (progress output). */
  readonly errIsTty: boolean
}

const readStdin = stdinReader(() => process.stdin)

/** The process's own files and streams. */
export const processIo: CliIo = {
  out: (data) => void process.stdout.write(data),
  err: (text) => void process.stderr.write(text),
  read: (path, max) => (path === STDIN ? readStdin(max) : readPathUpTo(path, max)),
  writeFile: async (path, data, options) => writeFile(path, data, options?.exclusive === true ? { flag: 'wx' } : {}),
  outIsTty: process.stdout.isTTY === true,
  errIsTty: process.stderr.isTTY === true,
}

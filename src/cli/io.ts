/**
 * The CLI's only contact with the outside: files, output streams. Tests pass their own.
 */
import { readFile, readdir, stat, writeFile } from 'node:fs/promises'

export interface CliIo {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
  /** File kind and size, or null when the path does not exist. */
  readonly stat: (path: string) => Promise<{ readonly isDirectory: boolean; readonly size: number } | null>
  readonly readFile: (path: string) => Promise<Uint8Array>
  readonly readDir: (path: string) => Promise<readonly string[]>
  /** Writes a whole file; rejects with the system's reason. */
  readonly writeFile: (path: string, data: string | Uint8Array) => Promise<void>
  /** True when standard error is a terminal (progress output). */
  readonly errIsTty: boolean
}

/** The process's own files and streams. */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  stat: async (path) => {
    try {
      const s = await stat(path)
      return { isDirectory: s.isDirectory(), size: s.size }
    } catch {
      return null
    }
  },
  readFile: async (path) => new Uint8Array(await readFile(path)),
  readDir: async (path) => readdir(path),
  writeFile: async (path, data) => writeFile(path, data),
  errIsTty: process.stderr.isTTY === true,
}

/**
 * Where a command's product goes: the file given with `-o`, else standard output, bytes as
 * bytes. Binary output is not sent to a terminal (it would garble it); a pipe or a file is fine.
 */
import { type Failure, fail } from './exit.js'
import type { CliIo } from './io.js'

export interface WriteOptions {
  /** Refuse to replace a file that exists (`derive -o` without `--force`). */
  readonly exclusive?: boolean
}

/** Writes `data` to `path` (or stdout); a failure when it cannot. */
export const writeOutput = async (io: CliIo, path: string | undefined, data: string | Uint8Array, options: WriteOptions = {}): Promise<Failure | null> => {
  if (path === undefined || path === '-') {
    if (typeof data !== 'string' && io.outIsTty) return fail('binary output is not written to a terminal: give -o FILE or redirect standard output')
    io.out(data)
    return null
  }
  try {
    await io.writeFile(path, data, options.exclusive === true ? { exclusive: true } : {})
    return null
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return fail(`${path} exists; give --force to replace it or --update to keep its comments and edits`)
    return fail(`cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`)
  }
}

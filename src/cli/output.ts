/**
 * Where a command's product goes: the file given with `-o`, else standard output.
 */
import { type ExitCode, failInput } from './exit.js'
import type { CliIo } from './io.js'

/** Writes `data` to `path` (or stdout); returns an exit code when the file cannot be written. */
export const writeOutput = async (io: CliIo, path: string | undefined, data: string | Uint8Array): Promise<ExitCode | null> => {
  if (path === undefined) {
    io.out(typeof data === 'string' ? data : Buffer.from(data).toString('latin1'))
    return null
  }
  try {
    await io.writeFile(path, data)
    return null
  } catch (e) {
    return failInput(io, `cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`)
  }
}

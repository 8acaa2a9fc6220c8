/**
 * Runs the CLI in-process against the real file system, capturing what it prints.
 */
import { type CliIo, processIo } from '../../src/cli/io.js'
import { run } from '../../src/cli/run.js'

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export const vpci = async (...argv: string[]): Promise<CliResult> => vpciWith({}, ...argv)

/** As `vpci`, with parts of the io replaced (a terminal on stderr, say). */
export const vpciWith = async (extra: Partial<CliIo>, ...argv: string[]): Promise<CliResult> => {
  let stdout = ''
  let stderr = ''
  const io: CliIo = { ...processIo, out: (t) => void (stdout += t), err: (t) => void (stderr += t), errIsTty: false, ...extra }
  const code = await run(argv, io)
  return { code, stdout, stderr }
}

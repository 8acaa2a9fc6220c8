/**
 * Runs the CLI in-process against the real file system, capturing what it prints (standard
 * output as bytes too, for binary output).
 */
import { type CliIo, processIo } from '../../src/cli/io.js'
import { run } from '../../src/cli/run.js'

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stdoutBytes: Uint8Array
  readonly stderr: string
}

export const vpci = async (...argv: string[]): Promise<CliResult> => vpciWith({}, ...argv)

/** As `vpci`, with parts of the io replaced (a terminal on stderr, say). */
export const vpciWith = async (extra: Partial<CliIo>, ...argv: string[]): Promise<CliResult> => {
  const out: Uint8Array[] = []
  let stderr = ''
  const io: CliIo = {
    ...processIo,
    out: (d) => void out.push(typeof d === 'string' ? new TextEncoder().encode(d) : Uint8Array.from(d)),
    err: (t) => void (stderr += t),
    outIsTty: false,
    errIsTty: false,
    ...extra,
  }
  const code = await run(argv, io)
  const stdoutBytes = new Uint8Array(Buffer.concat(out))
  return { code, stdout: new TextDecoder().decode(stdoutBytes), stdoutBytes, stderr }
}

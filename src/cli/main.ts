#!/usr/bin/env node
/**
 * The `vpci` executable: runs one command against the process's files and streams. A reader
 * that stops reading (`vpci ... | head -1`) ends it quietly with exit 0, as it ends any Unix
 * filter; any other failure to write is one line and exit 2.
 */
import { ExitCode } from './exit.js'
import { processIo } from './io.js'
import { run } from './dispatch.js'

const onWriteError = (stream: string) => (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(ExitCode.ok)
  if (stream === 'stdout') process.stderr.write(`vpci: cannot write to standard output: ${e.message}\n`)
  process.exit(ExitCode.badInput)
}
process.stdout.on('error', onWriteError('stdout'))
process.stderr.on('error', onWriteError('stderr'))

run(process.argv.slice(2), processIo).then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e)
    process.stderr.write(`vpci: internal error: ${message} (this is a bug in vpci; please report it with the input)\n`)
    process.exitCode = ExitCode.internal
  },
)

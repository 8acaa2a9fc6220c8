#!/usr/bin/env node
/**
 * The `vpci` executable: runs one command against the process's files and streams.
 */
import { ExitCode } from './exit.js'
import { processIo } from './io.js'
import { run } from './run.js'

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

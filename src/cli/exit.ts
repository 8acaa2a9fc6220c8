/**
 * Exit codes and the one-line error the CLI prints for bad input or usage.
 */
import { type ReadError, renderReadError } from '../dump/read-error.js'
import type { CliIo } from './io.js'

export const ExitCode = {
  /** Done; for judgements, compatible. */
  ok: 0,
  /** Judged incompatible. */
  incompatible: 1,
  /** Bad input or usage. */
  badInput: 2,
  /** A bug in vpci. */
  internal: 3,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/** The options every command understands, parsed. */
export interface CliArgs {
  readonly positionals: readonly string[]
  readonly json: boolean
  readonly help: boolean
  readonly device: string | undefined
  /** `--certificate FILE` of `vpci check`. */
  readonly certificate: string | undefined
  /** `--instance warn|refuse` of `vpci check`. */
  readonly instance: string | undefined
}

/** Prints one line on stderr for a usage message or the first read error (counting the rest). */
export const failInput = (io: CliIo, problem: string | readonly ReadError[]): ExitCode => {
  if (typeof problem === 'string') {
    io.err(`vpci: ${problem}\n`)
  } else {
    const more = problem.length > 1 ? ` (and ${problem.length - 1} more error${problem.length > 2 ? 's' : ''})` : ''
    io.err(`vpci: ${problem.length === 0 ? 'unreadable input' : renderReadError(problem[0]!)}${more}\n`)
  }
  return ExitCode.badInput
}

/**
 * Exit codes and the one-line error the CLI prints for bad input or usage.
 */
import { type ReadError, renderReadError } from '../dump/read-error.js'
import { type LayoutError, renderLayoutError, renderPath } from '../layout/layout-error.js'
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
  readonly device: string | undefined
  /** `--certificate FILE` of `vpci check`. */
  readonly certificate: string | undefined
  /** `--verify FILE` of `vpci check`: re-derive the saved certificate FILE. */
  readonly verify: string | undefined
  /** `--instance warn|refuse` of `vpci check`. */
  readonly instance: string | undefined
  readonly policy: string | undefined
  readonly pasid: string | undefined
  readonly output: string | undefined
  readonly format: string | undefined
  readonly pf: string | undefined
  readonly personas: string | undefined
  readonly usable: string | undefined
  readonly host: string | undefined
  readonly assign: string | undefined
  /** `--assume-implemented` of `vpci check` and `vpci filter`: optional bits set on the source are assumed writable on the destination. */
  readonly assumeImplemented: boolean
}

const isReadError = (e: ReadError | LayoutError): e is ReadError => 'offset' in e && !('path' in e)

/** ` (and 2 more errors)` after the first of `count` errors. */
const andMore = (count: number): string => (count > 1 ? ` (and ${count - 1} more error${count > 2 ? 's' : ''})` : '')

/** One line for the first of several errors with paths: `file: path: message (and N more errors)`. */
export const errorLine = (file: string, errors: ReadonlyArray<{ readonly path: ReadonlyArray<string | number>; readonly message: string }>): string => {
  const first = errors[0]
  if (first === undefined) return `${file}: unreadable input`
  const path = renderPath(first.path)
  return `${file}: ${path === '' ? '' : `${path}: `}${first.message}${andMore(errors.length)}`
}

/** Prints one line on stderr for a usage message or the first error (counting the rest). */
export const failInput = (io: CliIo, problem: string | ReadonlyArray<ReadError | LayoutError>): ExitCode => {
  if (typeof problem === 'string') {
    io.err(`vpci: ${problem}\n`)
  } else {
    const first = problem[0]
    io.err(`vpci: ${first === undefined ? 'unreadable input' : isReadError(first) ? renderReadError(first) : renderLayoutError(first)}${andMore(problem.length)}\n`)
  }
  return ExitCode.badInput
}

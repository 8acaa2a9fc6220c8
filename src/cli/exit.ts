/**
 * Exit codes, and what a command returns: an exit code, or a failure (bad input or usage)
 * holding every error, which `run` prints (text or JSON) on standard error with exit 2.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { ReadError } from '../dump/read-error.js'
import { renderReadError } from '../dump/read-error.js'
import { type LayoutError, renderLayoutError, renderPath } from '../layout/layout-error.js'
import { limitReasons } from '../proof/reason-limit.js'
import type { FileProblem } from './io.js'

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

/** One error as the CLI reports it: a sentence that starts with where (file, line, path), and the parts on their own. */
export interface CliError {
  /** The whole line: `nic.lspci:4: "zz" at column 11 (offset 0x22) is not a hex byte`. */
  readonly message: string
  readonly file: string | null
  readonly line: number | null
  readonly offset: number | null
  /** Where in a structured file: `functions[1].layout.capabilities[3].offset`. */
  readonly path: string | null
  readonly code: string | null
}

/**
 * Bad input or usage: how many errors, and the first `limit` of them (null: all) rendered on
 * demand, so ten million decoder errors cost nothing until printed, and only what is printed.
 */
export interface Failure {
  readonly _tag: 'Failure'
  /** Errors that can be listed. */
  readonly total: number
  /** Errors a decoder found and only counted (it never made them), so no one can list them. */
  readonly unlisted: number
  readonly errors: (limit: number | null) => readonly CliError[]
}

/** The errors to print under `limit`, how many more there are, and how many of those `--all` would list. */
export const shownErrors = (f: Failure, limit: number | null): { readonly errors: readonly CliError[]; readonly omitted: number; readonly listable: number } => {
  const errors = f.errors(limit)
  const listable = f.total - errors.length
  return { errors, omitted: listable + f.unlisted, listable }
}

/** What a command ends with. */
export type Outcome = ExitCode | Failure

export const isFailure = (o: Outcome): o is Failure => typeof o === 'object'

/** A failure of the items of `list`, each turned into a CliError only when printed. */
export const failWith = <T>(list: readonly T[], render: (item: T) => CliError, unlisted = 0): Failure => ({
  _tag: 'Failure',
  total: list.length,
  unlisted,
  errors: (limit) => limitReasons(list, limit).shown.map(render),
})

const error = (message: string, where: Partial<Omit<CliError, 'message'>> = {}): CliError => ({ message, file: null, line: null, offset: null, path: null, code: null, ...where })

/** A usage error, or any one sentence. */
export const fail = (message: string): Failure => failWith([message], (m) => error(m))

/** A file that could not be read, or is of the wrong kind: `path: message`. */
export const failFile = (file: string, message: string, code: string | null = null): Failure => failWith([message], (m) => error(`${file}: ${m}`, { file, code }))

export const failProblem = (file: string, p: FileProblem): Failure => failFile(file, p.message, p.code.toUpperCase().replace(/-/g, '_'))

export const failRead = (errors: readonly ReadError[]): Failure =>
  failWith(errors, (e) => error(renderReadError(e), { file: e.file, line: e.line, offset: e.offset, code: e.code }))

/** Layout errors, one line each; a MORE_ERRORS entry adds to the count of errors not listed. */
export const failLayout = (errors: readonly LayoutError[]): Failure => {
  let unlisted = 0
  for (const e of errors) unlisted += e.omitted ?? 0
  const listed = unlisted === 0 ? errors : errors.filter((e) => e.omitted === undefined)
  return failWith(listed, (e) => error(renderLayoutError(e), { file: e.file, line: e.line, path: renderPath(e.path), code: e.code }), unlisted)
}

/** An error with a path inside a file, and its line when the decoder knows it. */
interface PathError {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
  readonly code?: string
  readonly line?: number | null
  /** Set on an entry that only counts errors the decoder did not list (PASID decoders' MORE_ERRORS). */
  readonly omitted?: number
}

/** Errors with a path inside `file` (state, host, PASID files): `file[:line]: path: message`; counting entries add to the count. */
export const failPaths = (file: string, errors: readonly PathError[]): Failure => {
  let unlisted = 0
  for (const e of errors) unlisted += e.omitted ?? 0
  const listed = unlisted === 0 ? errors : errors.filter((e) => e.omitted === undefined)
  const render = (e: PathError): CliError => {
    const path = renderPath(e.path)
    const line = e.line ?? null
    return error(`${file}${line === null ? '' : `:${line}`}: ${path === '' ? '' : `${path}: `}${e.message}`, { file, line, path: path === '' ? null : path, code: e.code ?? null })
  }
  return failWith(listed, render, unlisted)
}

/** Every failure's errors, in order, as one. */
export const failAll = (failures: readonly Failure[]): Failure => ({
  _tag: 'Failure',
  total: failures.reduce((n, f) => n + f.total, 0),
  unlisted: failures.reduce((n, f) => n + f.unlisted, 0),
  errors: (limit) => {
    const out: CliError[] = []
    for (const f of failures) {
      if (limit !== null && out.length >= limit) break
      for (const e of f.errors(limit === null ? null : limit - out.length)) out.push(e)
    }
    return out
  },
})

/** Both values, or every error of either (the first's first). */
export const both = <A, B>(a: E.Either<Failure, A>, b: E.Either<Failure, B>): E.Either<Failure, readonly [A, B]> =>
  E.isLeft(a) ? E.left(E.isLeft(b) ? failAll([a.left, b.left]) : a.left) : E.isLeft(b) ? b : E.right([a.right, b.right] as const)

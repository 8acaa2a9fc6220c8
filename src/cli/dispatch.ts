/**
 * Parses the command line and runs one command: `vpci COMMAND ...`, `vpci help [COMMAND]`,
 * `vpci --help`, `vpci --version`. Returns the exit code; never throws for user errors (an
 * exception escaping here is a bug, reported by main as an internal error). Failures are
 * printed here, each error on its own line (or as one JSON object with --json), the first 100
 * unless --all. Only the command named is loaded; help and a foreign option's error load every
 * command's declaration.
 */
import { oneLine } from '../decode/one-line.js'
import { omittedLine, REASON_LIMIT } from '../proof/reason-limit.js'
import packageJson from '../../package.json' with { type: 'json' }
import { asksForHelp, foreignOption, parseCommand, usageOf } from './command.js'
import { COMMAND_TABLE, loadCommand, loadCommands } from './commands.js'
import { ExitCode, type Failure, fail, isFailure, shownErrors } from './exit.js'
import type { CliIo } from './io.js'
import { mainUsage } from './usage.js'

export const VERSION: string = packageJson.version

const byName = (name: string) => COMMAND_TABLE.find((c) => c.name === name)

const unknownCommand = (name: string): Failure => fail(`unknown command "${name}"; commands: ${COMMAND_TABLE.map((c) => c.name).join(', ')}`)

/** Prints a failure on stderr: one line per error (or one JSON object), capped unless `all`. */
const report = (io: CliIo, failure: Failure, json: boolean, all: boolean): ExitCode => {
  const { errors, omitted, listable } = shownErrors(failure, all ? null : REASON_LIMIT)
  if (json) {
    const list = errors.map((e) => ({ ...e, message: oneLine(e.message) }))
    io.err(`${JSON.stringify({ errors: list, omitted })}\n`)
  } else {
    const lines = errors.map((e) => `vpci: ${oneLine(e.message)}\n`)
    const more = omittedLine(omitted, 'error')
    if (more !== null) lines.push(`vpci: ${more}${listable === 0 ? '' : listable === omitted ? ' (--all lists them)' : ` (--all lists ${listable} of them)`}\n`)
    io.err(lines.join(''))
  }
  return ExitCode.badInput
}

/** True when `flag` comes before any `--` (for reporting usage errors as the caller asked, before parsing). */
const flagged = (argv: readonly string[], flag: string): boolean => {
  const end = argv.indexOf('--')
  return (end < 0 ? argv : argv.slice(0, end)).includes(flag)
}

export const run = async (argv: readonly string[], io: CliIo): Promise<ExitCode> => {
  const [name, ...rest] = argv
  const json = flagged(argv, '--json')
  if (name === undefined || name === '--help' || name === '-h') {
    io.out(mainUsage(await loadCommands()))
    return name === undefined ? ExitCode.badInput : ExitCode.ok
  }
  if (name === '--version' || name === '-V') {
    io.out(`vpci ${VERSION}\n`)
    return ExitCode.ok
  }
  if (name === 'help') {
    if (rest.length === 0) {
      io.out(mainUsage(await loadCommands()))
      return ExitCode.ok
    }
    const wanted = byName(rest[0]!)
    if (wanted === undefined || rest.length > 1) return report(io, wanted === undefined ? unknownCommand(rest[0]!) : fail('help takes one COMMAND'), json, false)
    io.out(usageOf(await loadCommand(wanted)))
    return ExitCode.ok
  }
  const found = byName(name)
  if (found === undefined) return report(io, unknownCommand(name), json, false)
  const c = await loadCommand(found)
  if (asksForHelp(rest)) {
    io.out(usageOf(c))
    return ExitCode.ok
  }
  const parsed = parseCommand(c, rest, foreignOption(c, rest) === null ? [] : await loadCommands())
  if (!parsed.ok) return report(io, fail(parsed.message), json, false)
  const outcome = await c.run(io, parsed.positionals, parsed.values)
  const values = parsed.values as Readonly<Record<string, unknown>>
  return isFailure(outcome) ? report(io, outcome, values.json === true, values.all === true) : outcome
}

/**
 * `vpci state decode STATE.pb [-o FILE]` and `vpci state encode STATE.json [-o FILE]`:
 * migration state between its protobuf wire form and the JSON mirror people read.
 */
import * as E from 'fp-ts/lib/Either.js'
import { decodeMigrationState, encodeMigrationState, MAX_STATE_BYTES, migrationStateFromJson, migrationStateToJson } from '../state/state-codec.js'
import { type CliArgs, errorLine, ExitCode, failInput } from './exit.js'
import type { CliIo } from './io.js'
import { readBounded } from './read-file.js'
import { writeOutput } from './output.js'

export const stateCommand = async (io: CliIo, args: CliArgs): Promise<ExitCode> => {
  const [action, file, ...rest] = args.positionals
  if ((action !== 'decode' && action !== 'encode') || file === undefined || rest.length > 0) return failInput(io, 'state takes decode STATE.pb or encode STATE.json; see "vpci state --help"')
  const read = await readBounded(io, file, MAX_STATE_BYTES)
  if (E.isLeft(read)) return failInput(io, `${file}: ${read.left.message}`)
  const bytes = read.right
  if (action === 'decode') {
    const state = decodeMigrationState(bytes)
    if (E.isLeft(state)) return failInput(io, errorLine(file, state.left))
    return (await writeOutput(io, args.output, `${JSON.stringify(migrationStateToJson(state.right), null, 2)}\n`)) ?? ExitCode.ok
  }
  let raw: unknown
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes))
  } catch (e) {
    return failInput(io, `${file}: not JSON: ${e instanceof Error ? e.message : String(e)}`)
  }
  const state = migrationStateFromJson(raw)
  if (E.isLeft(state)) return failInput(io, errorLine(file, state.left))
  if (args.output === undefined && io.errIsTty) return failInput(io, 'state encode writes binary: give -o FILE')
  return (await writeOutput(io, args.output, encodeMigrationState(state.right))) ?? ExitCode.ok
}

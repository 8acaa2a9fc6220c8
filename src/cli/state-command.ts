/**
 * `vpci state decode STATE.pb [-o FILE]` and `vpci state encode STATE.json [-o FILE]`:
 * migration state between its protobuf wire form and the JSON mirror people read.
 */
import * as E from 'fp-ts/lib/Either.js'
import { encodeMigrationState, MAX_STATE_BYTES, migrationStateFromJson, migrationStateToJson } from '../state/state-codec.js'
import { command } from './command.js'
import { ExitCode, fail, failFile, failPaths } from './exit.js'
import { stateFrom } from './load-state.js'
import { JSON_ERRORS, OUTPUT } from './options.js'
import { writeOutput } from './output.js'
import { readInput, textFrom, wrongKindOf } from './read-input.js'

export const stateCommand = command({
  name: 'state',
  synopsis: ['decode STATE.pb [-o FILE]', 'encode STATE.json [-o FILE]'],
  summary: 'migration state between protobuf and its JSON mirror',
  about: `
A VM's migration state (vpci.migration.v1.MigrationState, proto/ in the package) between its
protobuf form and the JSON mirror people read and edit. Both directions check everything: the
layouts (as layout files are checked), the config images, the PASID state. - reads the input
from standard input.`,
  options: {
    output: { ...OUTPUT, help: 'write to FILE instead of standard output (binary output goes to a file or a\npipe, never to a terminal)' },
    json: JSON_ERRORS,
  },
  footer: `
Exit status: 0 written, 2 bad input or usage, 3 internal error.

Examples:
  vpci state decode vm-17.pb > vm-17.json && vpci state encode vm-17.json -o vm-17.pb
  vpci state encode vm-17.json | vpci state decode -`,
  async run(io, positionals, o) {
    const [action, file, ...rest] = positionals
    if ((action !== 'decode' && action !== 'encode') || file === undefined || rest.length > 0) return fail('state takes decode STATE.pb or encode STATE.json; see "vpci state --help"')
    const input = await readInput(io, file, MAX_STATE_BYTES)
    if (E.isLeft(input)) return input.left
    if (action === 'decode') {
      const state = stateFrom(input.right)
      if (E.isLeft(state)) return state.left
      return (await writeOutput(io, o.output, `${JSON.stringify(migrationStateToJson(state.right), null, 2)}\n`)) ?? ExitCode.ok
    }
    const text = textFrom(input.right, ['state-json'], MAX_STATE_BYTES)
    if (E.isLeft(text)) return text.left
    let raw: unknown
    try {
      raw = JSON.parse(text.right)
    } catch (e) {
      return wrongKindOf(input.right, ['state-json']) ?? failFile(file, `not JSON: ${e instanceof Error ? e.message : String(e)}`)
    }
    const state = migrationStateFromJson(raw)
    if (E.isLeft(state)) return wrongKindOf(input.right, ['state-json']) ?? failPaths(file, state.left)
    return (await writeOutput(io, o.output, encodeMigrationState(state.right))) ?? ExitCode.ok
  },
})

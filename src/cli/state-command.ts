/**
 * `vpci state decode STATE.pb [-o FILE]` and `vpci state encode STATE.json [-o FILE]`:
 * migration state between its protobuf wire form and its JSON form (ProtoJSON, the canonical
 * protobuf JSON mapping; the old mirror is still read, with a warning); `vpci state create` makes
 * one from layouts and images (state-create-command.ts).
 */
import * as E from 'fp-ts/lib/Either.js'
import { encodeMigrationState, MAX_STATE_BYTES } from '../state/state-codec.js'
import { isLegacyStateJson, LEGACY_STATE_JSON_UNTIL, migrationStateFromJson, migrationStateToJson } from '../state/state-json.js'
import { oneLine } from '../decode/one-line.js'
import { command } from './command.js'
import { ExitCode, fail, failFile, failPaths } from './exit.js'
import { stateFrom } from './load-state.js'
import { JSON_ERRORS, OUTPUT } from './options.js'
import { writeOutput } from './output.js'
import { readInput, textFrom, wrongKindOf } from './read-input.js'
import { CREATE_OPTIONS, stateCreate } from './state-create-command.js'

export const stateCommand = command({
  name: 'state',
  synopsis: ['decode STATE.pb [-o FILE]', 'encode STATE.json [-o FILE]', 'create --vm NAME --function GUEST=LAYOUT.yaml[@IMAGE]... [--pasid PASID.json] -o STATE.pb'],
  summary: 'migration state between protobuf and its JSON form (ProtoJSON); create one from\nlayouts and images, checked',
  about: `
A VM's migration state (vpci.migration.v1.MigrationState, proto/ in the package) between its
protobuf form and its JSON form: the canonical protobuf JSON mapping (ProtoJSON: lowerCamelCase
names, enums by name, bytes in base64, 64-bit integers as strings, default values left out), as
Python's json_format and Go's protojson read and write it. Both directions check everything:
the layouts (as layout files are checked), the config images, the PASID state; encode refuses
an unknown field at its path. The old JSON mirror (apiVersion/kind, images in hex) is still
read by encode, with a warning, until ${LEGACY_STATE_JSON_UNTIL}. - reads the input from standard input.

create writes a VM's state from each assigned function's layout and the config image its guest
sees (taken inside the guest or from the VMM; without one, the layout at reset), its digests
computed and its PASID state attached. Before writing, the state is decoded back and checked
against itself as every host checks it: an image whose read-only bits are not its layout's (a
host's physical image under a layout that hides a capability), a PASID state claiming a
capability the layout does not show, a repeated guest address are refused, every reason listed.
Then "vpci check STATE.pb HOST.yaml" and "vpci filter" judge it.`,
  options: {
    ...CREATE_OPTIONS,
    output: { ...OUTPUT, help: 'write to FILE instead of standard output (binary output goes to a file or a\npipe, never to a terminal)' },
    json: JSON_ERRORS,
  },
  footer: `
Exit status: 0 written, 2 bad input or usage, 3 internal error.

Examples:
  vpci state decode vm-17.pb > vm-17.json && vpci state encode vm-17.json -o vm-17.pb
  vpci state encode vm-17.json | vpci state decode -
  vpci state create --vm vm-1 --function 00:05.0=n2.yaml@/sys/bus/pci/devices/0000:00:05.0 -o vm-1.pb`,
  async run(io, positionals, o) {
    const [action, file, ...rest] = positionals
    if (action === 'create') return stateCreate(io, positionals.slice(1), o)
    const given = (['vm', 'function', 'pasid'] as const).find((k) => o[k] !== undefined)
    if (given !== undefined) return fail(`state: --${given} is an option of state create, not of state ${action ?? ''}; see "vpci state --help"`)
    if ((action !== 'decode' && action !== 'encode') || file === undefined || rest.length > 0) return fail('state takes decode STATE.pb, encode STATE.json or create; see "vpci state --help"')
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
    if (isLegacyStateJson(raw)) io.err(`vpci: warning: ${oneLine(file)} is in the old JSON mirror of a migration state (apiVersion/kind, images in hex), deprecated for ProtoJSON (what "vpci state decode" writes); it will not be read after ${LEGACY_STATE_JSON_UNTIL}\n`)
    const state = migrationStateFromJson(raw)
    if (E.isLeft(state)) return wrongKindOf(input.right, ['state-json']) ?? failPaths(file, state.left)
    return (await writeOutput(io, o.output, encodeMigrationState(state.right))) ?? ExitCode.ok
  },
})

/**
 * `vpci state create --vm NAME --function GUEST=LAYOUT.yaml[@IMAGE] ... [--pasid PASID.json] -o
 * STATE.pb`: a VM's migration state from its layouts and the config images its guest sees (an
 * lspci dump, a binary config or a sysfs folder; without one, the layout at reset), checked as
 * every reader checks it, and refused (exit 2, every reason) when it contradicts itself.
 */
import * as E from 'fp-ts/lib/Either.js'
import { decodePasidState } from '../pasid/pasid-files.js'
import type { PasidState } from '../pasid/pasid-state.js'
import { createMigrationState, renderCreateStateError, type StateFunctionInput } from '../state/create-state.js'
import { MAX_STATE_BYTES } from '../state/state-codec.js'
import type { OptionSpec } from './command.js'
import { ExitCode, fail, failPaths, failWith, type Outcome } from './exit.js'
import type { CliIo } from './io.js'
import { loadFunction } from './load-function.js'
import { loadLayout } from './load-layout.js'
import { writeOutput } from './output.js'
import { readInput, textFrom } from './read-input.js'

/** The options only `state create` takes. */
export const CREATE_OPTIONS = {
  vm: { type: 'string', value: 'NAME', help: "create: the VM's name" },
  function: {
    type: 'string',
    multiple: true,
    value: 'GUEST=LAYOUT[@IMAGE]',
    help: 'create: an assigned function (once per function): its guest address, its layout\nfile, and after the last @ the config image its guest sees (lspci dump, binary\nconfig or sysfs folder; without it, the layout at reset)',
  },
  pasid: { type: 'string', value: 'FILE', help: "create: the VM's guest PASID state (JSON, kind: PasidState; functions by guest\naddress)" },
} as const satisfies Readonly<Record<string, OptionSpec>>

/** `00:05.0` or `0000:00:05.0`. */
const GUEST_ADDRESS = /^([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-1][0-9a-fA-F]\.[0-7]$/

export interface CreateOptions {
  readonly vm: string | undefined
  readonly function: readonly string[] | undefined
  readonly pasid: string | undefined
  readonly output: string | undefined
}

export const stateCreate = async (io: CliIo, positionals: readonly string[], o: CreateOptions): Promise<Outcome> => {
  const specs = o.function ?? []
  if (positionals.length > 0) return fail(`state create takes no positional arguments (got "${positionals[0]}"); see "vpci state --help"`)
  if (o.vm === undefined || o.vm === '') return fail("state create: give the VM's name with --vm")
  if (specs.length === 0) return fail('state create: give each assigned function with --function GUEST=LAYOUT.yaml[@IMAGE]')
  const functions: StateFunctionInput[] = []
  for (const spec of specs) {
    const eq = spec.indexOf('=')
    const guest = eq < 0 ? '' : spec.slice(0, eq)
    if (!GUEST_ADDRESS.test(guest)) return fail(`state create: --function takes GUEST=LAYOUT[@IMAGE] with a guest address like 00:05.0, not "${spec}"`)
    const rest = spec.slice(eq + 1)
    const at = rest.lastIndexOf('@')
    const [layoutPath, imagePath] = at < 0 ? [rest, ''] : [rest.slice(0, at), rest.slice(at + 1)]
    const layout = await loadLayout(io, layoutPath)
    if (E.isLeft(layout)) return layout.left
    let image
    if (imagePath !== '') {
      const dump = await loadFunction(io, imagePath, undefined)
      if (E.isLeft(dump)) return dump.left
      image = dump.right.config
    }
    functions.push({ guestAddress: guest, layout: layout.right, ...(image === undefined ? {} : { image }) })
  }
  let pasid: PasidState | null = null
  if (o.pasid !== undefined) {
    const input = await readInput(io, o.pasid, MAX_STATE_BYTES)
    if (E.isLeft(input)) return input.left
    const text = textFrom(input.right, ['pasid-json'], MAX_STATE_BYTES)
    if (E.isLeft(text)) return text.left
    const decoded = decodePasidState(text.right)
    if (E.isLeft(decoded)) return failPaths(o.pasid, decoded.left)
    pasid = decoded.right
  }
  const created = createMigrationState({ vmName: o.vm, functions, pasid })
  if (E.isLeft(created)) {
    return failWith(created.left, (e) => ({ message: `state create: ${renderCreateStateError(e)}`, file: null, line: null, offset: null, path: null, code: e.code }))
  }
  const failed = await writeOutput(io, o.output, created.right.bytes)
  if (failed !== null) return failed
  if (o.output !== undefined && o.output !== '-') io.err(`vpci: ${o.output}: ${o.vm}, ${functions.length} function${functions.length === 1 ? '' : 's'}${pasid === null ? '' : `, PASIDs (${pasid.mode})`}, checked\n`)
  return ExitCode.ok
}

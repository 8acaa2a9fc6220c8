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
import { renderPath } from '../layout/layout-error.js'
import { ExitCode, failInput } from './exit.js'
import type { CliIo } from './io.js'
import { loadFunction } from './load-function.js'
import { loadLayout } from './load-layout.js'
import { writeOutput } from './output.js'
import { optionsHelp, type OwnOptions, parseOwn } from './own-options.js'
import { readBounded } from './read-file.js'

const OPTIONS: OwnOptions = {
  vm: { type: 'string', value: 'NAME', help: "the VM's name" },
  function: {
    type: 'string',
    multiple: true,
    value: 'GUEST=LAYOUT[@IMAGE]',
    help: 'an assigned function (once per function): its guest address, its layout file, and\nthe config image its guest sees (after the last @: lspci dump, binary config or\nsysfs folder; without it, the layout at reset)',
  },
  pasid: { type: 'string', value: 'FILE', help: "the VM's guest PASID state (JSON, kind: PasidState; functions by guest address)" },
  output: { type: 'string', short: 'o', value: 'FILE', help: 'write the state (protobuf) to FILE; needed when standard output is a terminal' },
}

export const STATE_CREATE_USAGE = `Usage:
  vpci state create --vm NAME --function GUEST=LAYOUT.yaml[@IMAGE] ... [--pasid PASID.json] -o STATE.pb

Write a VM's migration state (vpci.migration.v1.MigrationState): for each assigned function its
guest address, layout, persona (the layout's), config image and the digest of its layout; and
the guest PASID state. Before writing, the state is decoded back and checked against itself as
every host checks it: an image whose read-only bits are not its layout's, a PASID state claiming
a capability the layout does not show, a repeated guest address is refused with every reason.
Then "vpci check STATE.pb HOST.yaml" and "vpci filter STATE.pb HOST.yaml..." judge it.

Options:
${optionsHelp(OPTIONS)}

Exit status: 0 written, 2 bad input or a state that contradicts itself.

Example:
  vpci state create --vm vm-1 --function 00:05.0=n2.yaml@/sys/bus/pci/devices/0000:00:05.0 -o vm-1.pb
`

/** `00:05.0` or `0000:00:05.0`. */
const GUEST_ADDRESS = /^([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-1][0-9a-fA-F]\.[0-7]$/

export const stateCreateCommand = async (io: CliIo, argv: readonly string[]): Promise<ExitCode> => {
  const parsed = parseOwn(argv, OPTIONS)
  if (!parsed.ok) return failInput(io, `state create: ${parsed.message}; see "vpci state create --help"`)
  if (parsed.help) {
    io.out(STATE_CREATE_USAGE)
    return ExitCode.ok
  }
  const vm = parsed.values.vm as string | undefined
  const specs = (parsed.values.function as readonly string[] | undefined) ?? []
  const output = parsed.values.output as string | undefined
  if (parsed.positionals.length > 0) return failInput(io, `state create takes no positional arguments (got "${parsed.positionals[0]}"); see "vpci state create --help"`)
  if (vm === undefined || vm === '') return failInput(io, 'state create: give the VM\'s name with --vm')
  if (specs.length === 0) return failInput(io, 'state create: give each assigned function with --function GUEST=LAYOUT.yaml[@IMAGE]')
  if (output === undefined && io.errIsTty) return failInput(io, 'state create writes binary: give -o FILE')
  const functions: StateFunctionInput[] = []
  for (const spec of specs) {
    const eq = spec.indexOf('=')
    const guest = eq < 0 ? '' : spec.slice(0, eq)
    if (!GUEST_ADDRESS.test(guest)) return failInput(io, `state create: --function takes GUEST=LAYOUT[@IMAGE] with a guest address like 00:05.0, not "${spec}"`)
    const rest = spec.slice(eq + 1)
    const at = rest.lastIndexOf('@')
    const whole = (await io.stat(rest)) !== null
    const [layoutPath, imagePath] = at < 0 || whole ? [rest, undefined] : [rest.slice(0, at), rest.slice(at + 1)]
    const layout = await loadLayout(io, layoutPath)
    if (E.isLeft(layout)) return failInput(io, layout.left)
    let image
    if (imagePath !== undefined) {
      const dump = await loadFunction(io, imagePath, undefined)
      if (E.isLeft(dump)) return failInput(io, dump.left)
      image = dump.right.config
    }
    functions.push({ guestAddress: guest, layout: layout.right, ...(image === undefined ? {} : { image }) })
  }
  let pasid: PasidState | null = null
  const pasidFile = parsed.values.pasid as string | undefined
  if (pasidFile !== undefined) {
    const read = await readBounded(io, pasidFile, MAX_STATE_BYTES)
    if (E.isLeft(read)) return failInput(io, `${pasidFile}: ${read.left.message}`)
    const decoded = decodePasidState(new TextDecoder().decode(read.right))
    if (E.isLeft(decoded)) return failInput(io, `${pasidFile}: ${renderPath(decoded.left[0]!.path)}: ${decoded.left[0]!.message}`)
    pasid = decoded.right
  }
  const created = createMigrationState({ vmName: vm, functions, pasid })
  if (E.isLeft(created)) {
    io.err(created.left.map((e) => `vpci: state create: ${renderCreateStateError(e)}\n`).join(''))
    return ExitCode.badInput
  }
  const failed = await writeOutput(io, output, created.right.bytes)
  if (failed !== null) return failed
  if (output !== undefined) io.err(`vpci: ${output}: ${vm}, ${functions.length} function${functions.length === 1 ? '' : 's'}${pasid === null ? '' : `, PASIDs (${pasid.mode})`}, checked\n`)
  return ExitCode.ok
}

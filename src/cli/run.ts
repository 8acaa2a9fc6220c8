/**
 * Parses the command line and runs one command. Returns the exit code; never throws for user
 * errors (an exception escaping here is a bug, reported by main as an internal error).
 */
import { parseArgs } from 'node:util'
import { capsCommand } from './caps-command.js'
import { buildCommand } from './build-command.js'
import { checkCommand } from './check-command.js'
import { deriveCommand } from './derive-command.js'
import { remapCommand } from './remap-command.js'
import { stateCommand } from './state-command.js'
import { filterCommand } from './filter-command.js'
import { hostCommand } from './host-command.js'
import { type CliArgs, ExitCode, failInput } from './exit.js'
import type { CliIo } from './io.js'
import { BUILD_USAGE, CAPS_USAGE, CHECK_USAGE, DERIVE_USAGE, FILTER_USAGE, HOST_USAGE, MAIN_USAGE, REMAP_USAGE, STATE_USAGE } from './usage.js'

/** Each command and its usage text (printed for --help, before anything else is checked). */
const COMMANDS: Readonly<Record<string, { readonly run: (io: CliIo, args: CliArgs) => Promise<ExitCode>; readonly usage: string }>> = {
  caps: { run: capsCommand, usage: CAPS_USAGE },
  check: { run: checkCommand, usage: CHECK_USAGE },
  derive: { run: deriveCommand, usage: DERIVE_USAGE },
  build: { run: buildCommand, usage: BUILD_USAGE },
  remap: { run: remapCommand, usage: REMAP_USAGE },
  state: { run: stateCommand, usage: STATE_USAGE },
  filter: { run: filterCommand, usage: FILTER_USAGE },
  host: { run: hostCommand, usage: HOST_USAGE },
}

export const run = async (argv: readonly string[], io: CliIo): Promise<ExitCode> => {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(MAIN_USAGE)
    return command === undefined ? ExitCode.badInput : ExitCode.ok
  }
  const handler = COMMANDS[command]
  if (handler === undefined) return failInput(io, `unknown command "${command}"; commands: ${Object.keys(COMMANDS).join(', ')}`)
  let parsed
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        device: { type: 'string' },
        certificate: { type: 'string' },
        verify: { type: 'string' },
        instance: { type: 'string' },
        policy: { type: 'string' },
        pasid: { type: 'string' },
        output: { type: 'string', short: 'o' },
        format: { type: 'string' },
        pf: { type: 'string' },
        personas: { type: 'string' },
        usable: { type: 'string' },
        host: { type: 'string' },
        assign: { type: 'string' },
        'assume-implemented': { type: 'boolean', default: false },
      },
    })
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0]! : String(e)
    return failInput(io, `${command}: ${message}; see "vpci ${command} --help"`)
  }
  if (parsed.values.help === true) {
    io.out(handler.usage)
    return ExitCode.ok
  }
  return handler.run(io, {
    positionals: parsed.positionals,
    json: parsed.values.json === true,
    device: parsed.values.device,
    certificate: parsed.values.certificate,
    verify: parsed.values.verify,
    instance: parsed.values.instance,
    policy: parsed.values.policy,
    pasid: parsed.values.pasid,
    output: parsed.values.output,
    format: parsed.values.format,
    pf: parsed.values.pf,
    personas: parsed.values.personas,
    usable: parsed.values.usable,
    host: parsed.values.host,
    assign: parsed.values.assign,
    assumeImplemented: parsed.values['assume-implemented'] === true,
  })
}

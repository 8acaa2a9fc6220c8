/**
 * `vpci build LAYOUT [--format lspci|binary] [-o FILE]`: the virtual config space a layout
 * describes, as the VMM presents it.
 */
import * as E from 'fp-ts/lib/Either.js'
import { formatLspci } from '../dump/lspci-format.js'
import { build } from '../layout/build.js'
import { type CliArgs, ExitCode, failInput } from './exit.js'
import type { CliIo } from './io.js'
import { loadLayout } from './load-layout.js'
import { writeOutput } from './output.js'

export const buildCommand = async (io: CliIo, args: CliArgs): Promise<ExitCode> => {
  if (args.positionals.length !== 1) return failInput(io, 'build takes exactly one LAYOUT file; see "vpci build --help"')
  const format = args.format ?? 'lspci'
  if (format !== 'lspci' && format !== 'binary') return failInput(io, `build: --format takes lspci or binary, not "${format}"`)
  if (format === 'binary' && args.output === undefined && io.errIsTty) return failInput(io, 'build: binary output needs -o FILE')
  const path = args.positionals[0]!
  const layout = await loadLayout(io, path)
  if (E.isLeft(layout)) return failInput(io, layout.left)
  const built = build(layout.right)
  if (E.isLeft(built)) return failInput(io, built.left.map((e) => ({ ...e, file: path })))
  const config = built.right.config
  const data = format === 'binary' ? Uint8Array.from(config.bytes) : formatLspci(config, `00:00.0 ${layout.right.name}`)
  return (await writeOutput(io, args.output, data)) ?? ExitCode.ok
}

/**
 * `vpci build LAYOUT [--format lspci|binary] [-o FILE]`: the virtual config space a layout
 * describes, as the VMM presents it.
 */
import * as E from 'fp-ts/lib/Either.js'
import { formatLspci } from '../dump/lspci-format.js'
import { build } from '../layout/build.js'
import { command } from './command.js'
import { ExitCode, fail, failLayout } from './exit.js'
import { loadLayout } from './load-layout.js'
import { JSON_ERRORS, OUTPUT } from './options.js'
import { writeOutput } from './output.js'

export const buildCommand = command({
  name: 'build',
  synopsis: ['LAYOUT [--format lspci|binary] [-o FILE]'],
  summary: 'the virtual config space a layout file describes',
  about: `
Write the virtual config space LAYOUT describes, as the VMM presents it to the guest: lspci
hex text (default; readable by vpci and lspci -F) or the raw 256/4096 bytes. LAYOUT - reads
the layout from standard input.`,
  options: {
    format: { type: 'string', value: 'F', help: 'lspci (default) or binary (to a file or a pipe, never to a terminal)' },
    output: OUTPUT,
    json: JSON_ERRORS,
  },
  footer: `
Exit status: 0 written, 2 bad input or usage, 3 internal error.

Examples:
  vpci build instance-type-a.yaml -o instance-type-a.lspci && vpci caps instance-type-a.lspci
  vpci build instance-type-a.yaml --format binary | vpci caps -`,
  async run(io, positionals, o) {
    if (positionals.length !== 1) return fail('build takes exactly one LAYOUT file; see "vpci build --help"')
    const format = o.format ?? 'lspci'
    if (format !== 'lspci' && format !== 'binary') return fail(`build: --format takes lspci or binary, not "${format}"`)
    const path = positionals[0]!
    const layout = await loadLayout(io, path)
    if (E.isLeft(layout)) return layout.left
    const built = build(layout.right)
    if (E.isLeft(built)) return failLayout(built.left.map((e) => ({ ...e, file: path })))
    const config = built.right.config
    const data = format === 'binary' ? Uint8Array.from(config.bytes) : formatLspci(config, `00:00.0 ${layout.right.name}`)
    return (await writeOutput(io, o.output, data)) ?? ExitCode.ok
  },
})

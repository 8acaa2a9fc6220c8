/**
 * `vpci report`: the answer to one of vpci's three questions as one self-contained HTML page —
 * two functions (as `check SOURCE DESTINATION`), a layout on a physical function (as `check
 * LAYOUT PHYSICAL`), or a matrix (as `matrix`). The library draws the page (src/report/); this
 * reads the inputs and writes the file.
 */
import * as E from 'fp-ts/lib/Either.js'
import { resolve } from 'node:path'
import { compatibilityMatrix } from '../fleet/compatibility-matrix.js'
import { build } from '../layout/build.js'
import { realize } from '../layout/realize.js'
import { isVmmPolicyName, VMM_POLICY_NAMES } from '../layout/vmm-policy.js'
import { proveEquivalence } from '../proof/prove-equivalence.js'
import { REASON_LIMIT } from '../proof/reason-limit.js'
import { matrixReportHtml, pairReportHtml } from '../report/report-html.js'
import { equivalenceReport, realizationReport } from '../report/report-model.js'
import { prepareFunction, type PreparedFunction } from '../semantic/prepared-function.js'
import { MAX_LAYOUT_BYTES } from '../layout/layout-yaml.js'
import { command } from './command.js'
import { both, ExitCode, fail, failLayout, type Outcome } from './exit.js'
import type { CliIo } from './io.js'
import { functionFrom } from './load-function.js'
import { layoutFrom } from './load-layout.js'
import { loadRealizeOptions } from './load-realize-options.js'
import { loadMatrixInputs, MATRIX_INPUT_OPTIONS } from './matrix-command.js'
import { ALL, JSON_ERRORS, OUTPUT } from './options.js'
import { writeOutput } from './output.js'
import { kindOf, readInput } from './read-input.js'
import { MAX_DUMP_BYTES } from '../dump/read-dump.js'

/** Writes the page and, when it went to a file, says where on standard output. */
const written = async (io: CliIo, output: string | undefined, html: string): Promise<Outcome> => {
  const failed = await writeOutput(io, output, html)
  if (failed !== null) return failed
  if (output !== undefined && output !== '-') io.out(`report written to ${resolve(output)}\n`)
  return ExitCode.ok
}

export const reportCommand = command({
  name: 'report',
  synopsis: [
    'SOURCE DESTINATION [-o report.html] [--device BDF] [--instance warn|refuse] [--vmm NAME]',
    'LAYOUT PHYSICAL [-o report.html] [--pf PF] [--personas FILE]',
    '--layouts L1,L2,... --functions F1,F2,... [-o report.html] [--root DIR] [--personas FILE]',
  ],
  summary: 'one self-contained HTML page answering check A B, check LAYOUT PHYSICAL or matrix',
  about: `
Write the answer to one of vpci's questions as one HTML file that loads nothing (style and
script inline): whether two functions present the same config space (as vpci check SOURCE
DESTINATION), whether a physical function can back a layout (as vpci check LAYOUT PHYSICAL),
or which function can back which layout (as vpci matrix).

For a pair, the page draws both config spaces as maps, the header and every capability a block
on the grid, moved capabilities joined, differing bytes marked (underlined and bold, not only
coloured), each byte's field and both values on hover or focus; the reasons listed, each
linked to its bytes; the digests (and the certificate's obligations and assumptions). For a
matrix, a grid of functions × layouts, each cell its verdict in words and its first reason.
It prints as it shows.`,
  options: {
    output: { ...OUTPUT, help: 'write the page to FILE (its path is printed) instead of standard output' },
    ...MATRIX_INPUT_OPTIONS,
    pf: { type: 'string', value: 'PF', help: 'the PF of a VF (layout reports only)' },
    instance: { type: 'string', value: 'MODE', help: 'as in vpci check: differing serial numbers warn (default) or refuse' },
    vmm: { type: 'string', value: 'NAME', help: `as in vpci check: the VMM whose load check leaves bytes uncompared (${VMM_POLICY_NAMES.join(', ')})` },
    all: { ...ALL, help: 'list every reason (and every function of a matrix); default: the first 100' },
    json: JSON_ERRORS,
  },
  footer: `
Exit status: 0 written (whatever the verdict), 2 bad input or usage, 3 internal error.

Examples:
  vpci report corpus/layouts/nic-v1.yaml corpus/families/nic/v2.lspci -o nic-v1-on-v2.html
  vpci report host-a/0000:3b:00.0 host-b/0000:5e:00.0 -o pair.html
  vpci report --layouts a.yaml,b.yaml --functions hosts/h1.yaml,hosts/h2.yaml --root hosts -o fleet.html`,
  async run(io, positionals, o) {
    const limit = o.all ? null : REASON_LIMIT
    if (o.layouts !== undefined || o.functions !== undefined) {
      if (positionals.length > 0) return fail('report: give two files or --layouts and --functions, not both')
      const inputs = await loadMatrixInputs(io, o, 'report')
      if (E.isLeft(inputs)) return inputs.left
      const { layouts, functions, personas } = inputs.right
      return written(io, o.output, matrixReportHtml(compatibilityMatrix(layouts, functions, personas === undefined ? {} : { personas }), o.all ? null : 10 * REASON_LIMIT))
    }
    if (positionals.length !== 2) return fail('report takes SOURCE DESTINATION, LAYOUT PHYSICAL, or --layouts and --functions; see "vpci report --help"')
    if (o.root !== undefined) return fail('report: --root goes with --functions (host files)')
    const [a, b] = positionals as [string, string]
    const inputs = both(await readInput(io, a, Math.max(MAX_DUMP_BYTES, MAX_LAYOUT_BYTES)), await readInput(io, b, MAX_DUMP_BYTES))
    if (E.isLeft(inputs)) return inputs.left
    const [first, second] = inputs.right
    if (kindOf(first) === 'layout-yaml') {
      if (o.instance !== undefined || o.vmm !== undefined) return fail('report: --instance and --vmm go with two functions')
      const loaded = both(layoutFrom(first), await functionFrom(io, second, o.device))
      if (E.isLeft(loaded)) return loaded.left
      const [layout, dump] = loaded.right
      const options = await loadRealizeOptions(io, o)
      if (E.isLeft(options)) return options.left
      const physical = prepareFunction(dump)
      const r = realize(layout, physical, options.right)
      const built = build(layout)
      if (E.isLeft(r)) return failLayout(r.left.map((e) => ({ ...e, file: a })))
      if (E.isLeft(built)) return failLayout(built.left.map((e) => ({ ...e, file: a })))
      return written(io, o.output, pairReportHtml(realizationReport({ ...layout, name: a }, prepareFunction(built.right), physical, r.right, limit)))
    }
    if (o.pf !== undefined || o.personas !== undefined) return fail('report: --pf and --personas go with a layout file as the first argument')
    if (o.instance !== undefined && o.instance !== 'warn' && o.instance !== 'refuse') return fail(`report: --instance takes warn or refuse, not "${o.instance}"`)
    if (o.vmm !== undefined && !isVmmPolicyName(o.vmm)) return fail(`report: --vmm takes ${VMM_POLICY_NAMES.join(' or ')}, not "${o.vmm}"`)
    const loaded = both(await functionFrom(io, first, o.device), await functionFrom(io, second, o.device))
    if (E.isLeft(loaded)) return loaded.left
    const [source, destination] = loaded.right.map(prepareFunction) as [PreparedFunction, PreparedFunction]
    const named = (f: PreparedFunction, path: string): PreparedFunction => ({ ...f, name: f.name === path ? path : `${path} (${f.name})` })
    const options = { instance: o.instance === 'refuse' ? ('refuse' as const) : ('warn' as const), ...(o.vmm !== undefined && isVmmPolicyName(o.vmm) ? { vmm: o.vmm } : {}) }
    const verdict = proveEquivalence(source, destination, options)
    return written(io, o.output, pairReportHtml(equivalenceReport(named(source, a), named(destination, b), verdict, limit)))
  },
})

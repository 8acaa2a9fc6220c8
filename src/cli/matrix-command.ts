/**
 * `vpci matrix --layouts L1,L2,... --functions F1,F2,... [--json|--csv]`: which function can
 * back which layout (compatibilityMatrix), each cell the verdict and its first reason.
 */
import * as E from 'fp-ts/lib/Either.js'
import { compatibilityMatrix, type MatrixFunction, type MatrixLayout } from '../fleet/compatibility-matrix.js'
import type { PersonaMatrix } from '../layout/persona.js'
import { command } from './command.js'
import { ExitCode, type Failure, fail, failAll } from './exit.js'
import type { CliIo } from './io.js'
import { loadFleet } from './load-fleet.js'
import { loadLayout } from './load-layout.js'
import { loadPersonas } from './load-personas.js'
import { ALL, DEVICE, ROOT } from './options.js'
import { matrixCsv, matrixJson, matrixText } from './render-matrix.js'

/** `a,b,c` as paths (empty parts dropped). */
export const pathList = (text: string): string[] => text.split(',').map((p) => p.trim()).filter((p) => p !== '')

/** The layouts `paths` name, each named by its path; or every error. */
export const loadLayouts = async (io: CliIo, paths: readonly string[]): Promise<E.Either<Failure, MatrixLayout[]>> => {
  const loaded = await Promise.all(paths.map(async (path) => ({ path, layout: await loadLayout(io, path) })))
  const failures = loaded.flatMap((l) => (E.isLeft(l.layout) ? [l.layout.left] : []))
  return failures.length > 0 ? E.left(failAll(failures)) : E.right(loaded.map((l) => ({ name: l.path, layout: (l.layout as E.Right<MatrixLayout['layout']>).right })))
}

/** The layouts and functions of a matrix, and the persona matrix when given. */
export const loadMatrixInputs = async (
  io: CliIo,
  o: { readonly layouts: string | undefined; readonly functions: string | undefined; readonly root: string | undefined; readonly device: string | undefined; readonly personas: string | undefined },
  who: string,
): Promise<E.Either<Failure, { layouts: MatrixLayout[]; functions: MatrixFunction[]; personas: PersonaMatrix | undefined }>> => {
  if (o.layouts === undefined || o.functions === undefined) return E.left(fail(`${who} takes --layouts L1,L2,... and --functions F1,F2,...; see "vpci ${who} --help"`))
  const [layoutPaths, functionPaths] = [pathList(o.layouts), pathList(o.functions)]
  if (layoutPaths.length === 0 || functionPaths.length === 0) return E.left(fail(`${who}: --layouts and --functions each name at least one file`))
  const layouts = await loadLayouts(io, layoutPaths)
  const functions = await loadFleet(io, functionPaths, { ...(o.root === undefined ? {} : { root: o.root }), ...(o.device === undefined ? {} : { device: o.device }) })
  const personas = o.personas === undefined ? E.right(undefined) : await loadPersonas(io, o.personas)
  const failures = [layouts, functions, personas].flatMap((x) => (E.isLeft(x) ? [x.left] : []))
  if (failures.length > 0) return E.left(failAll(failures))
  return E.right({ layouts: (layouts as E.Right<MatrixLayout[]>).right, functions: (functions as E.Right<MatrixFunction[]>).right, personas: (personas as E.Right<PersonaMatrix | undefined>).right })
}

export const MATRIX_INPUT_OPTIONS = {
  layouts: { type: 'string', value: 'L1,L2,...', help: 'layout files (vpci/v1 FunctionLayout), comma-separated' },
  functions: { type: 'string', value: 'F1,F2,...', help: 'physical functions, comma-separated: lspci dumps, binary config files, sysfs\nfolders, or hosts (host files or Host messages: every function of the host)' },
  personas: { type: 'string', value: 'FILE', help: 'a persona matrix (kind: PersonaMatrix): layouts that name a persona are\nchecked against each function\'s' },
  root: ROOT,
  device: DEVICE,
} as const

export const matrixCommand = command({
  name: 'matrix',
  synopsis: ['--layouts L1,L2,... --functions F1,F2,... [--json | --csv] [--all] [--root DIR]'],
  summary: 'which function can back which layout, each cell its verdict and first reason',
  about: `
For every layout and every physical function, whether the function can back the layout (as
vpci check LAYOUT PHYSICAL decides it), with the first reason when it cannot. Functions are
dumps, sysfs folders or hosts (host files or Host messages: every function of each host, named
host/address); device
models are judged once however many functions share them.`,
  options: {
    ...MATRIX_INPUT_OPTIONS,
    json: { type: 'boolean', help: 'print {"layouts","functions","classesJudged","cells":[{"layout","function",\n"compatible","errors","warnings","reason"}]}' },
    csv: { type: 'boolean', help: 'print one CSV row per cell: layout,function,compatible,errors,warnings,code,\noffset,reason' },
    all: ALL,
  },
  footer: `
Exit status: 0 judged (whatever the cells say), 2 bad input or usage, 3 internal error.

Examples:
  vpci matrix --layouts instance-a.yaml,instance-b.yaml --functions hosts/*.yaml --csv
  vpci matrix --layouts corpus/layouts/nic-v1.yaml,corpus/layouts/nic-v2.yaml \\
              --functions corpus/families/nic/v1.lspci,corpus/families/nic/v2.lspci`,
  async run(io, positionals, o) {
    if (positionals.length > 0) return fail('matrix takes its files with --layouts and --functions; see "vpci matrix --help"')
    if (o.json && o.csv) return fail('matrix: give --json or --csv, not both')
    const inputs = await loadMatrixInputs(io, o, 'matrix')
    if (E.isLeft(inputs)) return inputs.left
    const { layouts, functions, personas } = inputs.right
    const m = compatibilityMatrix(layouts, functions, personas === undefined ? {} : { personas })
    io.out(o.json ? `${JSON.stringify(matrixJson(m))}\n` : o.csv ? matrixCsv(m) : matrixText(m, o.all ? null : 100))
    return ExitCode.ok
  },
})

/**
 * Which function can back which layout: `realize` for every (layout, function) pair, each cell
 * the verdict and its first reason. Functions of one device model are judged once: a function
 * is looked up by its device class (the digest of what decides realizability: semantic image
 * and BAR sizes, the BARs its registers show, its PF's digest, its persona), as `filterHosts`
 * does, and a class is realized against each layout once however many functions share it. The
 * class is judged under placeholder names and each cell's reasons are written with its own
 * function's name, so a cell reads exactly as `realize` on that function would.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { FunctionLayout, Persona } from '../layout/function-layout.js'
import type { PersonaMatrix } from '../layout/persona.js'
import { physicalBars } from '../layout/physical-bars.js'
import { type OffsetMapping, realize } from '../layout/realize.js'
import { renderLayoutError } from '../layout/layout-error.js'
import { type Reason, type ReasonValue, wholeReason } from '../proof/reason.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'

export interface MatrixLayout {
  readonly name: string
  readonly layout: FunctionLayout
}

export interface MatrixFunction {
  /** How the matrix names it: a device address, a host and address, a file. */
  readonly name: string
  readonly function: PreparedFunction
  /** For a VF, its PF. */
  readonly pf?: PreparedFunction
  /** Its persona when known (a host file names it). */
  readonly persona?: Persona | null
}

export interface MatrixCell {
  readonly compatible: boolean
  /** The first error when refused, else the first warning; null when there is none. */
  readonly reason: Reason | null
  readonly errors: number
  readonly warnings: number
  /** The virtual → physical map when compatible. */
  readonly offsetMap: readonly OffsetMapping[] | null
}

export interface CompatibilityMatrix {
  readonly layouts: readonly string[]
  readonly functions: readonly string[]
  /** `cells[l][f]`: can function f back layout l? */
  readonly cells: ReadonlyArray<readonly MatrixCell[]>
  /** Device classes realized (each against every layout once). */
  readonly classesJudged: number
}

export interface MatrixOptions {
  /** The fleet's persona matrix, for layouts that name a persona. */
  readonly personas?: PersonaMatrix
}

/** Names no device or file has: a class is judged under these, then each cell gets its function's. */
const FUNCTION_NAME = '\u0000function\u0000'
const PF_NAME = '\u0000pf\u0000'

const personaKey = (p: Persona | null | undefined): string => (p === null || p === undefined ? '-' : JSON.stringify([p.family, p.hardwareVersion, p.firmware, p.migrationStreams]))

/**
 * What decides `realize` for a function: its digest (semantic image, BAR sizes), the BARs its
 * registers show (an unsized dump's BAR reads 0 or not: address bits the digest leaves out),
 * its PF's, its persona.
 */
const classKey = (f: MatrixFunction): string =>
  [f.function.digest, JSON.stringify(physicalBars(f.function, f.pf), (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)), f.pf?.digest ?? '-', personaKey(f.persona)].join('|')

const named = (text: string, fn: string, pf: string): string => text.split(FUNCTION_NAME).join(fn).split(PF_NAME).join(pf)

const namedValue = (v: ReasonValue, fn: string, pf: string): ReasonValue => {
  if (typeof v === 'string') return named(v, fn, pf)
  if (v === null || typeof v !== 'object') return v
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, namedValue(x, fn, pf)]))
}

/** A class's judgement of one layout, under the placeholder names. */
interface Judged {
  readonly compatible: boolean
  readonly reasons: readonly Reason[]
  readonly offsetMap: readonly OffsetMapping[] | null
}

const judge = (layout: FunctionLayout, f: MatrixFunction, options: MatrixOptions): Judged => {
  const r = realize(layout, { ...f.function, name: FUNCTION_NAME }, {
    ...(f.pf === undefined ? {} : { pf: { ...f.pf, name: PF_NAME } }),
    ...(options.personas === undefined ? {} : { personas: options.personas }),
    ...(f.persona === undefined || f.persona === null ? {} : { destinationPersona: f.persona }),
  })
  // A layout that does not build backs nothing: every cell of its row says why.
  if (E.isLeft(r)) return { compatible: false, reasons: r.left.map((e) => wholeReason('NO_CANDIDATE', `the layout does not build: ${renderLayoutError(e)}`)), offsetMap: null }
  return r.right
}

const cellOf = (j: Judged, f: MatrixFunction): MatrixCell => {
  const first = j.reasons.find((r) => r.severity === 'error') ?? j.reasons[0] ?? null
  const fn = f.name
  const pf = f.pf?.name ?? ''
  let errors = 0
  for (const r of j.reasons) if (r.severity === 'error') errors++
  return {
    compatible: j.compatible,
    reason: first === null ? null : { ...first, message: named(first.message, fn, pf), source: namedValue(first.source, fn, pf), destination: namedValue(first.destination, fn, pf) },
    errors,
    warnings: j.reasons.length - errors,
    offsetMap: j.offsetMap,
  }
}

/** Every layout against every function; linear in layouts × device classes for the judging, in layouts × functions for the cells. */
export const compatibilityMatrix = (layouts: readonly MatrixLayout[], functions: readonly MatrixFunction[], options: MatrixOptions = {}): CompatibilityMatrix => {
  const byIdentity = new Map<PreparedFunction, { pf: PreparedFunction | undefined; persona: string; judged: readonly Judged[] }>()
  const byClass = new Map<string, readonly Judged[]>()
  const judgedFor = (f: MatrixFunction): readonly Judged[] => {
    const seen = byIdentity.get(f.function)
    const persona = personaKey(f.persona)
    if (seen !== undefined && seen.pf === f.pf && seen.persona === persona) return seen.judged
    const key = classKey(f)
    let judged = byClass.get(key)
    if (judged === undefined) byClass.set(key, (judged = layouts.map((l) => judge(l.layout, f, options))))
    byIdentity.set(f.function, { pf: f.pf, persona, judged })
    return judged
  }
  const columns = functions.map(judgedFor)
  return {
    layouts: layouts.map((l) => l.name),
    functions: functions.map((f) => f.name),
    cells: layouts.map((_, l) => functions.map((f, k) => cellOf(columns[k]![l]!, f))),
    classesJudged: byClass.size,
  }
}

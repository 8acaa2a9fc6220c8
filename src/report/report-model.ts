/**
 * What a report shows, as plain data, for the two questions about a pair: are two functions the
 * same config space (`check A B`), and can a physical function back a layout (`check LAYOUT
 * PHYSICAL`). Each side is its config space as blocks (the header, every capability) over its
 * bytes, each byte's field, and where the other side holds the same register; the reasons, each
 * with the bytes it concerns on each side; the digests. `report-html.ts` draws it.
 */
import { type Capability, capabilityLabel } from '../capability/capability.js'
import { fieldMask } from '../capability/field.js'
import type { ReadonlyBytes } from '../config-space/config-space.js'
import type { FunctionLayout } from '../layout/function-layout.js'
import { pairCapabilities } from '../layout/pair-capabilities.js'
import type { Realization } from '../layout/realize.js'
import type { Verdict } from '../proof/prove-equivalence.js'
import type { Reason } from '../proof/reason.js'
import { limitReasons } from '../proof/reason-limit.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'

export interface ReportBlock {
  /** `header`, or the capability as people name it: `PASID v1 at 0x150`. */
  readonly label: string
  readonly offset: number
  readonly length: number
  readonly kind: 'header' | 'capability' | 'emulated'
}

export interface ReportSide {
  /** `source`, `destination`, `layout`, `physical function`. */
  readonly role: string
  /** The file or device it was read from. */
  readonly name: string
  readonly bytes: ReadonlyBytes
  readonly blocks: readonly ReportBlock[]
  /** Distinct field labels; `fieldAt[i]` indexes them (-1: no field). */
  readonly fieldLabels: readonly string[]
  readonly fieldAt: Int16Array
  /** Where the other side holds the same register: [start, end, otherStart] runs, offset order. */
  readonly map: ReadonlyArray<readonly [number, number, number]>
  /** SHA-256 of the semantic image and BAR layout. */
  readonly digest: string
}

/** Two blocks shown as one thing on both sides; `moved` when at different offsets. */
export interface ReportJoin {
  readonly from: number
  readonly to: number
  readonly moved: boolean
}

export interface ReportReason {
  readonly reason: Reason
  /** The bytes it concerns on each side ([start, end)), or null. */
  readonly ranges: readonly [readonly [number, number] | null, readonly [number, number] | null]
}

export interface PairReport {
  readonly _tag: 'PairReport'
  readonly question: 'equivalence' | 'realization'
  readonly title: string
  readonly compatible: boolean
  readonly errors: number
  readonly warnings: number
  readonly sides: readonly [ReportSide, ReportSide]
  /** Block indices (sides[0] → sides[1]) of the same capability. */
  readonly joins: readonly ReportJoin[]
  readonly reasons: readonly ReportReason[]
  readonly omittedReasons: number
  /** The certificate's digests and counts; null for a layout check (it has none). */
  readonly certificate: { readonly obligations: number; readonly assumptions: readonly string[]; readonly options: string } | null
  /** The virtual → physical map, when the layout can be backed. */
  readonly offsetMap: Realization['offsetMap']
}

const blocksOf = (f: PreparedFunction, emulated: (c: Capability) => boolean): ReportBlock[] => [
  { label: 'header', offset: 0, length: Math.min(0x40, f.config.size), kind: 'header' },
  ...f.walk.capabilities.map((c): ReportBlock => ({ label: capabilityLabel(c), offset: c.offset, length: Math.min(c.length, f.config.size - c.offset), kind: emulated(c) ? 'emulated' : 'capability' })),
]

/** Each byte's fields (name and bits), deduplicated. */
const fieldsOf = (f: PreparedFunction): { labels: string[]; at: Int16Array } => {
  const size = f.config.size
  const perByte: string[][] = Array.from({ length: size }, () => [])
  for (const fi of f.semantic.fields) {
    const mask = fieldMask(fi.spec)
    const where = fi.capability === null ? 'header' : capabilityLabel(fi.capability)
    const bits = fi.spec.hi === fi.spec.lo ? `bit ${fi.spec.lo}` : `bits ${fi.spec.hi}:${fi.spec.lo}`
    for (let k = 0; k < fi.spec.width; k++) {
      const at = fi.offset + k
      if (at < size && ((mask >>> (8 * k)) & 0xff) !== 0) perByte[at]!.push(`${where} · ${fi.spec.register}: ${fi.spec.name} (${bits})`)
    }
  }
  const labels: string[] = []
  const index = new Map<string, number>()
  const at = new Int16Array(size).fill(-1)
  perByte.forEach((names, i) => {
    if (names.length === 0) return
    const label = names.join('; ')
    let k = index.get(label)
    if (k === undefined) index.set(label, (k = labels.push(label) - 1))
    at[i] = k
  })
  return { labels, at }
}

/** Runs [start, end, otherStart]: each paired capability to its partner, everything else to the same offset. */
const mapRuns = (size: number, pairs: ReadonlyArray<readonly [Capability, Capability]>): Array<readonly [number, number, number]> => {
  const runs: Array<readonly [number, number, number]> = pairs.map(([a, b]) => [a.offset, Math.min(a.offset + a.length, size), b.offset] as const)
  runs.sort((x, y) => x[0] - y[0])
  return runs
}

const side = (role: string, f: PreparedFunction, pairs: ReadonlyArray<readonly [Capability, Capability]>, emulated: (c: Capability) => boolean): ReportSide => {
  const fields = fieldsOf(f)
  return { role, name: f.name, bytes: f.config.bytes, blocks: blocksOf(f, emulated), fieldLabels: fields.labels, fieldAt: fields.at, map: mapRuns(f.config.size, pairs), digest: f.digest }
}

const joinsOf = (a: PreparedFunction, b: PreparedFunction, pairs: ReadonlyArray<readonly [Capability, Capability]>): ReportJoin[] =>
  pairs.map(([x, y]) => ({ from: a.walk.capabilities.indexOf(x) + 1, to: b.walk.capabilities.indexOf(y) + 1, moved: x.offset !== y.offset }))

/** Where `offset` lands on the other side under `map` (the same offset outside every run). */
export const mapped = (map: ReportSide['map'], offset: number): number => {
  for (const [s, e, o] of map) if (offset >= s && offset < e) return o + (offset - s)
  return offset
}

const rangesOf = (r: Reason, first: ReportSide, second: ReportSide, sizes: readonly [number, number]): ReportReason['ranges'] => {
  if (r.offset === null) return [null, null]
  const length = Math.max(1, r.length ?? 1)
  const a: [number, number] | null = r.offset < sizes[0] ? [r.offset, Math.min(r.offset + length, sizes[0])] : null
  const moved = r.destination !== null && typeof r.destination === 'object' && typeof (r.destination as { offset?: unknown }).offset === 'number' ? (r.destination as { offset: number }).offset : null
  const start = r.code === 'CAP_OFFSET_MOVED' && moved !== null ? moved : mapped(first.map, r.offset)
  const b: [number, number] | null = start < sizes[1] ? [start, Math.min(start + length, sizes[1])] : null
  return [a, second === first ? a : b]
}

const counts = (reasons: readonly Reason[]): { errors: number; warnings: number } => {
  let errors = 0
  for (const r of reasons) if (r.severity === 'error') errors++
  return { errors, warnings: reasons.length - errors }
}

/** Pairs by place and kind as the equivalence check matches them (ID and occurrence), for the joins. */
const equivalencePairs = (a: PreparedFunction, b: PreparedFunction): Array<readonly [Capability, Capability]> => {
  const seen = new Map<string, number>()
  const key = (c: Capability): string => {
    const base = `${c.space}:${c.id}`
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    return `${base}:${n}`
  }
  const left = new Map(a.walk.capabilities.map((c) => [key(c), c] as const))
  seen.clear()
  return b.walk.capabilities.flatMap((c) => {
    const partner = left.get(key(c))
    return partner === undefined ? [] : [[partner, c] as const]
  })
}

/** The report of `check SOURCE DESTINATION`. */
export const equivalenceReport = (source: PreparedFunction, destination: PreparedFunction, verdict: Verdict, limit: number | null): PairReport => {
  const pairs = equivalencePairs(source, destination)
  const a = side('source', source, pairs, () => false)
  const b = side('destination', destination, pairs.map(([x, y]) => [y, x] as const), () => false)
  const { shown, omitted } = limitReasons(verdict.reasons, limit)
  const c = verdict.certificate
  return {
    _tag: 'PairReport',
    question: 'equivalence',
    title: 'Do both functions present the same config space?',
    compatible: verdict.compatible,
    ...counts(verdict.reasons),
    sides: [a, b],
    joins: joinsOf(source, destination, pairs),
    reasons: shown.map((reason) => ({ reason, ranges: rangesOf(reason, a, b, [source.config.size, destination.config.size]) })),
    omittedReasons: omitted,
    certificate:
      c === null
        ? null
        : { obligations: c.obligations.length, assumptions: c.assumptions, options: `instance ${c.options.instance}, assume implemented ${c.options.assumeImplemented ? 'yes' : 'no'}${c.options.vmm === undefined ? '' : `, VMM ${c.options.vmm}`}` },
    offsetMap: null,
  }
}

/** The report of `check LAYOUT PHYSICAL`: the layout as built (`virtual`) beside the physical function. */
export const realizationReport = (layout: FunctionLayout, virtual: PreparedFunction, physical: PreparedFunction, r: Realization, limit: number | null): PairReport => {
  const paired = pairCapabilities(virtual, physical)
  const emulated = new Set(layout.capabilities.filter((c) => c.backing === 'emulated').map((c) => `${c.space}:${c.offset}`))
  const isEmulated = (c: Capability): boolean => emulated.has(`${c.space}:${c.offset}`)
  // An emulated capability is paired with the physical one it stands on (a vPASID with PASID): its fields are judged against that.
  const pairs = [...paired]
  const a = side('layout', { ...virtual, name: layout.name }, pairs, isEmulated)
  const b = side('physical function', physical, pairs.map(([x, y]) => [y, x] as const), () => false)
  const { shown, omitted } = limitReasons(r.reasons, limit)
  return {
    _tag: 'PairReport',
    question: 'realization',
    title: 'Can the physical function back the layout?',
    compatible: r.compatible,
    ...counts(r.reasons),
    sides: [a, b],
    joins: joinsOf(virtual, physical, pairs),
    reasons: shown.map((reason) => ({ reason, ranges: rangesOf(reason, a, b, [virtual.config.size, physical.config.size]) })),
    omittedReasons: omitted,
    certificate: null,
    offsetMap: r.offsetMap,
  }
}


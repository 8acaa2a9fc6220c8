/**
 * Layout files in YAML: `decodeLayout` reads one into a checked `FunctionLayout`, collecting
 * every error with its path and line; `encodeLayout` writes one, and given the file it came
 * from, changes only what changed so the operator's comments stay.
 */
import { bytesOfHex, hexOf } from '../decode/hex-bytes.js'
import { flowDepthError } from '../decode/yaml-depth.js'
import { schemaModeline } from '../decode/schema-modeline.js'
import { readYamlData } from '../decode/yaml-data.js'
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import { expectedName, firstPerPath } from '../decode/io-ts-path.js'
import { isUnknownKeyError } from '../decode/closed-struct.js'
import { isMap, isScalar, isSeq, parseDocument, Document, visit, Scalar } from 'yaml'
import type { Space } from '../capability/capability.js'
import { EXTENDED_CAPABILITIES, lookupCapability, STANDARD_CAPABILITIES } from '../capability/registry.js'
import { build } from './build.js'
import type { FunctionLayout, HiddenCapability, LayoutCapability, RawBytes } from './function-layout.js'
import { type CapabilityFile, LayoutFile } from './layout-file.js'
import { type LayoutError, type LayoutPath, layoutError } from './layout-error.js'

/** Alias expansions allowed in one file: enough for any real layout, far too few for a bomb. */
const MAX_ALIASES = 100
/** Larger text is not a layout file. */
export const MAX_LAYOUT_BYTES = 4 * 1024 * 1024

const ALLOWED_KEYS: ReadonlyArray<readonly [RegExp, readonly string[]]> = [
  [/^$/, ['apiVersion', 'kind', 'metadata', 'size', 'identity', 'persona', 'bars', 'rom', 'header', 'capabilities', 'unclaimed', 'hidden']],
  [/^metadata$/, ['name']],
  [/^identity$/, ['vendorId', 'deviceId', 'revisionId', 'classCode', 'subsystemVendorId', 'subsystemId']],
  [/^persona$/, ['family', 'hardwareVersion', 'firmware', 'migrationStreams']],
  [/^bars\.\d+$/, ['index', 'kind', 'prefetchable', 'size']],
  [/^rom$/, ['size']],
  [/^header$/, ['fields', 'bytes']],
  [/^capabilities\.\d+$/, ['offset', 'id', 'space', 'version', 'backing', 'length', 'fields', 'bytes']],
  [/^(header|capabilities\.\d+)\.bytes\.\d+$|^unclaimed\.\d+$/, ['at', 'hex']],
  [/^hidden\.\d+$/, ['space', 'id', 'offset']],
]

/** Keys the file's shape does not have, wherever a fixed set of keys is expected (added to `errors`, which may grow past any argument-list limit). */
const unknownKeys = (value: unknown, path: Array<string | number> = [], errors: LayoutError[] = []): LayoutError[] => {
  if (Array.isArray(value)) {
    value.forEach((v, i) => unknownKeys(v, [...path, i], errors))
    return errors
  }
  if (value === null || typeof value !== 'object') return errors
  const at = path.join('.')
  const allowed = ALLOWED_KEYS.find(([re]) => re.test(at))?.[1]
  for (const [k, v] of Object.entries(value)) {
    if (allowed !== undefined && !allowed.includes(k)) {
      errors.push(layoutError('UNKNOWN_KEY', [...path, k], `unknown key "${k}"; expected one of: ${allowed.join(', ')}`))
    } else if (!/fields$/.test(k)) {
      unknownKeys(v, [...path, k], errors)
    }
  }
  return errors
}

const describeValue = (u: unknown): string => {
  const s = JSON.stringify(u)
  return s === undefined ? String(u) : s.length > 40 ? `${s.slice(0, 37)}...` : s
}

/** io-ts errors as layout errors, one per path (unknown keys are `unknownKeys`'s to report). */
const shapeErrors = (errors: t.Errors): LayoutError[] =>
  firstPerPath(errors.filter((e) => !isUnknownKeyError(e))).map(({ path, error }) =>
    layoutError('WRONG_TYPE', path, error.value === undefined ? `missing; expected ${expectedName(error)}` : `expected ${error.message ?? expectedName(error)}, got ${describeValue(error.value)}`),
  )

const parseHex = (hex: string): number[] | null => {
  const bytes = bytesOfHex(hex, true)
  return bytes === null || bytes.length === 0 ? null : Array.from(bytes)
}

const rawBytes = (runs: ReadonlyArray<{ at: number; hex: string }> | undefined, path: LayoutPath, errors: LayoutError[]): RawBytes =>
  (runs ?? []).flatMap((run, k) => {
    const bytes = parseHex(run.hex)
    if (bytes === null) {
      errors.push(layoutError('WRONG_TYPE', [...path, k, 'hex'], `expected hex bytes like "de ad be ef", got ${describeValue(run.hex)}`))
      return []
    }
    return [{ at: run.at, bytes }]
  })

const resolveId = (id: string | number, space: Space, path: LayoutPath, errors: LayoutError[]): number | null => {
  if (typeof id === 'number') {
    if (id > (space === 'standard' ? 0xff : 0xffff)) {
      errors.push(layoutError('UNKNOWN_CAPABILITY', path, `0x${id.toString(16)} is not a ${space} capability ID`))
      return null
    }
    return id
  }
  const entry = (space === 'standard' ? STANDARD_CAPABILITIES : EXTENDED_CAPABILITIES).find((e) => e.key === id)
  if (entry === undefined) {
    const known = (space === 'standard' ? STANDARD_CAPABILITIES : EXTENDED_CAPABILITIES).map((e) => e.key).join(', ')
    errors.push(layoutError('UNKNOWN_CAPABILITY', path, `no ${space} capability "${id}"; known: ${known}`))
    return null
  }
  return entry.id
}

const capabilityOf = (c: CapabilityFile, i: number, size: number, errors: LayoutError[]): LayoutCapability | null => {
  const path = ['capabilities', i]
  const space: Space = c.space ?? (c.offset >= 0x100 ? 'extended' : 'standard')
  const id = resolveId(c.id, space, [...path, 'id'], errors)
  const [low, high] = space === 'standard' ? [0x40, 0xfc] : [0x100, 0xffc]
  if (c.offset < low || c.offset > high || c.offset >= size) {
    errors.push(layoutError('OFFSET_OUT_OF_RANGE', [...path, 'offset'], `0x${c.offset.toString(16)} is outside ${space} capability space (0x${low.toString(16)}–0x${high.toString(16)}${size === 256 && space === 'extended' ? '; and the layout is 256 bytes' : ''})`))
  } else if (c.offset % 4 !== 0) {
    errors.push(layoutError('OFFSET_MISALIGNED', [...path, 'offset'], `0x${c.offset.toString(16)} is not dword-aligned`))
  }
  if (space === 'standard' && c.version !== undefined) errors.push(layoutError('WRONG_TYPE', [...path, 'version'], 'a standard capability has no version (only extended capability headers carry one)'))
  if (id === null) return null
  const rule = lookupCapability(space, id)?.length
  const length = c.length ?? (rule?._tag === 'Fixed' ? rule.bytes : null)
  if (length === null) {
    errors.push(layoutError('LENGTH_REQUIRED', [...path, 'length'], `the length of this capability depends on its contents; give length:`))
    return null
  }
  const end = space === 'standard' ? 0x100 : 0x1000
  if (c.offset + length > end) {
    errors.push(layoutError('LENGTH_DOES_NOT_FIT', [...path, 'length'], `${length} bytes from 0x${c.offset.toString(16)} run past 0x${(end - 1).toString(16)}, the end of ${space} space`))
  }
  return {
    space,
    offset: c.offset,
    id,
    version: space === 'extended' ? (c.version ?? 1) : null,
    backing: c.backing ?? 'passthrough',
    length,
    fields: c.fields ?? {},
    bytes: rawBytes(c.bytes, [...path, 'bytes'], errors),
  }
}

/** The file's meaning, checked: capability names, offsets, lengths, overlaps. */
const fromFile = (f: LayoutFile): E.Either<LayoutError[], FunctionLayout> => {
  const errors: LayoutError[] = []
  if (f.apiVersion !== 'vpci/v1') errors.push(layoutError('WRONG_KIND', ['apiVersion'], `"${f.apiVersion}" is not vpci/v1`))
  if (f.kind !== 'FunctionLayout') errors.push(layoutError('WRONG_KIND', ['kind'], `"${f.kind}" is not FunctionLayout`))
  const capabilities = (f.capabilities ?? []).map((c, i) => capabilityOf(c, i, f.size, errors))
  const placed = capabilities.map((c, i) => [c, i] as const).filter((x): x is readonly [LayoutCapability, number] => x[0] !== null)
  for (const space of ['standard', 'extended'] as const) {
    const inSpace = placed.filter(([c]) => c.space === space).sort((a, b) => a[0].offset - b[0].offset)
    inSpace.forEach(([c, i], k) => {
      const before = inSpace[k - 1]
      if (before !== undefined && before[0].offset + before[0].length > c.offset) {
        errors.push(layoutError('OVERLAP', ['capabilities', i, 'offset'], `starts at 0x${c.offset.toString(16)}, inside capabilities[${before[1]}] (0x${before[0].offset.toString(16)}–0x${(before[0].offset + before[0].length - 1).toString(16)})`))
      }
    })
  }
  const hidden: HiddenCapability[] = (f.hidden ?? []).flatMap((h, i) => {
    const id = resolveId(h.id, h.space, ['hidden', i, 'id'], errors)
    return id === null ? [] : [{ space: h.space, id, offset: h.offset ?? null }]
  })
  const layout: FunctionLayout = {
    _tag: 'FunctionLayout',
    name: f.metadata.name,
    size: f.size,
    identity: f.identity,
    persona: f.persona ?? null,
    bars: (f.bars ?? []).map((b) => ({ index: b.index, kind: b.kind, prefetchable: b.prefetchable ?? false, size: b.size ?? null })),
    rom: f.rom === undefined || f.rom === null ? null : { size: f.rom.size ?? null },
    header: { fields: f.header?.fields ?? {}, bytes: rawBytes(f.header?.bytes, ['header', 'bytes'], errors) },
    capabilities: placed.map(([c]) => c),
    unclaimed: rawBytes(f.unclaimed, ['unclaimed'], errors),
    hidden,
  }
  if (errors.length > 0) return E.left(errors)
  // Building checks what only the instance can tell: field names and widths, computed lengths.
  const built = build(layout)
  if (E.isLeft(built)) {
    return E.left(built.left.map((e) => (e.path[0] === 'capabilities' && typeof e.path[1] === 'number' ? { ...e, path: ['capabilities', placed[e.path[1]]![1], ...e.path.slice(2)] } : e)))
  }
  return E.right(layout)
}

/**
 * A layout from plain data in the file's shape (as YAML or another format decodes to), with
 * the same checks as a layout file: shape, unknown keys, registry names, overlaps, and a build.
 */
export const layoutFromData = (raw: unknown): E.Either<readonly LayoutError[], FunctionLayout> => {
  const unknown = unknownKeys(raw)
  const shape = LayoutFile.decode(raw)
  if (E.isLeft(shape)) return E.left([...shapeErrors(shape.left), ...unknown])
  const layout = fromFile(shape.right)
  if (E.isLeft(layout) || unknown.length > 0) return E.left([...unknown, ...(E.isLeft(layout) ? layout.left : [])])
  return layout
}

/** Reads a layout file, or every reason it is not a valid one (path and line each). */
export const decodeLayout = (text: string, file: string): E.Either<readonly LayoutError[], FunctionLayout> => {
  if (text.length > MAX_LAYOUT_BYTES) return E.left([{ ...layoutError('YAML_SYNTAX', [], `${text.length} bytes is larger than any layout file (limit ${MAX_LAYOUT_BYTES})`), file }])
  const read = readYamlData(text, MAX_ALIASES)
  if (E.isLeft(read)) {
    return E.left(read.left.map((e) => ({ ...layoutError('YAML_SYNTAX', [], e.column === null ? e.message : `${e.message} (column ${e.column})`), file, ...(e.line === null ? {} : { line: e.line }) })))
  }
  const layout = layoutFromData(read.right.value)
  if (E.isRight(layout)) return layout
  // The line of each error's deepest node, all found in one pass.
  const lines = read.right.lines(layout.left.map((e) => e.path))
  return E.left(layout.left.map((e, i) => ({ ...e, file, line: lines[i] ?? e.line })))
}

const keyOf = (space: Space, id: number): string | number => lookupCapability(space, id)?.key ?? id
const hexRuns = (raw: RawBytes) => raw.map((r) => ({ at: r.at, hex: hexOf(r.bytes, ' ') }))
const big = (n: bigint): number | string => (n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : `0x${n.toString(16)}`)

/** The layout as plain data in the file's shape. */
export const layoutToFile = (l: FunctionLayout): Record<string, unknown> => {
  const file: Record<string, unknown> = {
    apiVersion: 'vpci/v1',
    kind: 'FunctionLayout',
    metadata: { name: l.name },
    size: l.size,
    identity: { ...l.identity },
  }
  if (l.persona !== null) file.persona = { ...l.persona, migrationStreams: [...l.persona.migrationStreams] }
  file.bars = l.bars.map((b) => ({ index: b.index, kind: b.kind, prefetchable: b.prefetchable, size: b.size === null ? null : big(b.size) }))
  file.rom = l.rom === null ? null : { size: l.rom.size === null ? null : big(l.rom.size) }
  const header: Record<string, unknown> = {}
  if (Object.keys(l.header.fields).length > 0) header.fields = { ...l.header.fields }
  if (l.header.bytes.length > 0) header.bytes = hexRuns(l.header.bytes)
  file.header = header
  file.capabilities = l.capabilities.map((c) => {
    const entry: Record<string, unknown> = { space: c.space, offset: c.offset, id: keyOf(c.space, c.id) }
    if (c.version !== null) entry.version = c.version
    entry.backing = c.backing
    if (lookupCapability(c.space, c.id)?.length._tag !== 'Fixed') entry.length = c.length
    if (Object.keys(c.fields).length > 0) entry.fields = { ...c.fields }
    if (c.bytes.length > 0) entry.bytes = hexRuns(c.bytes)
    return entry
  })
  if (l.unclaimed.length > 0) file.unclaimed = hexRuns(l.unclaimed)
  file.hidden = l.hidden.map((h) => ({ space: h.space, id: keyOf(h.space, h.id), offset: h.offset }))
  return file
}

/** Keys whose integer values read best in hex. */
const HEX_KEYS = new Set(['offset', 'at', 'vendorId', 'deviceId', 'classCode', 'subsystemVendorId', 'subsystemId', 'size'])

const formatNumbers = (doc: Document): void => {
  visit(doc, {
    Pair(_, pair, path) {
      if (!isScalar(pair.value) || typeof pair.value.value !== 'number') return
      // Keys added by an edit are plain values, not nodes.
      const keyOf = (k: unknown): unknown => (isScalar(k) ? (k as Scalar).value : k)
      const key = String(keyOf(pair.key))
      const inFields = path.some((p) => keyOf((p as { key?: unknown }).key) === 'fields')
      const topLevel = path.length <= 2
      if ((HEX_KEYS.has(key) && !(topLevel && key === 'size')) || (inFields && pair.value.value > 15)) pair.value.format = 'HEX'
    },
  })
}

/** Applies `next` onto the document at `path`, node by node, so unchanged nodes keep their comments. */
const applyChanges = (doc: Document, path: Array<string | number>, previous: unknown, next: unknown): void => {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)
  if (isObject(previous) && isObject(next) && isMap(path.length === 0 ? doc.contents : doc.getIn(path, true))) {
    for (const [k, v] of Object.entries(next)) applyChanges(doc, [...path, k], previous[k], v)
    for (const k of Object.keys(previous)) if (!(k in next)) doc.deleteIn([...path, k])
    return
  }
  if (Array.isArray(previous) && Array.isArray(next) && previous.length === next.length && isSeq(doc.getIn(path, true))) {
    next.forEach((v, i) => applyChanges(doc, [...path, i], previous[i], v))
    return
  }
  if (JSON.stringify(previous) !== JSON.stringify(next)) doc.setIn(path, doc.createNode(next))
}

/**
 * The layout as YAML. Given the text it was read from, edits that text's document in place so
 * comments and formatting of everything unchanged survive.
 */
export const encodeLayout = (layout: FunctionLayout, previousText?: string): string => {
  const next = layoutToFile(layout)
  if (previousText !== undefined) {
    const doc = flowDepthError(previousText) === null ? parseDocument(previousText) : null
    if (doc !== null && doc.errors.length === 0) {
      applyChanges(doc, [], doc.toJS({ maxAliasCount: MAX_ALIASES }), next)
      formatNumbers(doc)
      return doc.toString()
    }
  }
  const doc = new Document(next)
  doc.commentBefore = schemaModeline('function-layout.schema.json')
  formatNumbers(doc)
  return doc.toString({ lineWidth: 0 })
}

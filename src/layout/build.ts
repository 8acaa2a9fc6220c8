/**
 * The virtual config space a layout describes: the image (and so, through `prepareFunction`,
 * the masks) the VMM presents to the guest. The result is a `FunctionDump` like any read from a
 * device, so it can be walked, prepared, derived from and checked.
 *
 * Next pointers come from list order; a layout whose extended chain does not start at 0x100
 * gets the placeholder vfio leaves for a hidden first capability (ID 0, version 0). Field
 * tables that depend on the instance (MSI's layout, BAR types) are resolved by writing until
 * the capability's bytes stop changing.
 */
import * as E from 'fp-ts/lib/Either.js'
import { type Capability, capabilityLabel, isHiddenPlaceholder } from '../capability/capability.js'
import { type FieldSpec, fieldMask } from '../capability/field.js'
import { type FieldTable, fieldsFor } from '../capability/fields/field-context.js'
import { functionFacts } from '../capability/function-facts.js'
import { lengthContext } from '../capability/length-rule.js'
import { headerFields, lookupCapability } from '../capability/registry.js'
import { type Walk, walkCapabilities } from '../capability/walk.js'
import { renderWalkProblem } from '../capability/walk-problem.js'
import { configSpace } from '../config-space/config-space.js'
import type { FunctionDump } from '../dump/function-dump.js'
import type { Resource } from '../dump/sysfs-resource.js'
import type { FieldValues, FunctionLayout, LayoutCapability, RawBytes } from './function-layout.js'
import { boundsErrors } from './layout-bounds.js'
import { type LayoutError, type LayoutPath, layoutError } from './layout-error.js'
import { rawRunErrors } from './raw-runs.js'

/** Keys the header's `fields` may not set: the layout says them elsewhere (identity, BARs, ROM, the chain). */
export const RESERVED_HEADER_KEY = /^(vendorId|deviceId|revisionId|programmingInterface|subClass|baseClass|subsystemVendorId|subsystemId|capabilitiesPointer|capabilitiesList|bar\d.*|rom.*)$/

/** Walk problems that mean the layout's capabilities do not fit together. */
const CHAIN_PROBLEMS: ReadonlySet<string> = new Set(['CAP_OVERLAP', 'CAP_PAST_END', 'LENGTH_INVALID', 'CHAIN_LOOP', 'CHAIN_BROKEN', 'POINTER_OUT_OF_RANGE'])

const writeRegister = (bytes: Uint8Array, at: number, width: 1 | 2 | 4, value: number): void => {
  for (let k = 0; k < width; k++) if (at + k < bytes.length) bytes[at + k] = (value >>> (8 * k)) & 0xff
}
const readRegister = (bytes: Uint8Array, at: number, width: 1 | 2 | 4): number => {
  let v = 0
  for (let k = width - 1; k >= 0; k--) v = ((v << 8) | (bytes[at + k] ?? 0)) >>> 0
  return v
}

const writeRaw = (bytes: Uint8Array, base: number, raw: RawBytes): void => {
  for (const run of raw) run.bytes.forEach((b, k) => (bytes[base + run.at + k] = b & 0xff))
}

/**
 * Writes `values` through the fields of `table` resolved on `resolveOn` (the image as the
 * previous pass left it); reports keys that fit no field when `errors` is given.
 */
const writeFields = (
  bytes: Uint8Array,
  resolveOn: Uint8Array,
  base: number,
  length: number,
  version: number | null,
  table: FieldTable | undefined,
  values: FieldValues,
  path: LayoutPath,
  errors: LayoutError[] | null,
): void => {
  const space = configSpace(resolveOn)!
  const facts = functionFacts(space, null)
  const fields: readonly FieldSpec[] = fieldsFor(table, { ...lengthContext(space, base, version, facts), length })
  for (const [key, value] of Object.entries(values)) {
    const f = fields.find((x) => x.key === key)
    if (f === undefined) {
      errors?.push(layoutError('UNKNOWN_FIELD', [...path, key], `no field "${key}" here; known: ${fields.map((x) => x.key).join(', ')}`))
      continue
    }
    const max = f.hi - f.lo === 31 ? 0xffffffff : (1 << (f.hi - f.lo + 1)) - 1
    if (!Number.isInteger(value) || value < 0 || value > max) {
      errors?.push(layoutError('VALUE_TOO_WIDE', [...path, key], `${value} does not fit ${f.name} (bits ${f.hi}:${f.lo}, at most ${max})`))
      continue
    }
    const mask = fieldMask(f)
    const register = readRegister(bytes, base + f.at, f.width)
    writeRegister(bytes, base + f.at, f.width, ((register & ~mask) | ((value << f.lo) & mask)) >>> 0)
  }
}

const headerSize = (c: Pick<LayoutCapability, 'space'>): number => (c.space === 'standard' ? 2 : 4)

/** Writes one capability's body until its field table stops depending on what was written. */
const writeCapability = (bytes: Uint8Array, c: LayoutCapability, path: LayoutPath, errors: LayoutError[]): void => {
  const table = lookupCapability(c.space, c.id)?.fields
  const start = c.offset + headerSize(c)
  const end = Math.min(c.offset + c.length, bytes.length)
  let previous = bytes.slice()
  for (let pass = 0; pass < 4; pass++) {
    bytes.fill(0, start, end)
    writeRaw(bytes, c.offset, c.bytes)
    writeFields(bytes, previous, c.offset, c.length, c.version, table, c.fields, [...path, 'fields'], null)
    const stable = bytes.subarray(start, end).every((b, i) => b === previous[start + i])
    previous = bytes.slice()
    if (stable) break
  }
  writeFields(bytes.slice(), bytes, c.offset, c.length, c.version, table, c.fields, [...path, 'fields'], errors)
}

const resourcesOf = (layout: FunctionLayout): Resource[] | null => {
  if (layout.bars.some((b) => b.size === null) || (layout.rom !== null && layout.rom.size === null)) return null
  const entries: Resource[] = []
  for (let index = 0; index < 6; index++) {
    const bar = layout.bars.find((b) => b.index === index)
    entries.push(
      bar === undefined
        ? { index, kind: 'unused', size: 0n, prefetchable: false, is64Bit: false }
        : { index, kind: bar.kind === 'io' ? 'io' : 'memory', size: bar.size!, prefetchable: bar.prefetchable, is64Bit: bar.kind === 'memory64' },
    )
  }
  // Linux reports every expansion ROM as prefetchable memory (its resource flags), so a sysfs function and its layout agree.
  entries.push(layout.rom === null ? { index: 6, kind: 'unused', size: 0n, prefetchable: false, is64Bit: false } : { index: 6, kind: 'memory', size: layout.rom.size!, prefetchable: true, is64Bit: false })
  return entries
}

/** BARs that share a register: the same number twice, or a number the 64-bit BAR before it takes. */
const barErrors = (layout: FunctionLayout): LayoutError[] => {
  const taken = new Map<number, number>()
  const errors: LayoutError[] = []
  const limit = layout.header.fields.headerLayout === 1 ? 2 : 6
  layout.bars.forEach((b, i) => {
    const registers = b.kind === 'memory64' ? [b.index, b.index + 1] : [b.index]
    if (registers[registers.length - 1]! >= limit) {
      errors.push(layoutError('OVERLAP', ['bars', i, 'index'], `a 64-bit BAR ${b.index} takes registers ${b.index} and ${b.index + 1}; the header has ${limit} BAR registers`))
      return
    }
    const other = registers.map((r) => taken.get(r)).find((x) => x !== undefined)
    if (other !== undefined) {
      errors.push(layoutError('OVERLAP', ['bars', i, 'index'], `BAR ${b.index} uses a register bars[${other}] already takes`))
      return
    }
    for (const r of registers) taken.set(r, i)
  })
  return errors
}

/**
 * Ways a walk of the built image differs from the layout's list: a listed capability missing or
 * of another ID, version or length, a capability the layout does not list (the placeholder build
 * writes at 0x100 for a list starting elsewhere aside), and any problem the walker met.
 */
const listErrors = (layout: FunctionLayout, walk: Walk): LayoutError[] => {
  const errors: LayoutError[] = []
  const firstExtended = layout.capabilities.find((c) => c.space === 'extended')
  const placeholder = (c: Capability): boolean => isHiddenPlaceholder(c) && c.offset === 0x100 && firstExtended !== undefined && firstExtended.offset !== 0x100
  const matched = new Set<Capability>()
  layout.capabilities.forEach((c, i) => {
    const found = walk.capabilities.find((b) => b.space === c.space && b.offset === c.offset && !isHiddenPlaceholder(b))
    if (found === undefined) {
      errors.push(
        layoutError(
          'NOT_REACHABLE',
          ['capabilities', i, 'offset'],
          `the ${c.space} capability at 0x${c.offset.toString(16)} is not reachable from the chain the list order makes${c.space === 'extended' ? ' (the extended list starts at 0x100: a capability there must come first)' : ''}`,
        ),
      )
      return
    }
    matched.add(found)
    if (found.id !== c.id || found.version !== c.version) {
      errors.push(layoutError('CAP_NOT_LISTED', ['capabilities', i], `the built config space shows ${capabilityLabel(found)} here, not the capability the layout lists (ID 0x${c.id.toString(16)}${c.version === null ? '' : `, version ${c.version}`})`))
    } else if (found.length !== c.length) {
      errors.push(layoutError('LENGTH_DOES_NOT_FIT', ['capabilities', i, 'length'], `${capabilityLabel(found)}: its fields make it ${found.length} bytes, the layout says ${c.length}`))
    }
  })
  for (const b of walk.capabilities) {
    if (matched.has(b) || placeholder(b)) continue
    errors.push(layoutError('CAP_NOT_LISTED', ['capabilities'], `the built config space shows ${capabilityLabel(b)}, which the layout does not list; a guest would find a capability no judgement checked`))
  }
  const order = (w: readonly Pick<Capability, 'space' | 'offset'>[]): string => w.map((c) => `${c.space}:${c.offset}`).join(',')
  if (errors.length === 0 && order(walk.capabilities.filter((b) => !placeholder(b))) !== order([...layout.capabilities.filter((c) => c.space === 'standard'), ...layout.capabilities.filter((c) => c.space === 'extended')])) {
    errors.push(layoutError('CAP_NOT_LISTED', ['capabilities'], 'the built chain visits the capabilities in another order than the layout lists them'))
  }
  for (const p of walk.problems) errors.push(layoutError(CHAIN_PROBLEMS.has(p.code) ? 'OVERLAP' : 'BROKEN_CHAIN', ['capabilities'], renderWalkProblem(p)))
  return errors
}

/**
 * The function a layout describes, or every reason it cannot be built. Built, it shows the guest
 * exactly the layout's capabilities (ID, version, offset, length, in list order) and nothing
 * else: raw runs fill only bits no structure or field owns (`rawRunErrors`), and the walk of
 * the result must equal the list.
 */
export const build = (layout: FunctionLayout): E.Either<readonly LayoutError[], FunctionDump> => {
  const bounds = boundsErrors(layout)
  if (bounds.length > 0) return E.left(bounds)
  const errors: LayoutError[] = []
  const bytes = new Uint8Array(layout.size)
  // Raw runs first: everything the layout states by name is written over them.
  writeRaw(bytes, 0, layout.unclaimed)
  writeRaw(bytes, 0, layout.header.bytes)
  const id = layout.identity
  writeRegister(bytes, 0x00, 2, id.vendorId)
  writeRegister(bytes, 0x02, 2, id.deviceId)
  writeRegister(bytes, 0x08, 1, id.revisionId)
  writeRegister(bytes, 0x09, 1, id.classCode & 0xff)
  writeRegister(bytes, 0x0a, 1, (id.classCode >>> 8) & 0xff)
  writeRegister(bytes, 0x0b, 1, (id.classCode >>> 16) & 0xff)
  const headerLayout = layout.header.fields.headerLayout ?? 0
  bytes[0x0e] = (headerLayout & 0x7f) | ((layout.header.fields.multiFunction ?? 0) << 7)
  if (headerLayout === 0) {
    writeRegister(bytes, 0x2c, 2, id.subsystemVendorId)
    writeRegister(bytes, 0x2e, 2, id.subsystemId)
  }
  errors.push(...barErrors(layout))
  for (const bar of layout.bars) {
    writeRegister(bytes, 0x10 + 4 * bar.index, 4, bar.kind === 'io' ? 0x1 : (bar.kind === 'memory64' ? 0x4 : 0) | (bar.prefetchable ? 0x8 : 0))
  }
  for (const key of Object.keys(layout.header.fields)) {
    if (RESERVED_HEADER_KEY.test(key)) errors.push(layoutError('UNKNOWN_FIELD', ['header', 'fields', key], `"${key}" is set by identity, bars or the capability list, not by header fields`))
  }
  const headerValues = Object.fromEntries(Object.entries(layout.header.fields).filter(([k]) => !RESERVED_HEADER_KEY.test(k)))
  writeFields(bytes, bytes.slice(), 0, 0x40, null, headerFields(headerLayout), headerValues, ['header', 'fields'], errors)

  const standard = layout.capabilities.map((c, i) => [c, i] as const).filter(([c]) => c.space === 'standard')
  const extended = layout.capabilities.map((c, i) => [c, i] as const).filter(([c]) => c.space === 'extended')
  if (standard.length > 0) {
    bytes[0x06]! |= 0x10
    bytes[headerLayout === 2 ? 0x14 : 0x34] = standard[0]![0].offset
  }
  standard.forEach(([c], k) => {
    bytes[c.offset] = c.id
    bytes[c.offset + 1] = standard[k + 1]?.[0].offset ?? 0
  })
  if (extended.length > 0 && extended[0]![0].offset !== 0x100 && layout.size === 4096) writeRegister(bytes, 0x100, 4, (extended[0]![0].offset << 20) >>> 0)
  extended.forEach(([c], k) => {
    writeRegister(bytes, c.offset, 4, (((extended[k + 1]?.[0].offset ?? 0) << 20) | ((c.version ?? 0) << 16) | c.id) >>> 0)
  })
  for (const [c, i] of [...standard, ...extended]) writeCapability(bytes, c, ['capabilities', i], errors)

  const config = configSpace(bytes)!
  const walk = walkCapabilities(config)
  // One by one: a layout of 10^5 raw runs has as many errors, past any argument list's limit.
  for (const e of rawRunErrors(layout, config, walk)) errors.push(e)
  for (const e of listErrors(layout, walk)) errors.push(e)
  if (errors.length > 0) return E.left(errors)
  const resources = resourcesOf(layout)
  return E.right({
    file: layout.name,
    device: null,
    description: null,
    config,
    resources: resources === null ? null : { entries: resources },
    declaredBars: { bars: layout.bars, rom: layout.rom },
  })
}

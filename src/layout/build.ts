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
import { walkCapabilities } from '../capability/walk.js'
import { renderWalkProblem } from '../capability/walk-problem.js'
import { configSpace } from '../config-space/config-space.js'
import type { FunctionDump } from '../dump/function-dump.js'
import type { Resource } from '../dump/sysfs-resource.js'
import type { FieldValues, FunctionLayout, LayoutCapability, RawBytes } from './function-layout.js'
import { type LayoutError, type LayoutPath, layoutError } from './layout-error.js'

/** Keys the header's `fields` may not set: the layout says them elsewhere. */
const RESERVED_HEADER_KEY = /^(vendorId|deviceId|revisionId|programmingInterface|subClass|baseClass|subsystemVendorId|subsystemId|capabilitiesPointer|capabilitiesList|bar\d.*|rom.*)$/

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
  entries.push(layout.rom === null ? { index: 6, kind: 'unused', size: 0n, prefetchable: false, is64Bit: false } : { index: 6, kind: 'memory', size: layout.rom.size!, prefetchable: false, is64Bit: false })
  return entries
}

/** The function a layout describes, or every reason it cannot be built. */
export const build = (layout: FunctionLayout): E.Either<readonly LayoutError[], FunctionDump> => {
  const errors: LayoutError[] = []
  const bytes = new Uint8Array(layout.size)
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
  for (const bar of layout.bars) {
    writeRegister(bytes, 0x10 + 4 * bar.index, 4, bar.kind === 'io' ? 0x1 : (bar.kind === 'memory64' ? 0x4 : 0) | (bar.prefetchable ? 0x8 : 0))
  }
  writeRaw(bytes, 0, layout.unclaimed)
  writeRaw(bytes, 0, layout.header.bytes)
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
  // The built chain must walk back to exactly the layout's capabilities, lengths included.
  const walk = walkCapabilities(config)
  const built = walk.capabilities.filter((c) => !isHiddenPlaceholder(c))
  layout.capabilities.forEach((c, i) => {
    const found: Capability | undefined = built.find((b) => b.space === c.space && b.offset === c.offset && b.id === c.id)
    if (found === undefined) {
      errors.push(
        layoutError(
          'NOT_REACHABLE',
          ['capabilities', i, 'offset'],
          `the ${c.space} capability at 0x${c.offset.toString(16)} is not reachable from the chain the list order makes${c.space === 'extended' ? ' (the extended list starts at 0x100: a capability there must come first)' : ''}`,
        ),
      )
    } else if (found.length !== c.length) {
      errors.push(
        layoutError('LENGTH_DOES_NOT_FIT', ['capabilities', i, 'length'], `${capabilityLabel(found)}: its fields make it ${found.length} bytes, the layout says ${c.length}`),
      )
    }
  })
  for (const p of walk.problems) {
    if (CHAIN_PROBLEMS.has(p.code)) errors.push(layoutError('OVERLAP', ['capabilities'], renderWalkProblem(p)))
  }
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

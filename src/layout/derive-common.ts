/**
 * One instance type for a whole fleet: the richest layout every one of several physical
 * functions can back. Each function is derived as `derive` would (same policy); the first one's
 * layout is the starting point, with the identity the functions agree on (or the operator
 * names), and then `realize` itself is the judge: it is run against every function, and each
 * refusal is answered by the least change that removes it — a capability some function lacks,
 * or whose identity, version, length or undescribed bytes differ there, is dropped; a capacity
 * is lowered to that function's; feature bits it lacks are cleared; a BAR or ROM it cannot
 * present is dropped — until every function backs the layout. Every change is a note naming the
 * functions that forced it, with what was there before (so it can be put back, and `realize`
 * then fails on exactly those functions). The vPASID, when the policy hides PASID, is placed
 * last, in space free on the resulting layout and on every function (quirks and the devices'
 * own bytes included), and kept only where every function (or its PF) has PASID.
 *
 * Each round either reaches a layout all functions back or changes something that never
 * changes back (a capability dropped, a field lowered to a value some function has, a BAR
 * dropped), so the rounds are bounded by the layout's capabilities, fields and BARs.
 */
import * as E from 'fp-ts/lib/Either.js'
import { type FieldSpec, fieldValue, resetValue, showValue } from '../capability/field.js'
import { lookupCapability } from '../capability/registry.js'
import { readU8, readU16, readU32 } from '../config-space/config-space.js'
import type { Reason } from '../proof/reason.js'
import { type PreparedFunction, prepareFunction } from '../semantic/prepared-function.js'
import { type FieldInstance, fieldsOfCapability } from '../semantic/semantic-image.js'
import { build } from './build.js'
import { type DeriveOptions, derive } from './derive.js'
import { type ByteRange, findFreeSpace, quirkRanges, whyNotFree } from './free-space.js'
import type { FunctionLayout, Identity, LayoutBar, LayoutCapability } from './function-layout.js'
import { hides } from './hiding-policy.js'
import { type LayoutError, layoutError } from './layout-error.js'
import { realize } from './realize.js'
import { type QuirkWarning, quirkWarnings } from '../device/quirk-warnings.js'

/** One function of the fleet: a physical function, and for a VF its PF. */
export interface FleetFunction {
  readonly physical: PreparedFunction
  readonly pf?: PreparedFunction
}

export interface DeriveCommonOptions extends Omit<DeriveOptions, 'pf'> {
  /** Identity fields to present where the functions differ (each must be named, or the derivation is refused). */
  readonly identity?: Partial<Identity>
}

/** What a note changed, with what was there before. */
export type CommonChange =
  /** `with`: capabilities dropped before it that it cannot stand without (extended capabilities need PCI Express). */
  | { readonly _tag: 'CapabilityDropped'; readonly capability: LayoutCapability; readonly with?: readonly LayoutCapability[] }
  | { readonly _tag: 'FieldLowered'; readonly offset: number; readonly key: string; readonly from: number; readonly to: number }
  | { readonly _tag: 'FeaturesCleared'; readonly offset: number; readonly key: string; readonly from: number; readonly to: number }
  | { readonly _tag: 'BarDropped'; readonly bar: LayoutBar }
  | { readonly _tag: 'RomDropped'; readonly rom: NonNullable<FunctionLayout['rom']> }
  | { readonly _tag: 'IdentityNamed'; readonly field: keyof Identity; readonly value: number }
  | { readonly _tag: 'SizeLowered'; readonly from: 4096 }

/** What the common layout gave up, and because of which functions. */
export interface CommonNote {
  readonly change: CommonChange
  /** The functions (by name) that forced it. */
  readonly functions: readonly string[]
  /** `Page Request Interface at 0x158 dropped: absent on 0000:5e:00.0`. */
  readonly message: string
}

export interface CommonLayout {
  readonly layout: FunctionLayout
  readonly notes: readonly CommonNote[]
  /** What each function's own config space should make its reviewer look at (device/quirk-warnings.ts). */
  readonly warnings: ReadonlyArray<{ readonly function: string; readonly warning: QuirkWarning }>
}

const PASID_ID = 0x1b
const PASID_LENGTH = 8
const hex = (n: number): string => `0x${n.toString(16)}`

const IDENTITY_FIELDS: ReadonlyArray<readonly [keyof Identity, string]> = [
  ['vendorId', 'Vendor ID'],
  ['deviceId', 'Device ID'],
  ['revisionId', 'Revision ID'],
  ['classCode', 'Class Code'],
  ['subsystemVendorId', 'Subsystem Vendor ID'],
  ['subsystemId', 'Subsystem ID'],
]

/** The identity every layout shares, with the operator's named fields; or each field that differs unnamed. */
const commonIdentity = (layouts: readonly FunctionLayout[], names: readonly string[], named: Partial<Identity>): E.Either<LayoutError[], { identity: Identity; notes: CommonNote[] }> => {
  const identity: Record<string, number> = {}
  const errors: LayoutError[] = []
  const notes: CommonNote[] = []
  for (const [key, label] of IDENTITY_FIELDS) {
    const values = layouts.map((l) => l.identity[key])
    const given = named[key]
    if (given !== undefined) {
      identity[key] = given
      const others = names.filter((_, k) => values[k] !== given)
      if (others.length > 0) {
        notes.push({
          change: { _tag: 'IdentityNamed', field: key, value: given },
          functions: others,
          message: `${label} ${hex(given)} presented as named: ${others.map((n) => `${hex(values[names.indexOf(n)]!)} on ${n}`).join(', ')}`,
        })
      }
    } else if (values.every((v) => v === values[0])) {
      identity[key] = values[0]!
    } else {
      errors.push(
        layoutError(
          'IDENTITY_DIFFERS',
          ['identity', key],
          `${label} differs: ${values.map((v, k) => `${hex(v)} on ${names[k]}`).join(', ')}; name the one to present (--identity ${key}=${hex(values[0]!)})`,
        ),
      )
    }
  }
  return errors.length > 0 ? E.left(errors) : E.right({ identity: identity as unknown as Identity, notes })
}

/** BAR and ROM sizes the first function's layout does not know, from the functions that do, where they agree. */
const knownSizes = (base: FunctionLayout, layouts: readonly FunctionLayout[]): Pick<FunctionLayout, 'bars' | 'rom'> => {
  const agreed = (sizes: ReadonlyArray<bigint | null | undefined>): bigint | null => {
    const known = [...new Set(sizes.filter((s): s is bigint => s !== null && s !== undefined))]
    return known.length === 1 ? known[0]! : null
  }
  const bars = base.bars.map((b) => (b.size !== null ? b : { ...b, size: agreed(layouts.map((l) => l.bars.find((x) => x.index === b.index && x.kind === b.kind)?.size)) }))
  const rom = base.rom === null || base.rom.size !== null ? base.rom : { size: agreed(layouts.map((l) => l.rom?.size)) }
  return { bars, rom }
}

/** The capability of `layout` holding absolute offset `at`. */
const capabilityAt = (layout: FunctionLayout, at: number): number =>
  layout.capabilities.findIndex((c) => at >= c.offset && at < c.offset + c.length)

const capabilityName = (c: LayoutCapability): string =>
  `${c.backing === 'emulated' ? 'emulated ' : ''}${lookupCapability(c.space, c.id)?.name ?? `capability ${hex(c.id)}`} at ${hex(c.offset)}`

/** A refusal and the function it came from. */
interface Failure {
  readonly reason: Reason
  readonly fn: string
}

const DROPS: ReadonlySet<string> = new Set(['CAP_MISSING', 'CAP_VERSION', 'CAP_LENGTH', 'BYTES_DIFFER', 'FIELD_IDENTITY'])

/** Why a capability cannot stay, in a few words, for its note. */
const dropBecause = (f: Failure, spec: FieldSpec | undefined): string => {
  const r = f.reason
  const dest = r.destination as { version?: number | null; length?: number } | number | null
  switch (r.code) {
    case 'CAP_MISSING':
      return `absent on ${f.fn}`
    case 'CAP_VERSION':
      return `version ${typeof dest === 'object' && dest !== null ? dest.version : '?'} on ${f.fn}`
    case 'CAP_LENGTH':
      return `${typeof dest === 'object' && dest !== null ? dest.length : '?'} bytes on ${f.fn}`
    case 'FIELD_IDENTITY':
      return spec === undefined
        ? `${r.field ?? 'a field'} differs on ${f.fn}`
        : `${spec.name} is ${showValue(spec, r.destination as number)} on ${f.fn}, ${showValue(spec, r.source as number)} here`
    default:
      return `byte ${hex(r.offset ?? 0)} reads ${hex(r.destination as number)} on ${f.fn}, ${hex(r.source as number)} here`
  }
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs)]

/** The field specs of the layout's capabilities as built, by capability index and key. */
const fieldSpecs = (layout: FunctionLayout): ((index: number, key: string) => FieldSpec | undefined) => {
  const built = build(layout)
  if (E.isLeft(built)) return () => undefined
  const virtual = prepareFunction(built.right)
  return (index, key) => {
    const c = layout.capabilities[index]!
    return fieldsOfCapability(virtual.semantic, { space: c.space, offset: c.offset }).find((f) => f.spec.key === key)?.spec
  }
}

/**
 * The least change to `layout` answering every failure, with its notes; or the failures no
 * change to the layout can answer (an identity the operator named that a function does not
 * have, a VF without its PF, ...).
 */
const answer = (layout: FunctionLayout, failures: readonly Failure[]): E.Either<Failure[], { layout: FunctionLayout; notes: CommonNote[] }> => {
  const specOf = fieldSpecs(layout)
  const notes: CommonNote[] = []
  const unanswerable: Failure[] = []
  const byCapability = new Map<number, Failure[]>()
  const bars = new Map<number, Failure[]>()
  const rom: Failure[] = []
  for (const f of failures) {
    const r = f.reason
    const bar = r.code === 'BAR_DIFFERS' && r.field !== null ? /^BAR (\d)$/.exec(r.field) : null
    if (bar !== null) bars.set(Number(bar[1]), [...(bars.get(Number(bar[1])) ?? []), f])
    else if (r.code === 'BAR_DIFFERS' && r.field === 'Expansion ROM') rom.push(f)
    else if (r.capability !== null && r.offset !== null && capabilityAt(layout, r.offset) >= 0) {
      const k = capabilityAt(layout, r.offset)
      byCapability.set(k, [...(byCapability.get(k) ?? []), f])
    } else unanswerable.push(f)
  }
  if (unanswerable.length > 0) return E.left(unanswerable)

  const capabilities = layout.capabilities.map((c, k) => {
    const fs = byCapability.get(k)
    if (fs === undefined) return c
    const drops = fs.filter((f) => DROPS.has(f.reason.code))
    if (drops.length > 0) {
      const because = unique(drops.map((f) => dropBecause(f, f.reason.field === null ? undefined : specOf(k, f.reason.field))))
      notes.push({ change: { _tag: 'CapabilityDropped', capability: c }, functions: unique(drops.map((f) => f.fn)), message: `${capabilityName(c)} dropped: ${because.join('; ')}` })
      return null
    }
    const fields: Record<string, number> = { ...c.fields }
    for (const key of unique(fs.map((f) => f.reason.field ?? ''))) {
      const spec = specOf(k, key)
      const on = fs.filter((f) => f.reason.field === key)
      const from = on[0]!.reason.source as number
      const show = (v: number): string => (spec === undefined ? hex(v) : showValue(spec, v))
      if (on[0]!.reason.code === 'FIELD_CAPACITY') {
        const magnitude = spec?.magnitude ?? ((v: number) => v)
        const to = on.map((f) => f.reason.destination as number).reduce((a, b) => (magnitude(b) < magnitude(a) ? b : a))
        fields[key] = to
        notes.push({
          change: { _tag: 'FieldLowered', offset: c.offset, key, from, to },
          functions: unique(on.map((f) => f.fn)),
          message: `${capabilityName(c)}, ${spec?.name ?? key} lowered from ${show(from)} to ${show(to)}: ${unique(on.map((f) => `${show(f.reason.destination as number)} on ${f.fn}`)).join(', ')}`,
        })
      } else {
        const to = on.reduce((v, f) => (v & (f.reason.destination as number)) >>> 0, from)
        fields[key] = to
        notes.push({
          change: { _tag: 'FeaturesCleared', offset: c.offset, key, from, to },
          functions: unique(on.map((f) => f.fn)),
          message: `${capabilityName(c)}, ${spec?.name ?? key} cleared from ${hex(from)} to ${hex(to)}: ${unique(on.map((f) => `${f.fn} lacks ${hex((from & ~(f.reason.destination as number)) >>> 0)}`)).join(', ')}`,
        })
      }
      if (fields[key] === 0) delete fields[key]
    }
    return { ...c, fields }
  })
  const keptBars = layout.bars.filter((b) => {
    const fs = bars.get(b.index)
    if (fs === undefined) return true
    notes.push({ change: { _tag: 'BarDropped', bar: b }, functions: unique(fs.map((f) => f.fn)), message: `BAR ${b.index} dropped: ${unique(fs.map((f) => `${f.fn} has ${String(f.reason.destination)}`)).join(', ')}` })
    return false
  })
  if (rom.length > 0 && layout.rom !== null) {
    notes.push({ change: { _tag: 'RomDropped', rom: layout.rom }, functions: unique(rom.map((f) => f.fn)), message: `Expansion ROM dropped: ${unique(rom.map((f) => `${f.fn} has ${String(f.reason.destination)}`)).join(', ')}` })
  }
  const next: FunctionLayout = {
    ...layout,
    capabilities: capabilities.filter((c): c is LayoutCapability => c !== null),
    bars: keptBars,
    rom: rom.length > 0 ? null : layout.rom,
  }
  return E.right({ layout: next, notes: [...notes, ...orphanNotes(next, notes)] })
}

/** True when these standard capabilities give a function extended space (PCI Express or PCI-X, by the walker's rule). */
const bringsExtendedSpace = (layout: FunctionLayout, standard: readonly LayoutCapability[]): boolean => {
  const built = build({ ...layout, size: 4096, capabilities: standard })
  return E.isRight(built) && prepareFunction(built.right).walk.extendedSpace
}

/**
 * Extended capabilities left without the standard capability that gives a function extended
 * space: dropped with it, blamed on the functions that made it go.
 */
const orphanNotes = (layout: FunctionLayout, dropped: readonly CommonNote[]): CommonNote[] => {
  const standard = layout.capabilities.filter((c) => c.space === 'standard')
  if (!layout.capabilities.some((c) => c.space === 'extended') || bringsExtendedSpace(layout, standard)) return []
  const providers = dropped.filter((n) => n.change._tag === 'CapabilityDropped' && n.change.capability.space === 'standard' && bringsExtendedSpace(layout, [...standard, n.change.capability]))
  const needs = providers.flatMap((n) => (n.change._tag === 'CapabilityDropped' ? [n.change.capability] : []))
  return layout.capabilities
    .filter((c) => c.space === 'extended')
    .map((c) => ({
      change: { _tag: 'CapabilityDropped' as const, capability: c, with: needs },
      functions: unique(providers.flatMap((n) => n.functions)),
      message: `${capabilityName(c)} dropped: extended capabilities need ${needs.map(capabilityName).join(' or ') || 'PCI Express or PCI-X'}, dropped above`,
    }))
}

/** The field values every failure of one round leaves: run `realize` on every function until all back the layout. */
const settle = (start: FunctionLayout, fleet: readonly FleetFunction[]): E.Either<LayoutError[], { layout: FunctionLayout; notes: CommonNote[] }> => {
  const notes: CommonNote[] = []
  let layout = start
  // Each round drops a capability, BAR or ROM for good, or takes a capacity or features field
  // strictly down to a value some failing function has; a function it satisfies fails it again
  // only when a drop re-pairs a capability, so each field moves at most once per function.
  const built = build(layout)
  const fields = E.isRight(built) ? prepareFunction(built.right).semantic.fields.length : 0
  const bound = 4 + layout.bars.length + layout.capabilities.length + fields * fleet.length
  for (let round = 0; round < bound; round++) {
    const failures: Failure[] = []
    for (const f of fleet) {
      const r = realize(layout, f.physical, f.pf === undefined ? {} : { pf: f.pf })
      if (E.isLeft(r)) return E.left(r.left.map((e) => ({ ...e, message: `the common layout: ${e.message}` })))
      for (const reason of r.right.reasons) if (reason.severity === 'error') failures.push({ reason, fn: f.physical.name })
    }
    if (failures.length === 0) return E.right({ layout, notes })
    const step = answer(layout, failures)
    if (E.isLeft(step)) {
      return E.left(step.left.map((f) => layoutError('NO_COMMON_LAYOUT', [], `${f.fn} cannot back the common layout: ${f.reason.message}`)))
    }
    const gone = new Set(step.right.notes.flatMap((n) => (n.change._tag === 'CapabilityDropped' ? [n.change.capability] : [])))
    layout = { ...step.right.layout, capabilities: step.right.layout.capabilities.filter((c) => !gone.has(c)) }
    notes.push(...step.right.notes)
  }
  throw new Error('deriveCommon: the layout did not settle within its bound')
}

/** The vPASID's fields from a physical PASID capability: the read-only capability bits a guest sees. */
const vpasidOf = (source: PreparedFunction, at: number): LayoutCapability | null => {
  const pasid = source.walk.capabilities.find((c) => c.space === 'extended' && c.id === PASID_ID)
  if (pasid === undefined) return null
  const register = (f: FieldInstance): number => (f.spec.width === 1 ? readU8(source.config, f.offset) : f.spec.width === 2 ? readU16(source.config, f.offset) : readU32(source.config, f.offset))
  const fields: Record<string, number> = {}
  for (const f of fieldsOfCapability(source.semantic, pasid)) {
    if (!['executePermission', 'privilegedMode', 'maxPasidWidth'].includes(f.spec.key)) continue
    const v = fieldValue(f.spec, register(f))
    if (v !== 0) fields[f.spec.key] = v
  }
  return { space: 'extended', offset: at, id: PASID_ID, version: pasid.version, backing: 'emulated', length: PASID_LENGTH, fields, bytes: [] }
}

/** Writable fields at their reset values again, where a lowered read-only field decides them (Target Link Speed). */
const resetWritable = (layout: FunctionLayout): FunctionLayout => {
  const built = build(layout)
  if (E.isLeft(built)) return layout
  const virtual = prepareFunction(built.right)
  const capabilities = layout.capabilities.map((c) => {
    const fields = fieldsOfCapability(virtual.semantic, { space: c.space, offset: c.offset })
    const value = (f: FieldInstance): number => fieldValue(f.spec, f.spec.width === 1 ? readU8(virtual.config, f.offset) : f.spec.width === 2 ? readU16(virtual.config, f.offset) : readU32(virtual.config, f.offset))
    const next: Record<string, number> = { ...c.fields }
    for (const f of fields) {
      if (f.spec.access !== 'RW' && f.spec.access !== 'RW1C') continue
      const v = resetValue(f.spec, (key) => {
        const source = key === null ? f : fields.find((x) => x.spec.key === key)
        return source === undefined ? 0 : value(source)
      })
      if (v === 0) delete next[f.spec.key]
      else next[f.spec.key] = v
    }
    return { ...c, fields: next }
  })
  return { ...layout, capabilities }
}

/** The fleet with every function named apart (notes name functions): a repeated name gets its position. */
const namedApart = (fleet: readonly FleetFunction[]): readonly FleetFunction[] => {
  const names = fleet.map((f) => f.physical.name)
  return fleet.map((f, k) => (names.indexOf(names[k]!) === names.lastIndexOf(names[k]!) ? f : { ...f, physical: { ...f.physical, name: `${names[k]} [${k + 1}]` } }))
}

/** The richest layout every function of `fleet` can back, and what was given up for it. */
export const deriveCommon = (given: readonly FleetFunction[], options: DeriveCommonOptions = {}): E.Either<readonly LayoutError[], CommonLayout> => {
  const fleet = namedApart(given)
  if (fleet.length === 0) return E.left([layoutError('NO_COMMON_LAYOUT', [], 'no physical functions given')])
  const policy = options.policy ?? 'kernel'
  const derived = fleet.map((f) => derive(f.physical, { policy, pasid: 'none', ...(options.usable === undefined ? {} : { usable: options.usable }), ...(f.pf === undefined ? {} : { pf: f.pf }) }))
  const failed = derived.flatMap((d) => (E.isLeft(d) ? d.left : []))
  if (failed.length > 0) return E.left(failed)
  const layouts = derived.map((d) => (d as E.Right<FunctionLayout>).right)
  const names = fleet.map((f) => f.physical.name)
  const identity = commonIdentity(layouts, names, options.identity ?? {})
  if (E.isLeft(identity)) return identity
  const base = layouts[0]!
  const start: FunctionLayout = {
    ...base,
    ...knownSizes(base, layouts),
    name: options.name ?? `common layout of ${names.join(', ')}`,
    persona: options.persona ?? null,
    identity: identity.right.identity,
  }
  const first = settle(start, fleet)
  if (E.isLeft(first)) return first
  const notes: CommonNote[] = [...identity.right.notes, ...first.right.notes]
  let layout = first.right.layout

  // A function read (or built) without extended space: the layout is 256 bytes once nothing extended is left.
  const short = names.filter((_, k) => layouts[k]!.size === 256)
  if (layout.size === 4096 && short.length > 0 && !layout.capabilities.some((c) => c.space === 'extended')) {
    notes.push({ change: { _tag: 'SizeLowered', from: 4096 }, functions: short, message: `config space lowered to 256 bytes: ${short.join(', ')} ${short.length === 1 ? 'has' : 'have'} no extended space` })
    // The first function's own bytes in extended space go with it.
    layout = { ...layout, size: 256, unclaimed: layout.unclaimed.flatMap((r) => (r.at >= 0x100 ? [] : [{ at: r.at, bytes: r.bytes.slice(0, 0x100 - r.at) }])) }
  }

  // The vPASID, where the policy hides PASID: placed in space free on the layout and on every function.
  const choice = options.pasid ?? 'auto'
  const source = fleet.map((f) => f.pf ?? f.physical).find((p) => p.walk.capabilities.some((c) => c.space === 'extended' && c.id === PASID_ID))
  if (choice !== 'none' && layout.size === 4096 && source !== undefined && hides(policy, { space: 'extended', id: PASID_ID })) {
    const taken: ByteRange[] = [
      ...layout.capabilities.filter((c) => c.space === 'extended').map((c): ByteRange => [c.offset, c.offset + c.length]),
      ...layouts.flatMap((l) => [...quirkRanges(l.identity), ...l.unclaimed.map((r): ByteRange => [r.at, r.at + r.bytes.length])]),
      ...quirkRanges(layout.identity),
    ]
    const usable = options.usable ?? null
    const at = choice === 'auto' ? findFreeSpace(PASID_LENGTH, taken, usable) : choice
    const why = at === null ? 'no free 8 bytes in extended space on every function' : whyNotFree(at, PASID_LENGTH, taken, usable)
    if (at === null || why !== null) {
      return E.left([layoutError(at === null ? 'NO_FREE_SPACE' : 'PASID_OFFSET_NOT_FREE', ['pasid'], `cannot place the vPASID capability${at === null ? '' : ` at ${hex(at)}`}: ${why}`)])
    }
    const vpasid = vpasidOf(source, at)!
    const firstExtended = layout.capabilities.findIndex((c) => c.space === 'extended')
    const capabilities = [...layout.capabilities]
    if (at === 0x100 && firstExtended >= 0) capabilities.splice(firstExtended, 0, vpasid)
    else capabilities.push(vpasid)
    const second = settle({ ...layout, capabilities }, fleet)
    if (E.isLeft(second)) return second
    notes.push(...second.right.notes)
    layout = second.right.layout
  }
  const warnings = layouts.flatMap((l, k) => quirkWarnings(l).map((warning) => ({ function: names[k]!, warning })))
  return E.right({ layout: resetWritable(layout), notes, warnings })
}

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
import { fieldValue, resetValue } from '../capability/field.js'
import { readU8, readU16, readU32 } from '../config-space/config-space.js'
import { type PreparedFunction, prepareFunction } from '../semantic/prepared-function.js'
import { type FieldInstance, fieldsOfCapability } from '../semantic/semantic-image.js'
import { build } from './build.js'
import { type DeriveOptions, derive } from './derive.js'
import { type ByteRange, findFreeSpace, quirkRanges, whyNotFree } from './free-space.js'
import type { FunctionLayout, Identity, LayoutCapability } from './function-layout.js'
import { answer, type Failure } from './common-answer.js'
import type { CommonNote } from './common-note.js'
import { hides } from './hiding-policy.js'
import { type LayoutError, layoutError } from './layout-error.js'
import { realize } from './realize.js'
import { type QuirkWarning, quirkWarnings } from '../device/quirk-warnings.js'

export type { CommonChange, CommonNote } from './common-note.js'

/** One function of the fleet: a physical function, and for a VF its PF. */
export interface FleetFunction {
  readonly physical: PreparedFunction
  readonly pf?: PreparedFunction
}

export interface DeriveCommonOptions extends Omit<DeriveOptions, 'pf'> {
  /** Identity fields to present where the functions differ (each must be named, or the derivation is refused). */
  readonly identity?: Partial<Identity>
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

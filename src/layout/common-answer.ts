/**
 * One round of `deriveCommon`: the least change to a layout that answers every refusal `realize`
 * gave on the functions of a fleet, each change a note naming the functions that forced it. A
 * capability a function lacks, or whose identity, version, length or undescribed bytes differ
 * there, is dropped (and the extended capabilities that stood on a dropped PCI Express with it);
 * a capacity goes down to the lowest a failing function has; feature bits any failing function
 * lacks are cleared; a BAR or ROM a function cannot present is dropped. What no change to the
 * layout can answer (a named identity a function does not have, a VF without its PF) is returned
 * as it is.
 */
import * as E from 'fp-ts/lib/Either.js'
import { type FieldSpec, showValue } from '../capability/field.js'
import { lookupCapability } from '../capability/registry.js'
import type { Reason } from '../proof/reason.js'
import { prepareFunction } from '../semantic/prepared-function.js'
import { fieldsOfCapability } from '../semantic/semantic-image.js'
import { build } from './build.js'
import type { CommonNote } from './common-note.js'
import type { FunctionLayout, LayoutCapability } from './function-layout.js'

const hex = (n: number): string => `0x${n.toString(16)}`

/** The capability of `layout` holding absolute offset `at`. */
const capabilityAt = (layout: FunctionLayout, at: number): number =>
  layout.capabilities.findIndex((c) => at >= c.offset && at < c.offset + c.length)

const capabilityName = (c: LayoutCapability): string =>
  `${c.backing === 'emulated' ? 'emulated ' : ''}${lookupCapability(c.space, c.id)?.name ?? `capability ${hex(c.id)}`} at ${hex(c.offset)}`

/** A refusal and the function it came from. */
export interface Failure {
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

export const unique = (xs: readonly string[]): string[] => [...new Set(xs)]

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
export const answer = (layout: FunctionLayout, failures: readonly Failure[]): E.Either<Failure[], { layout: FunctionLayout; notes: CommonNote[] }> => {
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

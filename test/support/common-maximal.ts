/**
 * The oracle for `deriveCommon`: `realize` itself. A common layout is sound when every function
 * of the fleet backs it, and maximal when each thing its notes say was given up, put back alone,
 * makes `realize` refuse on the functions the note names.
 */
import * as E from 'fp-ts/lib/Either.js'
import { expect } from 'vitest'
import type { CommonLayout, CommonNote, FleetFunction } from '../../src/layout/derive-common.js'
import type { FunctionLayout, LayoutCapability } from '../../src/layout/function-layout.js'
import { realize } from '../../src/layout/realize.js'

/** `cap` back in `layout`'s list where the chain can hold it (an extended capability at 0x100 comes first). */
const insert = (list: readonly LayoutCapability[], cap: LayoutCapability): LayoutCapability[] => {
  const out = [...list]
  const ofSpace = out.map((c, k) => [c, k] as const).filter(([c]) => c.space === cap.space)
  if (cap.space === 'extended' && cap.offset === 0x100 && ofSpace.length > 0) out.splice(ofSpace[0]![1], 0, cap)
  else if (ofSpace.length > 0) out.splice(ofSpace[ofSpace.length - 1]![1] + 1, 0, cap)
  else if (cap.space === 'standard') out.unshift(cap)
  else out.push(cap)
  return out
}

/** The layout with what `note` gave up put back; null for notes that give up nothing a guest sees (an identity named, a size). */
export const putBack = (layout: FunctionLayout, note: CommonNote): FunctionLayout | null => {
  const c = note.change
  switch (c._tag) {
    case 'CapabilityDropped': {
      let caps = layout.capabilities
      for (const w of c.with ?? []) caps = insert(caps, w)
      return { ...layout, size: c.capability.space === 'extended' ? 4096 : layout.size, capabilities: insert(caps, c.capability) }
    }
    case 'FieldLowered':
    case 'FeaturesCleared':
      return { ...layout, capabilities: layout.capabilities.map((x) => (x.offset === c.offset ? { ...x, fields: { ...x.fields, [c.key]: c.from } } : x)) }
    case 'BarDropped':
      return { ...layout, bars: [...layout.bars, c.bar].sort((a, b) => a.index - b.index) }
    case 'RomDropped':
      return { ...layout, rom: c.rom }
    default:
      return null
  }
}

const backs = (layout: FunctionLayout, f: FleetFunction): boolean => {
  const r = realize(layout, f.physical, f.pf === undefined ? {} : { pf: f.pf })
  return E.isRight(r) && r.right.compatible
}

/** Every function backs the common layout, and each note's change, undone, fails on the functions it names. */
export const expectSoundAndMaximal = (common: CommonLayout, fleet: readonly FleetFunction[]): void => {
  for (const f of fleet) expect(backs(common.layout, f), `${f.physical.name} backs the common layout`).toBe(true)
  const names = (f: FleetFunction, k: number): string[] => [f.physical.name, `${f.physical.name} [${k + 1}]`]
  for (const note of common.notes) {
    const restored = putBack(common.layout, note)
    if (restored === null) continue
    const failing = fleet.flatMap((f, k) => (backs(restored, f) ? [] : names(f, k)))
    expect(note.functions.length, note.message).toBeGreaterThan(0)
    for (const fn of note.functions) expect(failing, `${note.message}: put back, it fails on ${fn}`).toContain(fn)
  }
}

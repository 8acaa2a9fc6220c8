/**
 * Re-deriving over a layout file someone has edited (`vpci derive --update`). The file is the
 * instance type's contract, so its values stay wherever what they describe still exists: a
 * capability the physical function still has keeps the file's offset, version, backing, fields
 * and bytes; the header, identity, persona, name and raw bytes stay the file's; a BAR the
 * function still has (same number and kind) stays the file's, size included. What the function
 * gained comes from the new derivation (capabilities that fit where the file leaves room, BARs),
 * and passed-through capabilities or BARs it lost go. Emulated capabilities stay: the VMM
 * synthesises them whatever the hardware. Every change is listed, so an operator sees what
 * moved, and `vpci check LAYOUT PHYSICAL` still says whether the hardware can back the result.
 */
import type { Space } from '../capability/capability.js'
import { lookupCapability } from '../capability/registry.js'
import type { FunctionLayout, LayoutBar, LayoutCapability } from './function-layout.js'

export interface LayoutUpdate {
  readonly layout: FunctionLayout
  /** One sentence per capability or BAR added or dropped, in order. */
  readonly changes: readonly string[]
}

const label = (c: Pick<LayoutCapability, 'space' | 'id' | 'offset'>): string =>
  `${lookupCapability(c.space, c.id)?.name ?? `${c.space} capability 0x${c.id.toString(16)}`} at 0x${c.offset.toString(16)}`

const overlaps = (a: LayoutCapability, b: LayoutCapability): boolean => a.space === b.space && a.offset < b.offset + b.length && b.offset < a.offset + a.length

/** Pairs each capability of `derived` with the file's capability of the same space and ID (the k-th with the k-th). */
const matchCapabilities = (file: readonly LayoutCapability[], derived: readonly LayoutCapability[]): Map<LayoutCapability, LayoutCapability> => {
  const byKey = new Map<string, LayoutCapability[]>()
  for (const c of file) {
    const key = `${c.space as Space}:${c.id}`
    const list = byKey.get(key)
    if (list === undefined) byKey.set(key, [c])
    else list.push(c)
  }
  const matched = new Map<LayoutCapability, LayoutCapability>()
  for (const d of derived) {
    const f = byKey.get(`${d.space}:${d.id}`)?.shift()
    if (f !== undefined) matched.set(d, f)
  }
  return matched
}

/** The file's layout brought up to date with a new derivation of the physical function. */
export const updateLayout = (file: FunctionLayout, derived: FunctionLayout): LayoutUpdate => {
  const changes: string[] = []
  const matched = matchCapabilities(file.capabilities, derived.capabilities)
  const kept = new Set(matched.values())
  const capabilities: LayoutCapability[] = []
  for (const c of file.capabilities) {
    if (kept.has(c) || c.backing === 'emulated') capabilities.push(c)
    else changes.push(`dropped ${label(c)}: the physical function no longer has it`)
  }
  for (const d of derived.capabilities) {
    if (matched.has(d)) continue
    const clash = capabilities.find((c) => overlaps(c, d))
    if (clash !== undefined) changes.push(`left out ${label(d)}, new on the physical function: it overlaps ${label(clash)} of the file`)
    else {
      capabilities.push(d)
      changes.push(`added ${label(d)}, new on the physical function`)
    }
  }
  const bars: LayoutBar[] = []
  for (const d of derived.bars) {
    const f = file.bars.find((b) => b.index === d.index && b.kind === d.kind)
    bars.push(f ?? d)
    if (f === undefined) changes.push(`added BAR ${d.index} (${d.kind}), new on the physical function`)
  }
  for (const f of file.bars) if (!bars.some((b) => b.index === f.index && b.kind === f.kind)) changes.push(`dropped BAR ${f.index} (${f.kind}): the physical function no longer has it`)
  const rom = derived.rom === null ? null : (file.rom ?? derived.rom)
  if (file.rom !== null && rom === null) changes.push('dropped the expansion ROM: the physical function no longer has one')
  if (file.rom === null && rom !== null) changes.push('added the expansion ROM, new on the physical function')
  const hidden = derived.hidden.filter((h) => !capabilities.some((c) => c.space === h.space && c.id === h.id && c.backing === 'passthrough'))
  return { layout: { ...file, bars, rom, capabilities, hidden }, changes }
}

/**
 * An inventory's hosts grouped by the device classes of their free functions: for each class
 * (`deviceClassKey`: the model's digest and name, persona, PF), one host function standing for
 * it and the slots of the hosts that have it free. A plan judges each class once; the hosts a
 * VM could go to are then found from the lists of the classes that can take its functions,
 * without visiting the others.
 *
 * Lists hold (slot, version) pairs: a host's update bumps its slot's version, which makes its
 * old entries stale at once (O(1), nothing searched), and appends new ones. A list is compacted
 * when half of it is stale, so its length stays within twice its live entries; a class no host
 * has free any more is dropped. Updates cost the host's own functions, never the fleet's.
 */
import type { Persona } from '../layout/function-layout.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'
import { type Host, type HostFunction, pfOf } from './host.js'
import { deviceClassKey, personaKey } from './migration-plan.js'

export interface IndexedClass {
  readonly key: string
  /** A host function of the class, and its PF, to judge the class by. */
  readonly candidate: HostFunction
  readonly pf: PreparedFunction | undefined
  /** (slot, version) pairs, `length` numbers in use. */
  entries: Int32Array
  length: number
  /** Entries known stale. */
  stale: number
  /** Live hosts with a free function of the class. */
  hosts: number
}

export interface ClassIndex {
  /** The distinct classes of a host's free functions, in order of first appearance. */
  readonly classesOf: (host: Host) => IndexedClass[]
  /** Records that the host at `slot` (now at `version`) has these classes free. */
  readonly add: (slot: number, version: number, classes: readonly IndexedClass[]) => void
  /** Records that the host at `slot` no longer has these classes free (its version was bumped first). */
  readonly drop: (classes: readonly IndexedClass[]) => void
  /** Every class some live host has free. */
  readonly live: () => IterableIterator<IndexedClass>
  /** Entries rewritten through `renumber` (old slot → new slot, -1 gone), versions all set to 0. */
  readonly renumber: (renumber: Int32Array, version: Int32Array) => void
}

/** Persona keys by object (host files give each function its own; fleets share them). */
const personaText = new WeakMap<Persona, string>()

/** `deviceClassKey` without re-serializing a persona object seen before. */
const classKey = (c: HostFunction, pf: PreparedFunction | undefined): string => {
  if (c.persona === null) return deviceClassKey(c, pf)
  let text = personaText.get(c.persona)
  if (text === undefined) personaText.set(c.persona, (text = personaKey(c.persona)))
  return deviceClassKey(c, pf, text)
}

export const classIndex = (isLive: (slot: number, version: number) => boolean): ClassIndex => {
  const byKey = new Map<string, IndexedClass>()

  const compact = (c: IndexedClass): void => {
    let w = 0
    for (let r = 0; r < c.length; r += 2) {
      if (!isLive(c.entries[r]!, c.entries[r + 1]!)) continue
      c.entries[w++] = c.entries[r]!
      c.entries[w++] = c.entries[r + 1]!
    }
    c.length = w
    c.stale = 0
    if (c.entries.length > 64 && w < c.entries.length / 4) c.entries = c.entries.slice(0, Math.max(64, 2 * w))
  }

  return {
    classesOf: (host) => {
      const out: IndexedClass[] = []
      const fns = host.functions
      for (let k = 0; k < fns.length; k++) {
        const c = fns[k]!
        if (!c.free) continue
        const pf = c.pf === null ? undefined : pfOf(fns, c)
        const key = classKey(c, pf)
        let cls = byKey.get(key)
        if (cls === undefined) byKey.set(key, (cls = { key, candidate: c, pf, entries: new Int32Array(8), length: 0, stale: 0, hosts: 0 }))
        if (!out.includes(cls)) out.push(cls)
      }
      return out
    },
    add: (slot, version, classes) => {
      for (const c of classes) {
        if (c.length + 2 > c.entries.length) {
          const grown = new Int32Array(2 * c.entries.length)
          grown.set(c.entries.subarray(0, c.length))
          c.entries = grown
        }
        c.entries[c.length++] = slot
        c.entries[c.length++] = version
        c.hosts++
        // A class dropped to no hosts and found again is the same object: still in the map.
        byKey.set(c.key, c)
      }
    },
    drop: (classes) => {
      for (const c of classes) {
        c.hosts--
        c.stale++
        if (c.hosts === 0) {
          byKey.delete(c.key)
          c.length = 0
          c.stale = 0
          c.entries = new Int32Array(8)
        } else if (2 * c.stale > c.length / 2) compact(c)
      }
    },
    live: () => byKey.values(),
    renumber: (renumber, version) => {
      for (const c of byKey.values()) {
        let w = 0
        for (let r = 0; r < c.length; r += 2) {
          const slot = c.entries[r]!
          if (version[slot] !== c.entries[r + 1]!) continue
          const to = renumber[slot]!
          if (to < 0) continue
          c.entries[w++] = to
          c.entries[w++] = 0
        }
        c.length = w
        c.stale = 0
      }
    },
  }
}

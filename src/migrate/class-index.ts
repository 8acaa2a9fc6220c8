/**
 * An inventory's hosts grouped by the device classes of their free functions. A class
 * (`deviceClassKey`: the model's digest and name, its persona, its PF) has a small number, one
 * host function standing for it (a plan judges the class by it), and the set of slots whose
 * hosts have it free, as a bitmap in chunks of 4,096 slots (a chunk exists only where some host
 * has the class). A VM's plan then finds the hosts able to cover all of its functions by
 * OR-ing, per VM function, the bitmaps of the classes that can take it and AND-ing those: 128
 * words per chunk and class, whatever the hosts are, and no host visited that cannot cover it.
 *
 * Class numbers are reused once no host has the class free, so they stay below the number of
 * classes in use; an update costs its host's classes, never the fleet's.
 */
import type { Persona } from '../layout/function-layout.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'
import type { HostFunction } from './host.js'
import { deviceClassKey, personaKey } from './migration-plan.js'

/** Slots per bitmap chunk, and 32-bit words per chunk. */
export const CHUNK_SLOTS = 4096
export const CHUNK_WORDS = CHUNK_SLOTS / 32

export interface IndexedClass {
  readonly id: number
  readonly key: string
  /** A host function of the class, and its PF, to judge the class by. */
  readonly candidate: HostFunction
  readonly pf: PreparedFunction | undefined
  /** Live hosts with a free function of the class. */
  hosts: number
  /** Per chunk, the slots with the class free (undefined: none in the chunk). */
  readonly chunks: Array<Uint32Array | undefined>
}

export interface ClassIndex {
  /** The class of a free function (made when first seen; it holds no host until `include`). */
  readonly classOf: (candidate: HostFunction, pf: PreparedFunction | undefined) => IndexedClass
  readonly byId: (id: number) => IndexedClass
  /** Marks the slot's host as having the class free (once per host and class). */
  readonly include: (id: number, slot: number) => void
  /** Unmarks it; a class no host has free any more is forgotten and its number reused. */
  readonly exclude: (id: number, slot: number) => void
  /** Every class some host has free. */
  readonly live: () => IterableIterator<IndexedClass>
  /** Forgets every slot (before the slots are marked again, renumbered). */
  readonly clearSlots: () => void
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

export const classIndex = (): ClassIndex => {
  const byKey = new Map<string, IndexedClass>()
  const ids: Array<IndexedClass | undefined> = []
  const freeIds: number[] = []
  /**
   * Classes of PFs (most functions) by model object, then persona object: found without building
   * a key where hosts share their models and personas (an update of a host seen before).
   */
  const byObjects = new WeakMap<PreparedFunction, Map<Persona | null, IndexedClass>>()

  const byText = (candidate: HostFunction, pf: PreparedFunction | undefined): IndexedClass => {
    const key = classKey(candidate, pf)
    let cls = byKey.get(key)
    if (cls === undefined) {
      const id = freeIds.pop() ?? ids.length
      cls = { id, key, candidate, pf, hosts: 0, chunks: [] }
      byKey.set(key, cls)
      ids[id] = cls
    }
    return cls
  }

  return {
    classOf: (candidate, pf) => {
      if (pf !== undefined) return byText(candidate, pf)
      let seen = byObjects.get(candidate.function)
      const known = seen?.get(candidate.persona)
      // A class forgotten since is not reused: its number may belong to another now.
      if (known !== undefined && ids[known.id] === known) return known
      const cls = byText(candidate, pf)
      if (seen === undefined) byObjects.set(candidate.function, (seen = new Map()))
      // Persona objects of hosts loaded one by one are many: keep a few per model.
      if (seen.size >= 64) seen.clear()
      seen.set(candidate.persona, cls)
      return cls
    },
    byId: (id) => ids[id]!,
    include: (id, slot) => {
      const cls = ids[id]!
      const at = Math.floor(slot / CHUNK_SLOTS)
      const chunk = (cls.chunks[at] ??= new Uint32Array(CHUNK_WORDS))
      chunk[(slot % CHUNK_SLOTS) >>> 5]! |= 1 << (slot & 31)
      cls.hosts++
    },
    exclude: (id, slot) => {
      const cls = ids[id]!
      const chunk = cls.chunks[Math.floor(slot / CHUNK_SLOTS)]!
      chunk[(slot % CHUNK_SLOTS) >>> 5]! &= ~(1 << (slot & 31))
      if (--cls.hosts > 0) return
      byKey.delete(cls.key)
      ids[id] = undefined
      freeIds.push(id)
    },
    live: () => byKey.values(),
    clearSlots: () => {
      for (const cls of byKey.values()) {
        cls.chunks.length = 0
        cls.hosts = 0
      }
    },
  }
}

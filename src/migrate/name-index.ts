/**
 * The inventory's slots by host name: an open-addressing table of slot numbers (linear
 * probing, deletion by shifting back, kept at most half full), the names themselves read from
 * the hosts in the slots. A `Map` of 10^6 names costs 28 MiB; this costs 8 MiB, at the price of
 * hashing a name on each lookup (a host name is short).
 */

export interface NameIndex {
  readonly size: () => number
  readonly get: (name: string) => number | undefined
  /** Records `slot` for `name` (not already held). */
  readonly add: (name: string, slot: number) => void
  readonly remove: (name: string) => void
  /** Empties the table and holds `count` slots, each under the name `nameAt(slot)` gives. */
  readonly rebuild: (count: number, nameAt: (slot: number) => string | undefined) => void
}

/** FNV-1a over the name's UTF-16 code units. */
const hashOf = (name: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193)
  return h >>> 0
}

const EMPTY = -1

export const nameIndex = (nameAt: (slot: number) => string | undefined): NameIndex => {
  let table = new Int32Array(1024).fill(EMPTY)
  let mask = table.length - 1
  let count = 0

  const find = (name: string): number => {
    let i = hashOf(name) & mask
    while (table[i] !== EMPTY && nameAt(table[i]!) !== name) i = (i + 1) & mask
    return i
  }

  const insert = (name: string, slot: number): void => {
    let i = hashOf(name) & mask
    while (table[i] !== EMPTY) i = (i + 1) & mask
    table[i] = slot
  }

  const resize = (size: number): void => {
    const old = table
    table = new Int32Array(size).fill(EMPTY)
    mask = size - 1
    for (const slot of old) if (slot !== EMPTY) insert(nameAt(slot)!, slot)
  }

  return {
    size: () => count,
    get: (name) => {
      const slot = table[find(name)]!
      return slot === EMPTY ? undefined : slot
    },
    add: (name, slot) => {
      if (2 * (count + 1) > table.length) resize(2 * table.length)
      insert(name, slot)
      count++
    },
    remove: (name) => {
      let i = find(name)
      if (table[i] === EMPTY) return
      table[i] = EMPTY
      count--
      // Shift back the entries after it that probed past the hole.
      for (let j = (i + 1) & mask; table[j] !== EMPTY; j = (j + 1) & mask) {
        const home = hashOf(nameAt(table[j]!)!) & mask
        // j's entry may stay unless the hole lies cyclically within [home, j).
        if (((j - home) & mask) >= ((j - i) & mask)) {
          table[i] = table[j]!
          table[j] = EMPTY
          i = j
        }
      }
    },
    rebuild: (n, at) => {
      let size = 1024
      while (size < 2 * n) size *= 2
      table = new Int32Array(size).fill(EMPTY)
      mask = size - 1
      count = 0
      for (let slot = 0; slot < n; slot++) {
        const name = at(slot)
        if (name === undefined) continue
        insert(name, slot)
        count++
      }
    },
  }
}

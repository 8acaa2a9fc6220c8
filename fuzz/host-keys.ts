/**
 * Host files with a misspelt key, and the oracle that says whether a host file has a key its
 * format does not: the keys each level may hold, written from the host file format (README,
 * DESIGN.md §6), not from the decoder. A host file with such a key must not decode: a typo of
 * `free` or `persona` would otherwise vanish and its default apply.
 */
import { isMap, isPair, isScalar, parseDocument, visit } from 'yaml'
import type { Random } from './mutate.js'

/** The keys allowed at each level, by a path pattern (indices as `#`). */
const ALLOWED: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['', ['apiVersion', 'kind', 'metadata', 'functions', 'pasid']],
  ['metadata', ['name']],
  ['functions.#', ['address', 'dump', 'sysfs', 'layout', 'image', 'persona', 'pf', 'free']],
  ['functions.#.persona', ['family', 'hardwareVersion', 'firmware', 'migrationStreams']],
  ['functions.#.image', ['config', 'name', 'resources']],
  ['functions.#.image.resources.#', ['index', 'kind', 'size', 'prefetchable', 'is64Bit']],
  ['pasid', ['iommuWidth', 'cpuTranslation', 'split', 'globalAllocated', 'functions']],
  ['pasid.functions.#', ['id', 'capabilityWidth', 'execute', 'privileged', 'pasidEnabled', 'vf', 'allocated']],
]

/** Keys of a parsed host file that its format does not have at their level, as `path.key`. */
export const unknownHostKeys = (value: unknown, path: readonly string[] = []): string[] => {
  if (Array.isArray(value)) return value.flatMap((v) => unknownHostKeys(v, [...path, '#']))
  if (value === null || typeof value !== 'object') return []
  const allowed = ALLOWED.find(([p]) => p === path.join('.'))?.[1]
  if (allowed === undefined) return []
  return Object.entries(value).flatMap(([k, v]) => (allowed.includes(k) ? unknownHostKeys(v, [...path, k]) : [[...path, k].join('.')]))
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_'

/** A typo of `key`: a letter dropped, doubled, swapped with the next, replaced, or the case changed. */
const misspell = (r: Random, key: string): string => {
  const at = Math.floor(r() * key.length)
  switch (Math.floor(r() * 5)) {
    case 0:
      return key.length > 1 ? key.slice(0, at) + key.slice(at + 1) : `${key}s`
    case 1:
      return key.slice(0, at + 1) + key.slice(at)
    case 2:
      return at + 1 < key.length ? key.slice(0, at) + key[at + 1]! + key[at]! + key.slice(at + 2) : `${key}_`
    case 3:
      return key.slice(0, at) + LETTERS[Math.floor(r() * LETTERS.length)]! + key.slice(at + 1)
    default:
      return key === key.toLowerCase() ? key.toUpperCase() : key.toLowerCase()
  }
}

/** The host file's text with one key (at any level) misspelt, or the text as it is when it has no keys. */
export const misspellHostKey = (r: Random, text: string): string => {
  const doc = parseDocument(text, { uniqueKeys: false })
  if (doc.errors.length > 0) return text
  const keys: Array<{ value: unknown }> = []
  visit(doc, {
    Pair(_, pair, path) {
      // Keys of maps only (not of the flow pairs inside sequences of pairs).
      if (isPair(pair) && isScalar(pair.key) && isMap(path[path.length - 1])) keys.push(pair.key as { value: unknown })
    },
  })
  if (keys.length === 0) return text
  const key = keys[Math.floor(r() * keys.length)]!
  key.value = misspell(r, String(key.value))
  return doc.toString()
}

/**
 * Fuzz target `state-protojson`: a migration state's ProtoJSON, as `vpci state encode` reads it.
 * Seeds are the ProtoJSON golden and the ProtoJSON of every corpus state (tampered ones too);
 * generated states (`arb.migrationState`) and mutations add the rest: the generic byte mutators,
 * and structured ones written as an attacker would, each putting one hostile value at a random
 * place of the JSON tree: numbers past every integer range and past 2^53, fractions, Infinity,
 * numbers in strings with signs and exponents, wrong JSON types, base64 with junk or mixed
 * alphabets, 10^5-element lists, 10^4-deep nesting, megabyte strings and keys, a field renamed
 * to its proto name or given under both names, an unknown field. Besides exceptions, hangs and
 * unbounded memory (the harness's), a failure is, from the mapping's rules and not the reader's
 * code: an object holding the unknown field `vpciFuzzUnknown` that reads; a config image or
 * digest that is not base64 (a character of neither alphabet) that reads; or a state that reads
 * but whose ProtoJSON, read again, is not the same state (the same bytes).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import * as arb from '../src/arbitraries/index.js'
import { decodeMigrationState, encodeMigrationState } from '../src/state/state-codec.js'
import { migrationStateFromJson, migrationStateToJson } from '../src/state/state-json.js'
import type { Random } from './mutate.js'
import type { Target } from './targets.js'

const STATE_DIR = fileURLToPath(new URL('../corpus/state/', import.meta.url))
const UNKNOWN = 'vpciFuzzUnknown'

const pbFiles = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? pbFiles(join(dir, n)) : n.endsWith('.pb') ? [join(dir, n)] : []))
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const int = (r: Random, n: number): number => Math.floor(r() * n)

type Json = unknown
/** Stands for a value nested 10^4 deep, written into the text (JSON.stringify recurses and would overflow). */
const DEEP = '\u0000deep\u0000'
const DEEP_TEXT = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`
const HOSTILE: ReadonlyArray<(r: Random, old: Json) => Json> = [
  () => 2 ** 32,
  () => 2 ** 64,
  () => 2 ** 53 + 2,
  () => -1,
  () => 1.5,
  () => 1e308,
  () => '18446744073709551616',
  () => '-9223372036854775809',
  () => '1e3',
  () => '+7',
  () => ' 7',
  () => '0x10',
  () => '',
  () => true,
  () => ({}),
  () => [],
  () => null,
  () => 'Infinity',
  () => '@@@@',
  () => 'YQ',
  () => 'Y=Q=',
  () => 'ab+_',
  () => '====',
  () => 'x'.repeat(1 << 20),
  // Small values copied, large ones replaced: the list, not its elements, is the attack.
  (_, old) => Array.from({ length: 100_000 }, () => ((JSON.stringify(old)?.length ?? 0) <= 200 ? old : 7)),
  () => DEEP,
]

/** Every container's path in the tree (objects and arrays), up to 50,000 of them. */
const containers = (v: Json, path: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> => {
  if (out.length >= 50_000 || v === null || typeof v !== 'object') return out
  out.push(path)
  for (const [k, x] of Object.entries(v)) containers(x, [...path, Array.isArray(v) ? Number(k) : k], out)
  return out
}
const at = (root: Json, path: ReadonlyArray<string | number>): Record<string | number, Json> => path.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k], root) as Record<string | number, Json>
const snakeCase = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** One hostile change at a random place of the JSON tree. */
const mutateJson = (r: Random, input: Uint8Array): Uint8Array => {
  let root: Json
  try {
    root = JSON.parse(new TextDecoder().decode(input))
  } catch {
    return input
  }
  const places = containers(root)
  if (places.length === 0) return input
  const holder = at(root, places[int(r, places.length)]!)
  const keys = Object.keys(holder)
  const key = keys.length === 0 ? null : keys[int(r, keys.length)]!
  const kind = int(r, 10)
  if (kind === 0 && !Array.isArray(holder)) holder[UNKNOWN] = 1
  else if (kind === 1 && key !== null && !Array.isArray(holder)) {
    // Its proto name, or both names at once.
    holder[snakeCase(key)] = holder[key]
    if (r() < 0.5) delete holder[key]
  } else if (key !== null) holder[key] = HOSTILE[int(r, HOSTILE.length)]!(r, holder[key])
  return utf8(JSON.stringify(root).replace(JSON.stringify(DEEP), DEEP_TEXT))
}

/** True when the raw JSON holds an object with the unknown field, at any depth (iterative: input may nest deep). */
const holdsUnknown = (raw: Json): boolean => {
  const stack: Json[] = [raw]
  while (stack.length > 0) {
    const v = stack.pop()
    if (v === null || typeof v !== 'object') continue
    if (!Array.isArray(v) && Object.hasOwn(v, UNKNOWN)) return true
    stack.push(...Object.values(v).slice(0, 200_000))
  }
  return false
}

/** A config image or digest holding a character of neither base64 alphabet (or misplaced padding). */
const NOT_BASE64 = /[^A-Za-z0-9+/_=-]|=[^=]/
const badBase64 = (raw: Json): boolean => {
  const functions = (raw as { functions?: unknown }).functions
  if (!Array.isArray(functions)) return false
  return functions.some((f) => typeof f === 'object' && f !== null && ['configImage', 'config_image', 'semanticDigest', 'semantic_digest'].some((k) => typeof (f as Record<string, Json>)[k] === 'string' && NOT_BASE64.test((f as Record<string, string>)[k]!)))
}

export const stateProtoJsonTarget: Target = {
  name: 'state-protojson',
  seeds: () =>
    pbFiles(STATE_DIR).flatMap((path) => {
      const state = decodeMigrationState(new Uint8Array(readFileSync(path)))
      return E.isRight(state) ? [utf8(JSON.stringify(migrationStateToJson(state.right)))] : []
    }),
  generate: (seed) => utf8(JSON.stringify(migrationStateToJson(fc.sample(arb.migrationState({ maxFunctions: 3 }), { seed, numRuns: 1 })[0]!))),
  mutate: mutateJson,
  run: (input) => {
    let raw: Json
    try {
      raw = JSON.parse(new TextDecoder().decode(input))
    } catch {
      return
    }
    const read = migrationStateFromJson(raw)
    if (E.isLeft(read)) return
    if (holdsUnknown(raw)) throw new Error(`a state with the unknown field ${UNKNOWN} read`)
    if (badBase64(raw)) throw new Error('a state whose config image or digest is not base64 read')
    const again = migrationStateFromJson(JSON.parse(JSON.stringify(migrationStateToJson(read.right))))
    if (E.isLeft(again)) throw new Error(`a state's own ProtoJSON does not read back: ${again.left[0]!.message}`)
    if (Buffer.compare(encodeMigrationState(again.right), encodeMigrationState(read.right)) !== 0) throw new Error("a state's own ProtoJSON reads back as another state")
  },
}

/**
 * The JSON form is ProtoJSON as Google's implementations read and write it (issue 16 item 3):
 * Python's `json_format` writes the committed golden from the golden bytes, parses vpci's JSON
 * of the golden state and of generated states into a `vpci.migration.v1.MigrationState` whose
 * bytes and whose own JSON vpci reads back as the same state, and writes JSON equal to vpci's;
 * Go's `protojson` the same. Each oracle's part skips, saying how to install it, where its tools
 * are absent (`.ci/run` installs them).
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { migrationState } from '../../src/arbitraries/index.js'
import type { MigrationState } from '../../src/state/migration-state.js'
import { decodeMigrationState } from '../../src/state/state-codec.js'
import { migrationStateFromJson, migrationStateToJson } from '../../src/state/state-json.js'
import { goOracle, type Oracle, type OracleResult, pythonOracle } from '../support/protojson/oracles.js'
import { readCorpusBytes, readCorpusText } from '../support/repo-corpus.js'

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left).slice(0, 2000))
  return e.right
}
/** The state without what the decoder kept of the wire (compared as values). */
const plain = (s: MigrationState): MigrationState => {
  const { wire: _wire, ...rest } = s
  return rest
}
const GOLDEN = right(decodeMigrationState(readCorpusBytes('state/vm-17-n2-schema-v1.pb')))
const GOLDEN_JSON: unknown = JSON.parse(readCorpusText('state/vm-17-n2-schema-v1.protojson.json'))
const STATES = fc.sample(migrationState({ maxFunctions: 3, maxPasids: 16 }), { numRuns: 25, seed: 16 })

const parsed = (r: OracleResult): { json: unknown; binary: Uint8Array } => {
  if ('error' in r) throw new Error(`the oracle refused vpci's JSON: ${r.error}`)
  return r
}

/** Refusals both vpci and the oracle must make, each a one-place edit of the golden JSON. */
const refusing = (oracle: Oracle, name: string, cases: ReadonlyArray<readonly [string, string]>) => {
  it(`${oracle.name} and vpci both refuse ${name}`, () => {
    const golden = JSON.stringify(GOLDEN_JSON)
    const texts = cases.map(([from, to]) => {
      expect(golden).toContain(from)
      return golden.replace(from, to)
    })
    for (const text of texts) expect(E.isLeft(migrationStateFromJson(JSON.parse(text)))).toBe(true)
    expect(oracle.roundTrip(texts).map((r) => 'error' in r)).toEqual(texts.map(() => true))
  })
}

const UNKNOWN_OR_MISTYPED = [
  ['"vmName"', '"vmNam"'],
  ['"schemaVersion":1', '"schemaVersion":"one"'],
  ['"schemaVersion":1', '"schemaVersion":1.5'],
  ['"schemaVersion":1', '"schemaVersion":4294967296'],
  ['"kind":"BAR_KIND_MEMORY64"', '"kind":"BAR_KIND_MEMORY128"'],
  ['"prefetchable":true', '"prefetchable":"true"'],
  ['"migrationStreams":[1]', '"migrationStreams":[null]'],
] as const

/** What every oracle must show: it reads vpci's JSON as the same state, writes the same JSON, and its JSON reads back in vpci. */
const agrees = (oracle: Oracle) => {
  it(`${oracle.name} parses the golden state's ProtoJSON; its bytes and its JSON read back in vpci as the same state`, () => {
    const [r] = oracle.roundTrip([JSON.stringify(migrationStateToJson(GOLDEN), null, 2)]).map(parsed)
    expect(r!.json).toEqual(GOLDEN_JSON)
    expect(plain(right(decodeMigrationState(r!.binary)))).toEqual(plain(GOLDEN))
    expect(plain(right(migrationStateFromJson(r!.json)))).toEqual(plain(GOLDEN))
  })

  it(`${oracle.name} reads 25 generated states as vpci writes them, and writes what vpci writes`, () => {
    const answers = oracle.roundTrip(STATES.map((s) => JSON.stringify(migrationStateToJson(s)))).map(parsed)
    expect(answers).toHaveLength(STATES.length)
    answers.forEach((r, i) => {
      expect(r.json).toEqual(migrationStateToJson(STATES[i]!))
      expect(plain(right(decodeMigrationState(r.binary)))).toEqual(plain(STATES[i]!))
      expect(plain(right(migrationStateFromJson(r.json)))).toEqual(plain(STATES[i]!))
    })
  })
}

const py = pythonOracle()
if (typeof py === 'string') console.warn(`SKIPPING the Python json_format oracle: ${py}`)
describe.skipIf(typeof py === 'string')("Python's json_format", () => {
  const oracle = py as Exclude<typeof py, string>
  it('writes the committed ProtoJSON golden from the golden bytes (corpus/state/vm-17-n2-schema-v1.protojson.json)', () => {
    expect(oracle.toJson(readCorpusBytes('state/vm-17-n2-schema-v1.pb'))).toEqual(GOLDEN_JSON)
  })
  agrees(oracle)
  refusing(oracle, 'an unknown field, a wrong type, a number out of range, an unknown enum name, null in a list', UNKNOWN_OR_MISTYPED)
  // Python's base64 decoder drops characters outside the alphabet (b64decode without validate); vpci refuses them, as Go does.
})

const go = goOracle()
if (typeof go === 'string') console.warn(`SKIPPING the Go protojson oracle: ${go}`)
describe.skipIf(typeof go === 'string')("Go's protojson", () => {
  agrees(go as Oracle)
  refusing(go as Oracle, 'an unknown field, a wrong type, a number out of range, an unknown enum name, null in a list', UNKNOWN_OR_MISTYPED)
  refusing(go as Oracle, 'base64 with a character of neither alphabet', [['"semanticDigest":"', '"semanticDigest":"*']])
})

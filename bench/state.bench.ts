/**
 * Migration state decoding. Target: decode + validate of a state with 8 functions and 4,096
 * PASID bindings at most 1.5× protobufjs's plain decode of the same bytes (its reflection
 * decoder, loaded from proto/, measured in the same run). The state's eight functions are of
 * two instance types; validated layouts are cached by content (a host decodes many VMs of few
 * instance types), and the cold row empties that cache each time. Figures: bench/README.md.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as E from 'fp-ts/lib/Either.js'
import protobuf from 'protobufjs'
import { bench, describe } from 'vitest'
import type { Pasid, PasidWidth } from '../src/pasid/pasid.js'
import { clearLayoutCache, decodeMigrationState, encodeMigrationState } from '../src/state/state-codec.js'
import { migrationStateFromJson, migrationStateToJson } from '../src/state/state-json.js'

const golden = decodeMigrationState(new Uint8Array(readFileSync(new URL('../corpus/state/vm-17-schema-v1.pb', import.meta.url))))
if (E.isLeft(golden)) throw new Error('golden fixture did not decode')
const two = golden.right.functions
const functions = Array.from({ length: 8 }, (_, i) => ({ ...two[i % 2]!, guestAddress: `00:0${i}.0` }))
const bytes = encodeMigrationState({
  schemaVersion: 1,
  vmName: 'bench',
  functions,
  pasid: {
    mode: 'delegated',
    functions: functions.map((f) => ({ id: f.guestAddress, capability: { width: 20 as PasidWidth, execute: false, privileged: false }, enqcmd: false })),
    bindings: Array.from({ length: 4096 }, (_, i) => ({ function: functions[i % 8]!.guestAddress, pasid: (1 + Math.floor(i / 8)) as Pasid })),
  },
})
const protoDir = fileURLToPath(new URL('../proto/', import.meta.url))
const root = new protobuf.Root()
root.resolvePath = (_origin, target) => (target.startsWith(protoDir) ? target : `${protoDir}${target}`)
root.loadSync('vpci/migration/v1/migration.proto')
root.resolveAll()
let sink = 0

describe(`decode a state of 8 functions and 4,096 PASID bindings (${bytes.length} bytes)`, () => {
  const plain = root.lookupType('vpci.migration.v1.MigrationState')
  bench('baseline: protobufjs plain decode (reflection)', () => {
    sink += (plain.decode(bytes) as unknown as { functions: unknown[] }).functions.length
  })
  bench('decodeMigrationState (decode + validate; layouts checked before are known by content)', () => {
    const r = decodeMigrationState(bytes)
    if (E.isRight(r)) sink += r.right.functions.length
  })
  bench('decodeMigrationState, cold (layout cache emptied first: both instance types checked and built)', () => {
    clearLayoutCache()
    const r = decodeMigrationState(bytes)
    if (E.isRight(r)) sink += r.right.functions.length
  })
})

// The same state as ProtoJSON (issue 16 item 3): reading is JSON.parse, the strict mapping, then the bytes path above.
const decoded = decodeMigrationState(bytes)
if (E.isLeft(decoded)) throw new Error('bench state did not decode')
const text = JSON.stringify(migrationStateToJson(decoded.right))
describe(`ProtoJSON of the same state (${text.length} characters)`, () => {
  const plain = root.lookupType('vpci.migration.v1.MigrationState')
  bench('baseline: JSON.parse of the text', () => {
    sink += (JSON.parse(text) as { functions: unknown[] }).functions.length
  })
  bench('migrationStateFromJson(JSON.parse(text)) (read, every check)', () => {
    const r = migrationStateFromJson(JSON.parse(text))
    if (E.isRight(r)) sink += r.right.functions.length
  })
  bench('decodeMigrationState of the bytes (the same checks from protobuf)', () => {
    const r = decodeMigrationState(bytes)
    if (E.isRight(r)) sink += r.right.functions.length
  })
  bench('baseline: protobufjs toObject (enums, longs, bytes as strings) + JSON.stringify of the decoded message', () => {
    sink += JSON.stringify(plain.toObject(plain.decode(bytes), { enums: String, longs: String, bytes: String })).length
  })
  bench('JSON.stringify(migrationStateToJson(state)) (write)', () => {
    sink += JSON.stringify(migrationStateToJson(decoded.right)).length
  })
})

export { sink }

/**
 * A migration state's JSON form: the canonical protobuf JSON mapping (ProtoJSON) of
 * `vpci.migration.v1.MigrationState`, so `json_format` in Python, `protojson` in Go and every
 * other conforming implementation read and write it. Defaults are left out as they leave them
 * out (proto-json-write.ts); reading is strict and bounded (proto-json-read.ts) and then goes
 * through the protobuf decoder, so a state from JSON is checked exactly as one from bytes. The old
 * mirror (`apiVersion`/`kind`, hex images) is still read, for one release (legacy-state-json.ts).
 */
import * as E from 'fp-ts/lib/Either.js'
import { isLegacyStateJson, legacyMigrationStateFromJson } from './legacy-state-json.js'
import type { MigrationState, StateError } from './migration-state.js'
import { messageType } from './proto-descriptor.js'
import { wireOfProtoJson } from './proto-json-read.js'
import { protoJsonOf } from './proto-json-write.js'
import { migrationStateOfWire, migrationStateWire } from './state-codec.js'

export { isLegacyStateJson, LEGACY_STATE_JSON_UNTIL } from './legacy-state-json.js'

/** The state's ProtoJSON (a JSON value: `JSON.stringify` it). */
export const migrationStateToJson = (state: MigrationState): Record<string, unknown> => protoJsonOf(messageType('MigrationState'), migrationStateWire(state))

/**
 * A state from its ProtoJSON (or, until LEGACY_STATE_JSON_UNTIL, the old mirror: see
 * `isLegacyStateJson`), with the same checks as the bytes; errors carry the JSON path.
 */
export const migrationStateFromJson = (raw: unknown): E.Either<readonly StateError[], MigrationState> => {
  if (isLegacyStateJson(raw)) return legacyMigrationStateFromJson(raw)
  const wire = wireOfProtoJson('MigrationState', raw)
  return E.isLeft(wire) ? wire : migrationStateOfWire(wire.right)
}

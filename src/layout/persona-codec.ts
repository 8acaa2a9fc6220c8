/**
 * The one codec of a persona (device family, hardware version, firmware, migration stream
 * versions), shared by every format that carries one: layout files, host files, persona
 * matrices and migration states (protobuf and its JSON mirror). Unknown keys are refused; a
 * stream version is a uint32, as the wire carries it (`repeated uint32 migration_streams`).
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { closedStruct } from '../decode/closed-struct.js'
import { expectedName, firstPerPath } from '../decode/io-ts-path.js'
import type { Persona } from './function-layout.js'

/** A migration stream version: 0 to 2^32 − 1. */
export const StreamVersion = new t.Type<number, number, unknown>(
  'a stream version (0 to 2^32 − 1)',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= 0xffffffff,
  (u, c) => (typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= 0xffffffff ? t.success(u) : t.failure(u, c)),
  (n) => n,
)

/** The persona fields, for records that carry them beside others (a persona matrix entry). */
export const PERSONA_PROPS = { family: t.string, hardwareVersion: t.string, firmware: t.string, migrationStreams: t.array(StreamVersion) }

export const PersonaCodec = closedStruct(PERSONA_PROPS, undefined, 'a persona (family, hardwareVersion, firmware, migrationStreams)')

/** A persona from plain data, or every error with its path (relative to the persona). */
export const personaFromData = (raw: unknown): E.Either<ReadonlyArray<{ readonly path: ReadonlyArray<string | number>; readonly message: string }>, Persona> => {
  const decoded = PersonaCodec.decode(raw)
  if (E.isRight(decoded)) return E.right({ ...decoded.right, migrationStreams: [...decoded.right.migrationStreams] })
  return E.left(firstPerPath(decoded.left).map(({ path, error }) => ({ path, message: error.message ?? `expected ${expectedName(error)}, got ${JSON.stringify(error.value) ?? 'nothing'}` })))
}

/**
 * The old JSON mirror of a migration state (`apiVersion: vpci/v1`, `kind: MigrationState`:
 * layouts in the layout file's shape, images and digests in hex, the PASID state as its file),
 * deprecated for ProtoJSON (state-json.ts) and read for one more release, never written. Read
 * with the same checks as the protobuf bytes; every field it reads is validated (a codec for the
 * shape, unknown keys refused), so no input makes it throw.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { closedStruct } from '../decode/closed-struct.js'
import { bytesOfHex } from '../decode/hex-bytes.js'
import { expectedName, firstPerPath } from '../decode/io-ts-path.js'
import { jsonTooDeep, TOO_DEEP } from '../decode/json-depth.js'
import { layoutFromData } from '../layout/layout-yaml.js'
import { pasidStateFromData } from '../pasid/pasid-files.js'
import type { PasidState } from '../pasid/pasid-state.js'
import { type AssignedFunction, type MigrationState, SCHEMA_VERSION, type StateError } from './migration-state.js'
import { checkedDigest, checkedImage, checkedPersona, guestAddressErrors, pasidFunctionErrors } from './state-parts.js'

/** The mirror's shape; the persona, layout and PASID state are checked by their own decoders. */
const FunctionJson = closedStruct({ guestAddress: t.string, layout: t.unknown, configImage: t.string, semanticDigest: t.string }, { persona: t.unknown })
const StateJson = closedStruct(
  { apiVersion: t.literal('vpci/v1'), kind: t.literal('MigrationState'), schemaVersion: t.number, vmName: t.string, functions: t.array(FunctionJson) },
  { pasid: t.unknown },
)

const describeValue = (u: unknown): string => {
  const s = JSON.stringify(u)
  return s === undefined ? 'nothing' : s.length > 40 ? `${s.slice(0, 37)}...` : s
}

/** The last release that reads the old mirror. */
export const LEGACY_STATE_JSON_UNTIL = 'v0.2'

/** True for the old mirror: a JSON object with `apiVersion` or `kind` (fields ProtoJSON of a MigrationState never has). */
export const isLegacyStateJson = (raw: unknown): boolean => typeof raw === 'object' && raw !== null && !Array.isArray(raw) && (Object.hasOwn(raw, 'apiVersion') || Object.hasOwn(raw, 'kind'))

/** A state from the old JSON mirror (`kind: MigrationState`), with the same checks as the bytes. */
export const legacyMigrationStateFromJson = (raw: unknown): E.Either<readonly StateError[], MigrationState> => {
  const deep = jsonTooDeep(raw)
  if (deep !== null) return E.left([{ path: deep, message: TOO_DEEP }])
  const shape = StateJson.decode(raw)
  if (E.isLeft(shape)) {
    return E.left(
      firstPerPath(shape.left).map(({ path, error }) => ({
        path,
        message: error.message ?? (error.value === undefined ? `missing; expected ${expectedName(error)}` : `expected ${expectedName(error)}, got ${describeValue(error.value)}`),
      })),
    )
  }
  const top = shape.right
  const errors: StateError[] = []
  if (top.schemaVersion !== SCHEMA_VERSION) errors.push({ path: ['schemaVersion'], message: `schema version ${top.schemaVersion}; this vpci reads version ${SCHEMA_VERSION}` })
  const fromHex = (text: string, path: ReadonlyArray<string | number>, spaced: boolean): Uint8Array | undefined => {
    const bytes = bytesOfHex(text, spaced)
    if (bytes !== null && bytes.length > 0) return bytes
    errors.push({ path, message: 'expected hex bytes' })
    return undefined
  }
  const functions: AssignedFunction[] = []
  top.functions.forEach((f, i) => {
    const image = fromHex(f.configImage, ['functions', i, 'configImage'], true)
    const config = image === undefined ? undefined : checkedImage(image, ['functions', i, 'configImage'], errors)
    const hex = fromHex(f.semanticDigest, ['functions', i, 'semanticDigest'], false)
    const digest = hex === undefined ? undefined : checkedDigest(hex, ['functions', i, 'semanticDigest'], errors)
    const persona = checkedPersona(f.persona, ['functions', i, 'persona'], errors)
    const layout = layoutFromData(f.layout)
    if (E.isLeft(layout)) for (const e of layout.left) errors.push({ path: ['functions', i, 'layout', ...e.path], message: e.message })
    if (config !== undefined && digest !== undefined && persona !== undefined && E.isRight(layout)) {
      functions.push({ guestAddress: f.guestAddress, persona, layout: layout.right, configImage: config, semanticDigest: digest })
    }
  })
  const addresses = top.functions.map((f) => f.guestAddress)
  // One by one: a hostile state may list 10^5 functions, more than one call's arguments.
  for (const e of guestAddressErrors(addresses)) errors.push(e)
  let pasid: PasidState | null = null
  if (top.pasid !== null && top.pasid !== undefined) {
    const decoded = pasidStateFromData(top.pasid)
    if (E.isLeft(decoded)) for (const e of decoded.left) errors.push({ path: ['pasid', ...e.path], message: e.message, ...(e.omitted === undefined ? {} : { omitted: e.omitted }) })
    else pasid = decoded.right
  }
  for (const e of pasidFunctionErrors(pasid, addresses)) errors.push(e)
  return errors.length > 0 ? E.left(errors) : E.right({ schemaVersion: top.schemaVersion, vmName: top.vmName, functions, pasid })
}

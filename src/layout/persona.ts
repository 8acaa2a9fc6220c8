/**
 * Personas and the migration stream compat matrix: which variant-driver stream versions each
 * device persona (family, hardware version, firmware) speaks, and whether a source's stream can
 * be loaded on a destination.
 */
import { flowDepthError } from '../decode/yaml-depth.js'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { parseDocument } from 'yaml'
import { expectedName, firstPerPath } from '../decode/io-ts-path.js'
import { closedStruct, isUnknownKeyError } from '../decode/closed-struct.js'
import { hex, type Reason } from '../proof/reason.js'
import type { Identity, Persona } from './function-layout.js'
import { type LayoutError, layoutError } from './layout-error.js'
import { UInt } from './layout-file.js'
import { PERSONA_PROPS } from './persona-codec.js'

export interface PersonaEntry {
  readonly vendorId: number
  readonly deviceId: number
  readonly revisionId: number
  /** When given, the entry is for this subsystem only (one silicon, several OEM boards and firmwares). */
  readonly subsystemVendorId?: number
  readonly subsystemId?: number
  readonly persona: Persona
}

/** The matrix: personas of the hardware a fleet runs, by PCI identity. */
export type PersonaMatrix = readonly PersonaEntry[]

/**
 * The persona of the hardware with this identity, if the matrix knows it. An entry naming a
 * subsystem matches only that subsystem and wins over one that names none.
 */
export const personaOf = (matrix: PersonaMatrix, identity: Pick<Identity, 'vendorId' | 'deviceId' | 'revisionId'> & Partial<Pick<Identity, 'subsystemVendorId' | 'subsystemId'>>): Persona | null => {
  const matches = matrix.filter(
    (e) =>
      e.vendorId === identity.vendorId &&
      e.deviceId === identity.deviceId &&
      e.revisionId === identity.revisionId &&
      (e.subsystemVendorId === undefined || e.subsystemVendorId === identity.subsystemVendorId) &&
      (e.subsystemId === undefined || e.subsystemId === identity.subsystemId),
  )
  return (matches.find((e) => e.subsystemVendorId !== undefined || e.subsystemId !== undefined) ?? matches[0])?.persona ?? null
}

/** The stream version a migration from `source` to `destination` would use, or null when none is shared. */
export const sharedStream = (source: Persona, destination: Persona): number | null => {
  // Linear in both lists: a persona read from a file may list any number of streams.
  const offered = new Set(destination.migrationStreams)
  let best: number | null = null
  for (const v of source.migrationStreams) if (offered.has(v) && (best === null || v > best)) best = v
  return best
}

const describe = (p: Persona): string => `${p.family} ${p.hardwareVersion} (firmware ${p.firmware}; streams ${p.migrationStreams.join(', ') || 'none'})`

/** Every reason the destination's variant driver cannot take the source's migration stream. */
export const checkPersona = (source: Persona, destination: Persona | null): Reason[] => {
  const base = { severity: 'error' as const, capability: null, field: null, offset: null, length: null }
  if (destination === null) {
    return [
      {
        ...base,
        code: 'PERSONA_STREAM',
        severity: 'warning',
        source: describe(source),
        destination: null,
        message: `the destination hardware is not in the persona matrix: the migration stream version its variant driver accepts is unknown, not checked`,
      },
    ]
  }
  if (source.family !== destination.family) {
    return [{ ...base, code: 'PERSONA_STREAM', source: describe(source), destination: describe(destination), message: `the source is ${describe(source)}, the destination ${describe(destination)}: another device family's variant driver cannot load its stream` }]
  }
  if (sharedStream(source, destination) === null) {
    return [
      {
        ...base,
        code: 'PERSONA_STREAM',
        source: describe(source),
        destination: describe(destination),
        message: `no migration stream version in common: the source speaks ${source.migrationStreams.join(', ')}, the destination's variant driver accepts ${destination.migrationStreams.join(', ')}; update the destination's driver or firmware`,
      },
    ]
  }
  return []
}

const MatrixFile = closedStruct({
  apiVersion: t.literal('vpci/v1'),
  kind: t.literal('PersonaMatrix'),
  personas: t.array(closedStruct({ vendorId: UInt, deviceId: UInt, revisionId: UInt, ...PERSONA_PROPS }, { subsystemVendorId: UInt, subsystemId: UInt })),
})

/** Reads a persona matrix file (`kind: PersonaMatrix`). */
export const decodePersonaMatrix = (text: string, file: string): E.Either<readonly LayoutError[], PersonaMatrix> => {
  const deep = flowDepthError(text)
  if (deep !== null) return E.left([{ ...layoutError('YAML_SYNTAX', [], deep.message), file, line: deep.line }])
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false })
  if (doc.errors.length > 0) return E.left(doc.errors.map((e) => ({ ...layoutError('YAML_SYNTAX', [], e.message.split('\n')[0]!), file })))
  let raw: unknown
  try {
    raw = doc.toJS({ maxAliasCount: 100 })
  } catch (e) {
    return E.left([{ ...layoutError('YAML_SYNTAX', [], e instanceof Error ? e.message : String(e)), file }])
  }
  const decoded = MatrixFile.decode(raw)
  if (E.isLeft(decoded)) {
    return E.left(
      firstPerPath(decoded.left).map(({ path, error }) => ({
        ...(isUnknownKeyError(error) ? layoutError('UNKNOWN_KEY', path, error.message!) : layoutError('WRONG_TYPE', path, `expected ${expectedName(error)}, got ${JSON.stringify(error.value) ?? 'nothing'}`)),
        file,
      })),
    )
  }
  return E.right(
    decoded.right.personas.map((p) => ({
      vendorId: p.vendorId,
      deviceId: p.deviceId,
      revisionId: p.revisionId,
      ...(p.subsystemVendorId === undefined ? {} : { subsystemVendorId: p.subsystemVendorId }),
      ...(p.subsystemId === undefined ? {} : { subsystemId: p.subsystemId }),
      persona: { family: p.family, hardwareVersion: p.hardwareVersion, firmware: p.firmware, migrationStreams: p.migrationStreams },
    })),
  )
}

/** `1234:5a01 rev 02` */
export const identityText = (i: Pick<Identity, 'vendorId' | 'deviceId' | 'revisionId'>): string =>
  `${hex(i.vendorId).slice(2).padStart(4, '0')}:${hex(i.deviceId).slice(2).padStart(4, '0')} rev ${hex(i.revisionId).slice(2).padStart(2, '0')}`

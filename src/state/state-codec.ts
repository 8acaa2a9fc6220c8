/**
 * The migration state codec: protobuf bytes to validated domain types and back, plus a JSON
 * mirror for people. With `host-codec.ts`, the only importer of the generated code. Wire values are turned into the
 * same plain shapes the layout and PASID file decoders check, so every format gets the same
 * checks (a layout from the wire is built like one from a file). Hostile input is bounded:
 * inputs over MAX_STATE_BYTES are refused unread, and the wire reader refuses any length
 * running past the bytes it has.
 */
import { Buffer } from 'node:buffer'
import * as E from 'fp-ts/lib/Either.js'
import type { FunctionLayout, Persona } from '../layout/function-layout.js'
import { layoutFromData } from '../layout/layout-yaml.js'
import { type LayoutError, renderPath } from '../layout/layout-error.js'
import { pasidStateFromData } from '../pasid/pasid-files.js'
import type { LocalPasid, PasidBinding, PasidFunction, PasidState } from '../pasid/pasid-state.js'
import { type Pasid, pasidWidth, type PasidWidth } from '../pasid/pasid.js'
import { validatePasidState } from '../pasid/validate-state.js'
import protobuf from 'protobufjs/minimal.js'
import { vpci } from './generated/migration.js'
import { layoutSpans } from './layout-spans.js'
import { type AssignedFunction, type MigrationState, SCHEMA_VERSION, type StateError } from './migration-state.js'
import { checkedDigest, checkedImage, checkedPersona, guestAddressErrors, pasidFunctionErrors } from './state-parts.js'
import { enumName, layoutData, layoutWire, personaWire, type Wire } from './layout-wire.js'

const pb = vpci.migration.v1

/** Larger input is not a migration state (8 functions of 4 KiB and 2^20 PASIDs fit many times over). */
export const MAX_STATE_BYTES = 64 * 1024 * 1024

const MODE = ['', 'delegated', 'per-rid', 'global-split', 'global-per-function'] as const
const POOL = [undefined, 'global', 'local'] as const

/** The wire PASID state in the file's shape (values typed by the wire: strings, booleans, integers). */
interface PasidData {
  readonly mode: string
  readonly functions: PasidFunction[]
  readonly split?: unknown
  readonly locals?: unknown
  readonly bindings?: unknown
}

const pasidData = (w: Wire): PasidData => {
  const mode = enumName(MODE, w.mode)
  const functions = ((w.functions as Wire[] | undefined) ?? []).map((f): PasidFunction => ({
    id: (f.id ?? '') as string,
    capability: { width: (f.width ?? 0) as PasidWidth, execute: (f.execute ?? false) as boolean, privileged: (f.privileged ?? false) as boolean },
    enqcmd: (f.enqcmd ?? false) as boolean,
    ...(POOL[Number(f.pool ?? 0)] === undefined ? {} : { pool: POOL[Number(f.pool)]! }),
  }))
  const base = { apiVersion: 'vpci/v1', kind: 'PasidState', mode, functions }
  return mode === 'global-split'
    ? { ...base, split: w.split ?? 0, locals: ((w.locals as Wire[] | undefined) ?? []).map((l) => ({ local: l.local ?? 0, functions: l.functions ?? [] })) }
    : // Wire bindings already have the file's shape ({function, pasid}, defaults on the prototype): handed over as they are.
      { ...base, bindings: (w.bindings as Wire[] | undefined) ?? [] }
}

/** A persona as the wire gives it, before its checks. */
interface PersonaData {
  readonly family: unknown
  readonly hardwareVersion: unknown
  readonly firmware: unknown
  readonly migrationStreams: readonly unknown[]
}

const samePersonaData = (a: PersonaData, b: PersonaData): boolean =>
  a.family === b.family && a.hardwareVersion === b.hardwareVersion && a.firmware === b.firmware && a.migrationStreams.length === b.migrationStreams.length && a.migrationStreams.every((x, i) => x === b.migrationStreams[i])

const isPasid = (v: unknown): v is Pasid => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1 << 20

/**
 * The PASID state straight from its wire form, when every value is one the PASID state file
 * accepts (wire values are typed already; this only rules out an unknown mode, a width past 20,
 * a PASID past 2^20) and the state passes `validatePasidState`: the same state, key for key, as
 * `pasidStateFromData` gives, without going through its shape decoder for thousands of bindings.
 * Null otherwise, and the codec takes that path, so every error and its path is that decoder's.
 */
const wirePasidState = (data: PasidData): PasidState | null => {
  const { mode, functions } = data
  if (!functions.every((f) => typeof f.capability.width === 'number' && pasidWidth(f.capability.width) !== null)) return null
  let state: PasidState
  if (mode === 'global-split') {
    const split = data.split
    const locals = data.locals as ReadonlyArray<{ local: unknown; functions: unknown }>
    if (typeof split !== 'number' || !Number.isSafeInteger(split) || split < 0) return null
    const copied: LocalPasid[] = new Array(locals.length)
    for (let i = 0; i < locals.length; i++) {
      const l = locals[i]!
      if (!isPasid(l.local) || !Array.isArray(l.functions)) return null
      copied[i] = { local: l.local, functions: [...(l.functions as string[])] }
    }
    state = { mode, split, functions, locals: copied }
  } else if (mode === 'delegated' || mode === 'per-rid' || mode === 'global-per-function') {
    const bindings = data.bindings as ReadonlyArray<{ function: unknown; pasid: unknown }>
    const copied: PasidBinding[] = new Array(bindings.length)
    for (let i = 0; i < bindings.length; i++) {
      const b = bindings[i]!
      if (typeof b.function !== 'string' || !isPasid(b.pasid)) return null
      copied[i] = { function: b.function, pasid: b.pasid }
    }
    state = { mode, functions, bindings: copied }
  } else return null
  return validatePasidState(state).length === 0 ? state : null
}

/**
 * Validated layouts by their content (the layout in the file's shape, as JSON). A VM's
 * functions are often of one instance type, and a host decodes many VMs of few instance
 * types; checking a layout (shape, then building it) costs far more than its key. Bounded: the
 * oldest entry goes when full. Results are immutable values, safe to share.
 */
const LAYOUT_CACHE_SIZE = 64
const layoutCache = new Map<string, E.Either<readonly LayoutError[], FunctionLayout>>()

/**
 * Checked layouts by their wire bytes too (latin1 text of them): equal bytes decode to equal
 * layouts, and reading a state of a known instance type then costs no layout data built to
 * compare. Bounded like the cache by content.
 */
const layoutByBytes = new Map<string, E.Either<readonly LayoutError[], FunctionLayout>>()

const checkedLayout = (wire: Wire, raw: string | null): E.Either<readonly LayoutError[], FunctionLayout> => {
  if (raw !== null) {
    const hit = layoutByBytes.get(raw)
    if (hit !== undefined) return hit
  }
  const data = layoutData(wire)
  const key = JSON.stringify(data)
  let checked = layoutCache.get(key)
  if (checked === undefined) {
    checked = layoutFromData(data)
    if (layoutCache.size >= LAYOUT_CACHE_SIZE) layoutCache.delete(layoutCache.keys().next().value!)
    layoutCache.set(key, checked)
  }
  if (raw !== null) {
    if (layoutByBytes.size >= LAYOUT_CACHE_SIZE) layoutByBytes.delete(layoutByBytes.keys().next().value!)
    layoutByBytes.set(raw, checked)
  }
  return checked
}

/** Empties the layout caches (benchmarks measure the cold path with it). */
export const clearLayoutCache = (): void => {
  layoutCache.clear()
  layoutByBytes.clear()
}

/** Reads migration state bytes into checked domain types, or every error with its path. */
export const decodeMigrationState = (bytes: Uint8Array): E.Either<readonly StateError[], MigrationState> => {
  if (bytes.length > MAX_STATE_BYTES) return E.left([{ path: [], message: `${bytes.length} bytes is more than any migration state (limit ${MAX_STATE_BYTES})` }])
  let wire: Wire
  try {
    // Keep unknown fields (protobufjs discards them by default) so re-encoding restores them.
    const reader = protobuf.Reader.create(bytes)
    reader.discardUnknown = false
    wire = pb.MigrationState.decode(reader) as unknown as Wire
  } catch (e) {
    return E.left([{ path: [], message: `not a vpci.migration.v1.MigrationState: ${e instanceof Error ? e.message : String(e)}` }])
  }
  const errors: StateError[] = []
  const version = Number(wire.schemaVersion ?? 0)
  if (version !== SCHEMA_VERSION) errors.push({ path: ['schemaVersion'], message: `schema version ${version}; this vpci reads version ${SCHEMA_VERSION}` })
  const functions: AssignedFunction[] = []
  const list = (wire.functions as Wire[] | undefined) ?? []
  // Each function's layout bytes, to find a layout checked before (used only where the scan saw exactly the functions decoded).
  const spans = layoutSpans(bytes)
  const usable = spans !== null && spans.length === list.length
  // A VM's functions are often of one instance type: layouts and personas met earlier in this state are reused (equal bytes, equal fields).
  const seenLayouts: Array<{ readonly bytes: Uint8Array; readonly layout: ReturnType<typeof checkedLayout> }> = []
  const seenPersonas: Array<{ readonly data: PersonaData; readonly persona: Persona }> = []
  list.forEach((f, i) => {
    const config = checkedImage((f.configImage as Uint8Array | undefined) ?? new Uint8Array(), ['functions', i, 'configImage'], errors)
    const digest = checkedDigest((f.semanticDigest as Uint8Array | undefined) ?? new Uint8Array(), ['functions', i, 'semanticDigest'], errors)
    const p = f.persona as Wire | null | undefined
    const data: PersonaData | null = p ? { family: p.family ?? '', hardwareVersion: p.hardwareVersion ?? '', firmware: p.firmware ?? '', migrationStreams: (p.migrationStreams ?? []) as unknown[] } : null
    let persona = data === null ? null : seenPersonas.find((x) => samePersonaData(x.data, data))?.persona
    if (persona === undefined) {
      persona = checkedPersona(data, ['functions', i, 'persona'], errors)
      if (data !== null && persona !== undefined && persona !== null) seenPersonas.push({ data, persona })
    }
    if (f.layout === null || f.layout === undefined) {
      errors.push({ path: ['functions', i, 'layout'], message: 'missing' })
      return
    }
    const span = usable ? spans[i] : null
    const raw = span === null || span === undefined ? null : bytes.subarray(span[0], span[1])
    let layout = raw === null ? undefined : seenLayouts.find((x) => x.bytes.length === raw.length && Buffer.compare(x.bytes, raw) === 0)?.layout
    if (layout === undefined) {
      // latin1: one character per byte, so equal text is equal bytes.
      layout = checkedLayout(f.layout as Wire, raw === null ? null : Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('latin1'))
      if (raw !== null) seenLayouts.push({ bytes: raw, layout })
    }
    if (E.isLeft(layout)) {
      for (const e of layout.left) errors.push({ path: ['functions', i, 'layout', ...e.path], message: e.message, ...(e.omitted === undefined ? {} : { omitted: e.omitted }) })
      return
    }
    if (config !== undefined && digest !== undefined && persona !== undefined) {
      functions.push({ guestAddress: String(f.guestAddress ?? ''), persona, layout: layout.right, configImage: config, semanticDigest: digest })
    }
  })
  const addresses = list.map((f) => String(f.guestAddress ?? ''))
  // One by one: a hostile state may list 10^5 functions, more than one call's arguments.
  for (const e of guestAddressErrors(addresses)) errors.push(e)
  let pasid: PasidState | null = null
  if (wire.pasid !== null && wire.pasid !== undefined) {
    const data = pasidData(wire.pasid as Wire)
    pasid = wirePasidState(data)
    if (pasid === null) {
      const decoded = pasidStateFromData(data)
      if (E.isLeft(decoded)) for (const e of decoded.left) errors.push({ path: ['pasid', ...e.path], message: e.message, ...(e.omitted === undefined ? {} : { omitted: e.omitted }) })
      else pasid = decoded.right
    }
  }
  for (const e of pasidFunctionErrors(pasid, addresses)) errors.push(e)
  if (errors.length > 0) return E.left(errors)
  return E.right({ schemaVersion: version, vmName: String(wire.vmName ?? ''), functions, pasid, wire })
}

/**
 * A PasidState message on its own (as gRPC RemapPasids sends it): the checks a state's `pasid`
 * gets, errors with paths inside the message.
 */
export const decodePasidStateMessage = (bytes: Uint8Array): E.Either<readonly StateError[], PasidState> => {
  if (bytes.length > MAX_STATE_BYTES) return E.left([{ path: [], message: `${bytes.length} bytes is more than any PASID state (limit ${MAX_STATE_BYTES})` }])
  let wire: Wire
  try {
    wire = pb.PasidState.decode(bytes) as unknown as Wire
  } catch (e) {
    return E.left([{ path: [], message: `not a vpci.migration.v1.PasidState: ${e instanceof Error ? e.message : String(e)}` }])
  }
  const data = pasidData(wire)
  const fast = wirePasidState(data)
  if (fast !== null) return E.right(fast)
  const decoded = pasidStateFromData(data)
  return E.isRight(decoded) ? decoded : E.left(decoded.left.map((e) => ({ path: e.path, message: e.message, ...(e.omitted === undefined ? {} : { omitted: e.omitted }) })))
}

const pasidWire = (s: PasidState): Wire => ({
  mode: MODE.indexOf(s.mode),
  split: s.mode === 'global-split' ? s.split : 0,
  functions: s.functions.map((f) => ({ id: f.id, width: f.capability.width, execute: f.capability.execute, privileged: f.capability.privileged, enqcmd: f.enqcmd, pool: f.pool === undefined ? 0 : POOL.indexOf(f.pool) })),
  bindings: s.mode === 'global-split' ? [] : s.bindings.map((b) => ({ function: b.function, pasid: b.pasid })),
  locals: s.mode === 'global-split' ? s.locals.map((l) => ({ local: l.local, functions: [...l.functions] })) : [],
})

/** Copies the fields a newer schema wrote from the decoded tree onto the fresh one, where it still has them. */
const keepUnknown = (fresh: unknown, old: unknown): void => {
  if (fresh === null || old === null || typeof fresh !== 'object' || typeof old !== 'object' || ArrayBuffer.isView(fresh)) return
  const unknowns = (old as { $unknowns?: unknown }).$unknowns
  if (unknowns !== undefined) Object.defineProperty(fresh, '$unknowns', { value: unknowns, enumerable: false, writable: true })
  for (const [k, v] of Object.entries(fresh as Wire)) keepUnknown(v, (old as Wire)[k])
}

/** The state as protobuf bytes. A state from `decodeMigrationState` keeps the unknown fields it had. */
export const encodeMigrationState = (state: MigrationState): Uint8Array => {
  const wire: Wire = {
    schemaVersion: state.schemaVersion,
    vmName: state.vmName,
    functions: state.functions.map((f) => ({
      guestAddress: f.guestAddress,
      persona: personaWire(f.persona),
      layout: layoutWire(f.layout),
      configImage: Uint8Array.from(f.configImage.bytes),
      semanticDigest: Uint8Array.from(f.semanticDigest),
    })),
    pasid: state.pasid === null ? null : pasidWire(state.pasid),
  }
  const message = pb.MigrationState.create(wire as never)
  keepUnknown(message, state.wire)
  return pb.MigrationState.encode(message).finish()
}

/** A path for people: `functions[1].layout.capabilities[3].offset`. */
export const renderStatePath = (path: ReadonlyArray<string | number>): string => renderPath(path)

export { migrationStateFromJson, migrationStateToJson } from './state-json.js'

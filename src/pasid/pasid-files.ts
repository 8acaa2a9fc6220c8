/**
 * PASID state and host PASID pools in files. The state is JSON (`kind: PasidState`, the mirror
 * of the migration state's PASID part); the host's side is the `pasid` section of a host file
 * (YAML, `kind: Host`). Both are decoded with io-ts; every error carries its path, and
 * overlapping allocated ranges in a pool are refused.
 */
import { flowDepthError } from '../decode/yaml-depth.js'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { parseDocument } from 'yaml'
import { expectedName, firstPerPath } from '../decode/io-ts-path.js'
import { closedStruct } from '../decode/closed-struct.js'
import { UInt } from '../layout/layout-file.js'
import { type HostPasid, withBitmapPools } from './host-pasid.js'
import type { PasidRange } from './pasid-pool.js'
import { pasidRanges, type PasidRanges } from './pasid-ranges.js'
import type { PasidStateError } from './pasid-state-error.js'
import type { PasidState } from './pasid-state.js'
import { type Pasid, pasidWidth, type PasidWidth } from './pasid.js'

const Width = new t.Type<PasidWidth, number, unknown>(
  'a PASID width (0–20)',
  (u): u is PasidWidth => typeof u === 'number' && pasidWidth(u) !== null,
  (u, c) => (typeof u === 'number' && pasidWidth(u) !== null ? t.success(u as PasidWidth) : t.failure(u, c)),
  (w) => w,
)
const PasidNumber = new t.Type<Pasid, number, unknown>(
  'a PASID (0 to 2^20 − 1)',
  (u): u is Pasid => typeof u === 'number' && Number.isInteger(u) && u >= 0 && u < 1 << 20,
  (u, c) => (typeof u === 'number' && Number.isInteger(u) && u >= 0 && u < 1 << 20 ? t.success(u as Pasid) : t.failure(u, c)),
  (p) => p,
)
const Range = t.tuple([UInt, UInt])

const FunctionFile = t.intersection([
  t.strict({ id: t.string, capability: t.strict({ width: Width, execute: t.boolean, privileged: t.boolean }), enqcmd: t.boolean }),
  t.partial({ pool: t.keyof({ global: null, local: null }) }),
])
const Binding = t.strict({ function: t.string, pasid: PasidNumber })
const Local = t.strict({ local: PasidNumber, functions: t.array(t.string) })

/**
 * An array codec with a fast path: states carry thousands of bindings (2^20 locals at most),
 * and io-ts spends microseconds on each element. Arrays whose every element passes `ok` are
 * copied in one loop; any other array is validated by `codec` itself, so errors (and their
 * paths) are exactly io-ts's.
 */
const fastArray = <C extends t.Mixed>(codec: t.ArrayC<C>, ok: (u: Record<string, unknown>) => boolean, copy: (u: Record<string, unknown>) => t.TypeOf<C>) =>
  new t.Type<Array<t.TypeOf<C>>, unknown, unknown>(
    codec.name,
    codec.is,
    (u, c) => {
      if (Array.isArray(u)) {
        const out: Array<t.TypeOf<C>> = new Array(u.length)
        let i = 0
        for (; i < u.length; i++) {
          const x = u[i] as Record<string, unknown> | null
          if (typeof x !== 'object' || x === null || !ok(x)) break
          out[i] = copy(x)
        }
        if (i === u.length) return t.success(out)
      }
      // The slow path reports as the array type, so error paths keep their indices.
      const last = c[c.length - 1]
      return codec.validate(u, last === undefined ? c : [...c.slice(0, -1), { ...last, type: codec }])
    },
    codec.encode,
  )
const Bindings = fastArray(
  t.array(Binding),
  (b) => typeof b.function === 'string' && PasidNumber.is(b.pasid),
  (b) => ({ function: b.function as string, pasid: b.pasid as Pasid }),
)
const Locals = fastArray(
  t.array(Local),
  (l) => PasidNumber.is(l.local) && Array.isArray(l.functions) && l.functions.every((f) => typeof f === 'string'),
  (l) => ({ local: l.local as Pasid, functions: [...(l.functions as string[])] }),
)
const Header = { apiVersion: t.literal('vpci/v1'), kind: t.literal('PasidState') }

const StateFile = t.union([
  t.strict({ ...Header, mode: t.keyof({ delegated: null, 'per-rid': null, 'global-per-function': null }), functions: t.array(FunctionFile), bindings: Bindings }),
  t.strict({
    ...Header,
    mode: t.literal('global-split'),
    split: UInt,
    functions: t.array(FunctionFile),
    locals: Locals,
  }),
])

// Closed: an unknown key in a host file's pasid section is refused, not skipped (a typo would let its default apply).
const PoolFile = closedStruct({
  iommuWidth: Width,
  cpuTranslation: t.boolean,
  split: t.union([UInt, t.null]),
  globalAllocated: t.array(Range),
  functions: t.array(
    closedStruct({ id: t.string, capabilityWidth: Width, execute: t.boolean, privileged: t.boolean, pasidEnabled: t.boolean, vf: t.boolean, allocated: t.array(Range) }),
  ),
})
const HostHeader = t.type({ apiVersion: t.literal('vpci/v1'), kind: t.literal('Host'), metadata: t.type({ name: t.string }), pasid: t.unknown })

/** io-ts errors as PASID errors, one per path. */
const shapeErrors = (errors: t.Errors): PasidStateError[] =>
  firstPerPath(errors).map(({ path, error }) => ({
    code: 'WRONG_TYPE',
    path,
    message: error.message ?? (error.value === undefined ? `missing; expected ${expectedName(error)}` : `expected ${expectedName(error)}, got ${JSON.stringify(error.value)}`),
  }))

/** Reads a PASID state file (JSON). */
export const decodePasidState = (text: string): E.Either<readonly PasidStateError[], PasidState> => {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    return E.left([{ code: 'WRONG_TYPE', path: [], message: `not JSON: ${e instanceof Error ? e.message : String(e)}` }])
  }
  return pasidStateFromData(raw)
}

/** A PASID state from plain data in the file's shape (`apiVersion`, `kind: PasidState`, ...). */
export const pasidStateFromData = (raw: unknown): E.Either<readonly PasidStateError[], PasidState> => {
  const decoded = StateFile.decode(raw)
  if (E.isLeft(decoded)) return E.left(shapeErrors(decoded.left))
  const { apiVersion: _a, kind: _k, ...state } = decoded.right
  return E.right(state as PasidState)
}

/** The state as the JSON file holds it. */
export const encodePasidState = (state: PasidState): string => `${JSON.stringify({ apiVersion: 'vpci/v1', kind: 'PasidState', ...state }, null, 2)}\n`

/** Errors for overlapping or inverted ranges of one pool. */
const rangeErrors = (ranges: readonly PasidRange[], path: ReadonlyArray<string | number>): PasidStateError[] => {
  const errors: PasidStateError[] = []
  ranges.forEach(([s, e], i) => {
    if (e <= s) errors.push({ code: 'RANGES_OVERLAP', path: [...path, i], message: `[${s}, ${e}) is empty or inverted` })
  })
  const order = ranges.map((r, i) => [r, i] as const).sort((a, b) => a[0][0] - b[0][0])
  for (let k = 1; k < order.length; k++) {
    const [prev, pi] = order[k - 1]!
    const [cur, ci] = order[k]!
    if (cur[0] < prev[1]) errors.push({ code: 'RANGES_OVERLAP', path: [...path, ci], message: `[${cur[0]}, ${cur[1]}) overlaps [${prev[0]}, ${prev[1]}) at index ${pi}` })
  }
  return errors
}

/** Reads a host file's PASID side (YAML, `kind: Host`; other sections are the host file's). */
export const decodeHostPasid = (text: string): E.Either<readonly PasidStateError[], HostPasid> => {
  const deep = flowDepthError(text)
  if (deep !== null) return E.left([{ code: 'WRONG_TYPE', path: [], message: deep.message }])
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false })
  if (doc.errors.length > 0) return E.left(doc.errors.map((e) => ({ code: 'WRONG_TYPE' as const, path: [], message: e.message.split('\n')[0]! })))
  let raw: unknown
  try {
    raw = doc.toJS({ maxAliasCount: 100 })
  } catch (e) {
    return E.left([{ code: 'WRONG_TYPE', path: [], message: e instanceof Error ? e.message : String(e) }])
  }
  const decoded = HostHeader.decode(raw)
  if (E.isLeft(decoded)) return E.left(shapeErrors(decoded.left))
  const pasid = hostPasidFromData(decoded.right.pasid)
  if (E.isLeft(pasid)) return E.left(pasid.left.map((e) => ({ ...e, path: ['pasid', ...e.path] })))
  return E.right(withBitmapPools(pasid.right))
}

/** The shape of a host file's `pasid` section. */
export type HostPasidData = t.TypeOf<typeof PoolFile>

/** A host's PASID side from the plain data of its `pasid` section (pools as the file gives them: ranges); paths relative to it. */
export const hostPasidFromData = (raw: unknown): E.Either<readonly PasidStateError[], HostPasid<PasidRanges>> => {
  const decoded = PoolFile.decode(raw)
  if (E.isLeft(decoded)) return E.left(shapeErrors(decoded.left))
  const p = decoded.right
  const errors = [...rangeErrors(p.globalAllocated, ['globalAllocated']), ...p.functions.flatMap((f, i) => rangeErrors(f.allocated, ['functions', i, 'allocated']))]
  if (errors.length > 0) return E.left(errors)
  return E.right({
    iommuWidth: p.iommuWidth,
    cpuTranslation: p.cpuTranslation,
    split: p.split,
    global: pasidRanges(p.iommuWidth, p.globalAllocated),
    functions: p.functions.map((f) => ({
      id: f.id,
      capabilityWidth: f.capabilityWidth,
      execute: f.execute,
      privileged: f.privileged,
      pasidEnabled: f.pasidEnabled,
      isVf: f.vf,
      pool: pasidRanges(f.capabilityWidth, f.allocated),
    })),
  })
}

/**
 * PASID state and host PASID pools in files. The state is JSON (`kind: PasidState`, the mirror
 * of the migration state's PASID part); the host's side is the `pasid` section of a host file
 * (YAML, `kind: Host`). Both are decoded with io-ts; every error carries its path. A state must
 * also pass `validatePasidState`; a host's pools may not overlap themselves and its PASID
 * functions may not repeat an id. At most `MAX_PASID_ERRORS` errors are listed, the rest counted.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { readYamlData } from '../decode/yaml-data.js'
import { expectedName, firstPerPath } from '../decode/io-ts-path.js'
import { jsonTooDeep, TOO_DEEP } from '../decode/json-depth.js'
import { closedStruct } from '../decode/closed-struct.js'
import { UInt } from '../layout/layout-file.js'
import { type HostPasid, withBitmapPools } from './host-pasid.js'
import type { PasidRange } from './pasid-pool.js'
import { pasidRanges, type PasidRanges } from './pasid-ranges.js'
import { capErrors, MAX_PASID_ERRORS, moreErrors, type PasidStateError } from './pasid-state-error.js'
import type { PasidState } from './pasid-state.js'
import { type Pasid, pasidCount, pasidWidth, type PasidWidth } from './pasid.js'
import { validatePasidState } from './validate-state.js'

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

/**
 * Closed where the value is plain data (a file's JSON: a typo such as `"pol": "local"` would
 * otherwise vanish and the default apply); a protobuf message (the migration state's wire
 * form) can hold no key its schema lacks, and keeps a newer writer's fields aside.
 */
const closedIfPlain = <C extends t.Mixed>(closed: C, open: t.Mixed): C =>
  new t.Type(closed.name, closed.is, (u, c) => (isPlain(u) ? closed.validate(u, c) : open.validate(u, c)), closed.encode) as unknown as C
const isPlain = (u: unknown): boolean => typeof u === 'object' && u !== null && Object.getPrototypeOf(u) === Object.prototype
/** For the fast paths: a plain object has exactly `n` own keys (protobuf messages pass). */
const keysAre = (u: object, n: number): boolean => {
  if (!isPlain(u)) return true
  let count = 0
  for (const _ in u) count++
  return count === n
}

const Capability = closedIfPlain(closedStruct({ width: Width, execute: t.boolean, privileged: t.boolean }), t.type({ width: Width, execute: t.boolean, privileged: t.boolean }))
const FunctionFile = closedIfPlain(
  closedStruct({ id: t.string, capability: Capability, enqcmd: t.boolean }, { pool: t.keyof({ global: null, local: null }) }),
  t.intersection([t.type({ id: t.string, capability: Capability, enqcmd: t.boolean }), t.partial({ pool: t.keyof({ global: null, local: null }) })]),
)
const Binding = closedIfPlain(closedStruct({ function: t.string, pasid: PasidNumber }), t.type({ function: t.string, pasid: PasidNumber }))
const Local = closedIfPlain(closedStruct({ local: PasidNumber, functions: t.array(t.string) }), t.type({ local: PasidNumber, functions: t.array(t.string) }))

/** The value of an io-ts error that stands for more bad entries, counted and not listed. */
const MORE = 'more bad entries'

/**
 * An array codec that lists at most `MAX_PASID_ERRORS` bad elements and counts the rest (a state
 * of 10^7 bad bindings must not become 10^7 error objects), with a fast path: states carry
 * thousands of bindings (2^20 locals at most), and io-ts spends microseconds on each element.
 * Elements that pass `ok` are copied by `copy`; any other is validated by `element` itself, so
 * errors (and their paths) are exactly io-ts's. `ok` must accept exactly what `element` does.
 */
const cappedArray = <C extends t.Mixed>(element: C, ok: (u: Record<string, unknown>) => boolean = () => false, copy?: (u: Record<string, unknown>) => t.TypeOf<C>) => {
  const plain = t.array(element)
  return new t.Type<Array<t.TypeOf<C>>, unknown, unknown>(
    plain.name,
    plain.is,
    (u, c) => {
      if (!Array.isArray(u)) return t.failure(u, c)
      // Element paths are reported under the array type, so they keep their indices.
      const last = c[c.length - 1]
      const context = last === undefined ? c : [...c.slice(0, -1), { ...last, type: plain }]
      const out: Array<t.TypeOf<C>> = new Array(u.length)
      const errors: t.ValidationError[] = []
      let bad = 0
      for (let i = 0; i < u.length; i++) {
        const x = u[i] as Record<string, unknown> | null
        if (copy !== undefined && typeof x === 'object' && x !== null && ok(x)) {
          out[i] = copy(x)
          continue
        }
        if (bad >= MAX_PASID_ERRORS && copy !== undefined) {
          bad++
          continue
        }
        const r = element.validate(x, [...context, { key: String(i), type: element, actual: x }])
        if (E.isRight(r)) out[i] = r.right
        else if (++bad <= MAX_PASID_ERRORS) errors.push(...r.left)
      }
      if (bad === 0) return t.success(out)
      if (bad > MAX_PASID_ERRORS) errors.push({ value: bad - MAX_PASID_ERRORS, context, message: MORE })
      return t.failures(errors)
    },
    plain.encode,
  )
}
const Bindings = cappedArray(
  Binding,
  (b) => typeof b.function === 'string' && PasidNumber.is(b.pasid) && keysAre(b, 2),
  (b) => ({ function: b.function as string, pasid: b.pasid as Pasid }),
)
const Locals = cappedArray(
  Local,
  (l) => PasidNumber.is(l.local) && Array.isArray(l.functions) && l.functions.every((f) => typeof f === 'string') && keysAre(l, 2),
  (l) => ({ local: l.local as Pasid, functions: [...(l.functions as string[])] }),
)
const Functions = cappedArray(FunctionFile)
/** A host's allocated ranges (4×10^5 in a large inventory): pairs of plain integers are copied, anything else goes through io-ts. */
const isUInt = (u: unknown): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0
const Ranges = cappedArray(
  Range,
  (r) => Array.isArray(r) && r.length === 2 && isUInt(r[0]) && isUInt(r[1]),
  // The pair itself: it is only read (checked, then merged into a fresh pool), never kept.
  (r) => r as unknown as [number, number],
)
const Header = { apiVersion: t.literal('vpci/v1'), kind: t.literal('PasidState') }

// Named with all four modes: a misspelt mode lands here and should hear of global-split too.
const BoundMode = t.keyof({ delegated: null, 'per-rid': null, 'global-per-function': null }, '"delegated" | "per-rid" | "global-split" | "global-per-function"')
const BoundStateFile = closedIfPlain(closedStruct({ ...Header, mode: BoundMode, functions: Functions, bindings: Bindings }), t.type({ ...Header, mode: BoundMode, functions: Functions, bindings: Bindings }))
const SplitStateFile = closedIfPlain(
  closedStruct({ ...Header, mode: t.literal('global-split'), split: UInt, functions: Functions, locals: Locals }),
  t.type({ ...Header, mode: t.literal('global-split'), split: UInt, functions: Functions, locals: Locals }),
)
/** The codec for `raw`'s mode: a union would report every bad binding against global-split's shape too. */
const stateFileFor = (raw: unknown) => (typeof raw === 'object' && raw !== null && (raw as { mode?: unknown }).mode === 'global-split' ? SplitStateFile : BoundStateFile)

// Closed: an unknown key in a host file's pasid section is refused, not skipped (a typo would let its default apply).
const PoolFile = closedStruct({
  iommuWidth: Width,
  cpuTranslation: t.boolean,
  split: t.union([UInt, t.null]),
  globalAllocated: Ranges,
  functions: t.array(
    closedStruct({ id: t.string, capabilityWidth: Width, execute: t.boolean, privileged: t.boolean, pasidEnabled: t.boolean, vf: t.boolean, allocated: Ranges }),
  ),
})
const HostHeader = t.type({ apiVersion: t.literal('vpci/v1'), kind: t.literal('Host'), metadata: t.type({ name: t.string }), pasid: t.unknown })

/** io-ts errors as PASID errors, one per path, capped. */
const shapeErrors = (errors: t.Errors): PasidStateError[] =>
  capErrors(
    firstPerPath(errors).map(({ path, error }) =>
      error.message === MORE
        ? moreErrors(error.value as number)
        : {
            code: 'WRONG_TYPE' as const,
            path,
            message: error.message ?? (error.value === undefined ? `missing; expected ${expectedName(error)}` : `expected ${expectedName(error)}, got ${JSON.stringify(error.value)}`),
          },
    ),
  )

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

/**
 * A PASID state from plain data in the file's shape (`apiVersion`, `kind: PasidState`, ...):
 * its shape, then every rule of `validatePasidState`. Linear in the data; at most
 * `MAX_PASID_ERRORS` errors listed, the rest counted.
 */
export const pasidStateFromData = (raw: unknown, countSteps?: (steps: number) => void): E.Either<readonly PasidStateError[], PasidState> => {
  const deep = jsonTooDeep(raw)
  if (deep !== null) return E.left([{ code: 'WRONG_TYPE', path: deep, message: TOO_DEEP }])
  const decoded: E.Either<t.Errors, t.TypeOf<typeof BoundStateFile> | t.TypeOf<typeof SplitStateFile>> = stateFileFor(raw).decode(raw)
  if (E.isLeft(decoded)) return E.left(shapeErrors(decoded.left))
  const { apiVersion: _a, kind: _k, ...rest } = decoded.right
  const state = rest as PasidState
  const bad = validatePasidState(state, countSteps)
  return bad.length > 0 ? E.left(bad) : E.right(state)
}

/** The state as the JSON file holds it. */
export const encodePasidState = (state: PasidState): string => `${JSON.stringify({ apiVersion: 'vpci/v1', kind: 'PasidState', ...state }, null, 2)}\n`

/**
 * Errors for ranges of one pool that are empty or inverted, reach past its width (`width` bits:
 * PASIDs below 2^width), or overlap. Linear when the ranges come in order, as files list them.
 */
const rangeErrors = (ranges: readonly PasidRange[], width: number, path: ReadonlyArray<string | number>): PasidStateError[] => {
  const errors: PasidStateError[] = []
  const count = pasidCount(width as PasidWidth)
  let sorted = true
  ranges.forEach(([s, e], i) => {
    if (e <= s) errors.push({ code: 'RANGES_OVERLAP', path: [...path, i], message: `[${s}, ${e}) is empty or inverted` })
    else if (e > count) errors.push({ code: 'PASID_BEYOND_WIDTH', path: [...path, i], message: `[${s}, ${e}) reaches past the pool's ${width}-bit width (PASIDs below ${count})` })
    if (i > 0 && s < ranges[i - 1]![0]) sorted = false
  })
  const order = sorted ? null : ranges.map((_, i) => i).sort((a, b) => ranges[a]![0] - ranges[b]![0])
  for (let k = 1; k < ranges.length; k++) {
    const pi = order === null ? k - 1 : order[k - 1]!
    const ci = order === null ? k : order[k]!
    const prev = ranges[pi]!
    const cur = ranges[ci]!
    if (cur[0] < prev[1]) errors.push({ code: 'RANGES_OVERLAP', path: [...path, ci], message: `[${cur[0]}, ${cur[1]}) overlaps [${prev[0]}, ${prev[1]}) at index ${pi}` })
  }
  return errors
}

/** Reads a host file's PASID side (YAML, `kind: Host`; other sections are the host file's). */
export const decodeHostPasid = (text: string): E.Either<readonly PasidStateError[], HostPasid> => {
  const read = readYamlData(text)
  if (E.isLeft(read)) return E.left(read.left.map((e) => ({ code: 'WRONG_TYPE' as const, path: [], message: e.line === null ? e.message : `line ${e.line}: ${e.message}` })))
  const raw = read.right.value
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
  const errors = [...rangeErrors(p.globalAllocated, p.iommuWidth, ['globalAllocated']), ...p.functions.flatMap((f, i) => rangeErrors(f.allocated, f.capabilityWidth, ['functions', i, 'allocated']))]
  // One entry per function id: a plan allocates from one pool per function, and a judge must find the same one.
  const firstAt = new Map<string, number>()
  p.functions.forEach((f, i) => {
    const first = firstAt.get(f.id)
    if (first === undefined) firstAt.set(f.id, i)
    else errors.push({ code: 'DUPLICATE_FUNCTION', path: ['functions', i, 'id'], message: `function "${f.id}" appears again (first at functions[${first}])` })
  })
  if (errors.length > 0) return E.left(capErrors(errors))
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

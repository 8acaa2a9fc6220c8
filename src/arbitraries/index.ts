/**
 * fast-check arbitraries for property suites downstream (VMMs, schedulers) and for our own:
 * config images and capability chains, physical functions, layout files, compatible and
 * incompatible pairs (with the change applied and, for the incompatible, the reason code it must
 * produce), PASID states, destination pools, hosts (loaded, and as their files describe them) and
 * migration states. Import from
 * `vpci-migrate/arbitraries` (fast-check is an optional peer dependency: install it to use these).
 *
 * Every arbitrary takes a constraints object whose fields all have documented defaults; values
 * always pass the library's own decoder for their kind, and shrinking keeps them valid (shrinks
 * come from the underlying records: fewer capabilities, fewer PASIDs, smaller numbers).
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import type { FunctionDump } from '../dump/function-dump.js'
import { readBinaryConfig } from '../dump/read-dump.js'
import { bytesOfHex } from '../decode/hex-bytes.js'
import { derive } from '../layout/derive.js'
import type { FunctionLayout, Persona } from '../layout/function-layout.js'
import type { Resources } from '../dump/sysfs-resource.js'
import type { HostFunctionSource, HostFunctionSpec, HostSpec } from '../host/host-spec.js'
import { encodeLayout } from '../layout/layout-yaml.js'
import type { Host, HostFunction } from '../migrate/host.js'
import type { HostPasid, HostPasidFunction } from '../pasid/host-pasid.js'
import { type PasidRanges, pasidRanges } from '../pasid/pasid-ranges.js'
import type { GuestPasidCapability, PasidFunction, PasidMode, PasidState } from '../pasid/pasid-state.js'
import type { Pasid, PasidWidth } from '../pasid/pasid.js'
import type { ReasonCode } from '../proof/reason.js'
import { prepareFunction } from '../semantic/prepared-function.js'
import { configSpace } from '../config-space/config-space.js'
import type { AssignedFunction, MigrationState } from '../state/migration-state.js'
import { SCHEMA_VERSION } from '../state/migration-state.js'
import { build } from '../layout/build.js'
import { shownPasidCapability } from '../state/state-consistency.js'
import { type ConfigImageConstraints, configImage, type GeneratedFunction } from './config-image.js'

export { type ConfigImageConstraints, configImage, type GeneratedFunction } from './config-image.js'

/** The capability chain of a generated image: (offset, ID, length) in chain order. */
export const capabilityChain = (constraints: ConfigImageConstraints = {}): fc.Arbitrary<GeneratedFunction['capabilities']> => configImage(constraints).map((g) => g.capabilities)

/** A physical function as the library reads one (a binary config, no BAR sizes). */
export const physicalFunction = (constraints: ConfigImageConstraints = {}): fc.Arbitrary<FunctionDump> => configImage(constraints).map((g) => readGenerated(g.bytes))

/** A generated image, read. Generated images are always valid config spaces; a Left is a bug in the generator. */
const readGenerated = (bytes: Uint8Array): FunctionDump => {
  const dump = readBinaryConfig(bytes, 'generated')
  if (E.isLeft(dump)) throw new Error(`configImage made an unreadable image: ${dump.left[0]!.code}`)
  return dump.right
}

/** A function's layout, derived from a generated physical function (kernel hiding policy). */
export const functionLayout = (constraints: ConfigImageConstraints = {}): fc.Arbitrary<FunctionLayout> =>
  physicalFunction(constraints).map((f) => {
    const l = derive(prepareFunction(f))
    if (E.isLeft(l)) throw new Error(`derive refused a generated function: ${l.left[0]!.message}`)
    return l.right
  })

/** A layout file's text (YAML, `kind: FunctionLayout`). */
export const layoutFile = (constraints: ConfigImageConstraints = {}): fc.Arbitrary<string> => functionLayout(constraints).map((l) => encodeLayout(l))

/** What the pairs generate: as `configImage`. */
export type PairConstraints = ConfigImageConstraints

/** Two functions that must be judged equivalent: the destination differs in one writable bit (migrated state, not layout). */
export interface CompatiblePair {
  readonly source: FunctionDump
  readonly destination: FunctionDump
  /** What was changed, for messages: `writable bit 3 of 0x44`, or `none` when no bit is writable. */
  readonly change: string
}

const withBytes = (f: FunctionDump, edit: (bytes: Uint8Array) => void): FunctionDump => {
  const bytes = Uint8Array.from(f.config.bytes)
  edit(bytes)
  return { ...f, config: configSpace(bytes)! }
}

/**
 * A generated function and a copy with one writable (RW or RW1C) bit flipped; never an optional
 * bit the source has set (clearing it on the destination cannot be proved writable there).
 */
export const compatiblePair = (constraints: PairConstraints = {}): fc.Arbitrary<CompatiblePair> =>
  fc.tuple(physicalFunction(constraints), fc.nat()).map(([source, pick]) => {
    const prepared = prepareFunction(source)
    const semantic = prepared.semantic
    const size = source.config.size
    const setOptional = new Uint8Array(size)
    for (const o of prepared.optional) setOptional[o.at]! |= o.bits & source.config.bytes[o.at]!
    const writable: Array<[number, number]> = []
    for (let at = 0; at < size; at++) {
      const mask = (semantic.packed[size + at]! | semantic.packed[2 * size + at]!) & ~setOptional[at]!
      for (let bit = 0; bit < 8; bit++) if ((mask >> bit) & 1) writable.push([at, bit])
    }
    if (writable.length === 0) return { source, destination: source, change: 'none' }
    const [at, bit] = writable[pick % writable.length]!
    return { source, destination: withBytes(source, (b) => void (b[at]! ^= 1 << bit)), change: `writable bit ${bit} of 0x${at.toString(16)}` }
  })

/** Two functions that must be refused, and the reason code the refusal must carry. */
export interface IncompatiblePair {
  readonly source: FunctionDump
  readonly destination: FunctionDump
  readonly change: string
  readonly code: ReasonCode
}

/**
 * A generated function and a copy with a breaking change: another Device ID, another Subsystem
 * ID (both FIELD_IDENTITY), or the last standard capability unlinked from the chain (CAP_MISSING).
 */
export const incompatiblePair = (constraints: PairConstraints = {}): fc.Arbitrary<IncompatiblePair> =>
  fc.tuple(configImage({ maxStandard: 4, ...constraints }), fc.integer({ min: 1, max: 0xfffe }), fc.constantFrom('device', 'subsystem', 'unlink' as const)).map(([g, value, kind]) => {
    const source = readGenerated(g.bytes)
    const standard = g.capabilities.filter((c) => c.offset < 0x100)
    if (kind === 'unlink' && standard.length >= 2) {
      // The capability before the last points past it: the last is gone from the destination.
      const before = standard[standard.length - 2]!
      return { source, destination: withBytes(source, (b) => void (b[before.offset + 1] = 0)), change: `capability ${standard[standard.length - 1]!.id} at 0x${standard[standard.length - 1]!.offset.toString(16)} unlinked`, code: 'CAP_MISSING' }
    }
    const at = kind === 'subsystem' ? 0x2e : 0x02
    const old = g.bytes[at]! | (g.bytes[at + 1]! << 8)
    const next = old === value ? value ^ 1 : value
    return { source, destination: withBytes(source, (b) => ((b[at] = next & 0xff), (b[at + 1] = next >> 8))), change: `${kind === 'subsystem' ? 'Subsystem ID' : 'Device ID'} 0x${old.toString(16)} → 0x${next.toString(16)}`, code: 'FIELD_IDENTITY' }
  })

/** What `pasidState` generates. Defaults: any mode, 1–4 functions, up to 64 PASIDs, widths 5–20. */
export interface PasidStateConstraints {
  readonly mode?: PasidMode
  readonly maxFunctions?: number
  readonly maxPasids?: number
  /** Guest function ids; default `00:0N.0`. */
  readonly functionIds?: readonly string[]
  /** The guest-visible PASID widths, inclusive (1–20); default 5 and 20. PASIDs stay below each function's width. */
  readonly minWidth?: number
  readonly maxWidth?: number
}

/** A valid guest PASID state (it passes `validatePasidState`). */
export const pasidState = (constraints: PasidStateConstraints = {}): fc.Arbitrary<PasidState> => {
  const ids = constraints.functionIds ?? Array.from({ length: constraints.maxFunctions ?? 4 }, (_, i) => `00:0${i + 1}.0`)
  const mode = constraints.mode === undefined ? fc.constantFrom<PasidMode>('delegated', 'per-rid', 'global-split', 'global-per-function') : fc.constant(constraints.mode)
  const minWidth = Math.max(1, Math.min(20, constraints.minWidth ?? 5))
  const maxWidth = Math.max(minWidth, Math.min(20, constraints.maxWidth ?? 20))
  /** `p` (1–31) folded below `limit`, unchanged when it is already below. */
  const below = (p: number, limit: number): number => 1 + ((p - 1) % (limit - 1))
  return fc
    .record({
      mode,
      functions: fc.array(fc.record({ width: fc.integer({ min: minWidth, max: maxWidth }), enqcmd: fc.boolean(), global: fc.boolean(), execute: fc.boolean(), privileged: fc.boolean() }), { minLength: 1, maxLength: ids.length }),
      split: fc.integer({ min: 2, max: 32 }),
      pasids: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 31 })), { maxLength: constraints.maxPasids ?? 64 }),
    })
    .map(({ mode, functions: fs, split, pasids }): PasidState => {
      const functions: PasidFunction[] = fs.map((f, i) => ({
        id: ids[i]!,
        capability: { width: f.width as PasidWidth, execute: f.execute, privileged: f.privileged },
        enqcmd: f.enqcmd,
        ...(mode === 'global-per-function' ? { pool: f.global || f.enqcmd ? ('global' as const) : ('local' as const) } : {}),
      }))
      if (mode === 'global-split') {
        // Locals below the split and below every member's width, one entry each.
        const seen = new Set<number>()
        const locals = pasids.flatMap(([f, g, p]) => {
          const a = f % functions.length
          const b = g % functions.length
          const limit = Math.min(split, 1 << fs[a]!.width, 1 << fs[b]!.width)
          const local = below(1 + (p % (split - 1)), limit)
          if (seen.has(local)) return []
          seen.add(local)
          const members = [...new Set([functions[a]!.id, functions[b]!.id])]
          return [{ local: local as Pasid, functions: members }]
        })
        return { mode, split, functions, locals }
      }
      const seen = new Set<string>()
      const bindings = pasids.flatMap(([f, , p]) => {
        const fn = functions[f % functions.length]!
        const pasid = below(p, 1 << fn.capability.width)
        const key = `${fn.id}/${pasid}`
        if (seen.has(key)) return []
        seen.add(key)
        return [{ function: fn.id, pasid: pasid as Pasid }]
      })
      return { mode, functions, bindings }
    })
}

/** What `pasidPool` generates. Defaults: 20 bits, up to 8 allocated ranges anywhere in the pool. */
export interface PasidPoolConstraints {
  readonly width?: number
  readonly maxRanges?: number
}

/** A destination pool as allocated ranges (PASID 0 always taken). */
export const pasidPool = (constraints: PasidPoolConstraints = {}): fc.Arbitrary<PasidRanges> => {
  const width = (constraints.width ?? 20) as PasidWidth
  const count = 1 << width
  return fc
    .array(fc.tuple(fc.nat({ max: count - 1 }), fc.nat({ max: Math.max(1, count >> 4) })), { maxLength: constraints.maxRanges ?? 8 })
    .map((ranges) => pasidRanges(width, ranges.map(([s, n]) => [s, s + n + 1] as const)))
}

/**
 * What `hostPasid` generates: the destination's PASID side for the given function ids (repeat an
 * id to get a host the decoder refuses). Defaults: widths up to 20 (`maxWidth`, else `width`),
 * the global pool as wide as the IOMMU, function pools empty.
 */
export interface HostPasidConstraints extends PasidPoolConstraints {
  /** Destination function ids; default `0000:17:00.0`, `0000:27:00.0`, … for 4. */
  readonly functionIds?: readonly string[]
  /** The widest function capability and IOMMU (0–20); default 20. */
  readonly maxWidth?: number
  /** Give each function's pool allocated ranges too (up to `maxRanges`); default false. */
  readonly functionPools?: boolean
}

const hostIds = (n: number): string[] => Array.from({ length: n }, (_, k) => `0000:${(0x17 + k * 0x10).toString(16)}:00.0`)

/** A destination's PASID side: IOMMU width, CPU translation, split, global pool, per-function capability and pool. */
export const hostPasid = (constraints: HostPasidConstraints = {}): fc.Arbitrary<HostPasid<PasidRanges>> => {
  const ids = constraints.functionIds ?? hostIds(4)
  const maxWidth = Math.max(0, Math.min(20, constraints.maxWidth ?? constraints.width ?? 20))
  const allocated = (width: number): fc.Arbitrary<ReadonlyArray<readonly [number, number]>> =>
    constraints.functionPools === true
      ? pasidPool({ width, maxRanges: constraints.maxRanges ?? 8 }).map((r) => Array.from({ length: r.ranges.length / 3 }, (_, k) => [r.ranges[3 * k]!, r.ranges[3 * k + 1]!] as const))
      : fc.constant([])
  const hostFunction = (id: string): fc.Arbitrary<HostPasidFunction<PasidRanges>> =>
    fc
      .record({ width: fc.integer({ min: 0, max: maxWidth }), execute: fc.boolean(), privileged: fc.boolean(), pasidEnabled: fc.boolean(), isVf: fc.boolean() })
      .chain((f) => allocated(f.width).map((taken) => ({ ...f, taken })))
      .map((f) => ({
        id,
        capabilityWidth: f.width as PasidWidth,
        execute: f.execute,
        privileged: f.privileged,
        pasidEnabled: f.pasidEnabled,
        isVf: f.isVf,
        pool: pasidRanges(f.width as PasidWidth, f.taken),
      }))
  return fc
    .integer({ min: Math.min(8, maxWidth), max: maxWidth })
    .chain((iommuWidth) =>
      fc.record({
        iommuWidth: fc.constant(iommuWidth as PasidWidth),
        cpuTranslation: fc.boolean(),
        split: fc.option(fc.integer({ min: 1, max: 64 }), { freq: 5 }),
        // The global pool spans what the IOMMU allows, as a host file gives it.
        global: pasidPool({ ...constraints, width: iommuWidth }),
        functions: fc.tuple(...ids.map(hostFunction)),
      }),
    )
}

/** What `host` generates. Defaults: 1–4 functions, all free, PASID pools present. */
export interface HostConstraints extends ConfigImageConstraints {
  readonly maxFunctions?: number
}

/** A candidate destination host of generated physical functions. */
export const host = (constraints: HostConstraints = {}): fc.Arbitrary<Host> =>
  fc.array(fc.tuple(physicalFunction(constraints), fc.boolean()), { minLength: 1, maxLength: constraints.maxFunctions ?? 4 }).chain((fns) => {
    const ids = hostIds(fns.length)
    return hostPasid({ functionIds: ids }).map(
      (pasid): Host => ({
        name: 'generated-host',
        functions: fns.map(([f, busy], k): HostFunction => ({ address: ids[k]!, function: prepareFunction(f), persona: null, pf: null, free: !busy || k === 0 })),
        pasid,
      }),
    )
  })

/** What `hostSpec` generates. Defaults: 1–4 functions. */
export interface HostSpecConstraints extends ConfigImageConstraints {
  readonly maxFunctions?: number
}

const generatedPersona: fc.Arbitrary<Persona> = fc.record({
  family: fc.string({ maxLength: 12 }),
  hardwareVersion: fc.string({ maxLength: 4 }),
  firmware: fc.string({ maxLength: 6 }),
  migrationStreams: fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 3 }),
})

/** Sysfs resource lines 0–12 (BARs, ROM, VF BARs), as a `resource` file lists them. */
const generatedResources: fc.Arbitrary<Resources> = fc
  .array(fc.record({ kind: fc.constantFrom('io' as const, 'memory' as const, 'unused' as const), size: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), prefetchable: fc.boolean(), is64Bit: fc.boolean() }), { maxLength: 13 })
  .map((list) => ({ entries: list.map((r, index) => ({ index, ...r })) }))

/**
 * A host as its host file or Host message describes it: each function's config space embedded
 * as an image (with its resources, or with BAR sizes unknown), embedded as a layout, or named by
 * a file; personas or none; PFs among the host's own functions; free or in use; PASID pools with
 * allocated ranges, or none. Passes the host file's and the message's checks, and both carry it
 * unchanged (`decodeHostMessage(encodeHostMessage(h))` and `decodeHostFile(encodeHostFile(h))` give `h`).
 */
export const hostSpec = (constraints: HostSpecConstraints = {}): fc.Arbitrary<HostSpec> => {
  const source: fc.Arbitrary<HostFunctionSource> = fc.oneof(
    fc.tuple(physicalFunction(constraints), fc.option(generatedResources), fc.option(fc.constantFrom('0000:5e:00.1', 'dumps/nic-v2.lspci'))).map(([d, resources, name]): HostFunctionSource => ({ kind: 'image', name, config: d.config, resources })),
    functionLayout(constraints).map((layout): HostFunctionSource => ({ kind: 'inline-layout', layout })),
    fc.record({ kind: fc.constantFrom('dump' as const, 'sysfs' as const, 'layout' as const), path: fc.constantFrom('../families/nic/v2.lspci', '/sys/bus/pci/devices/0000:5e:00.1', 'types/n2.yaml') }),
  )
  const fn = fc.record({ source, persona: fc.option(generatedPersona), pf: fc.option(fc.nat()), free: fc.boolean() })
  return fc.array(fn, { minLength: 1, maxLength: constraints.maxFunctions ?? 4 }).chain((fns) => {
    const ids = hostIds(fns.length)
    return fc.option(hostPasid({ functionIds: ids, functionPools: true, maxRanges: 4 })).map(
      (pasid): HostSpec => ({
        name: 'generated-host',
        functions: fns.map((f, k): HostFunctionSpec => ({ address: ids[k]!, source: f.source, persona: f.persona, pf: f.pf === null ? null : ids[f.pf % ids.length]!, free: f.free })),
        pasid,
      }),
    )
  })
}

/** What `migrationState` generates. Defaults: 1–4 functions, a PASID state over them (or none). */
export interface MigrationStateConstraints extends ConfigImageConstraints {
  readonly maxFunctions?: number
  readonly maxPasids?: number
}

/** The PASID capability a built layout shows (width within 0–20), or null: a function without one cannot use PASIDs. */
const shownCapability = (prepared: ReturnType<typeof prepareFunction>): GuestPasidCapability | null => {
  const shown = shownPasidCapability(prepared)
  const width = shown?.field('maxPasidWidth')?.value
  if (shown === null || width === undefined || width > 20) return null
  return { width: width as PasidWidth, execute: shown.field('executePermission')?.value === 1, privileged: shown.field('privilegedMode')?.value === 1 }
}

/**
 * A PASID state made to agree with the capabilities the layouts show: each function's width is
 * its layout's, execute and privileged only where supported, PASIDs its width cannot hold dropped.
 */
const agreeing = (pasid: PasidState, shown: ReadonlyMap<string, GuestPasidCapability>): PasidState => {
  const functions = pasid.functions.map((f) => {
    const c = shown.get(f.id)!
    return { ...f, capability: { width: c.width, execute: f.capability.execute && c.execute, privileged: f.capability.privileged && c.privileged } }
  })
  const fits = (id: string, p: number): boolean => p < 1 << shown.get(id)!.width
  if (pasid.mode === 'global-split') {
    const locals = pasid.locals.map((l) => ({ ...l, functions: l.functions.filter((id) => fits(id, l.local)) })).filter((l) => l.functions.length > 0)
    return { ...pasid, functions, locals }
  }
  return { ...pasid, functions, bindings: pasid.bindings.filter((b) => fits(b.function, b.pasid)) }
}

/**
 * A VM's migration state: layouts derived from generated functions, each function's image built
 * from its layout, its digest the built layout's; PASIDs (when any) only on functions whose layout
 * shows a PASID capability, with that capability's width and features. It agrees with itself
 * (`stateConsistency` finds nothing).
 */
export const migrationState = (constraints: MigrationStateConstraints = {}): fc.Arbitrary<MigrationState> =>
  fc.array(functionLayout(constraints), { minLength: 1, maxLength: constraints.maxFunctions ?? 4 }).chain((layouts) => {
    const ids = layouts.map((_, i) => `00:0${(i + 1).toString(16)}.0`)
    const shown = new Map<string, GuestPasidCapability>()
    const functions: AssignedFunction[] = layouts.map((layout, i) => {
      const built = build(layout)
      if (E.isLeft(built)) throw new Error(`a derived layout did not build: ${built.left[0]!.message}`)
      const prepared = prepareFunction(built.right)
      const capability = shownCapability(prepared)
      if (capability !== null) shown.set(ids[i]!, capability)
      return { guestAddress: ids[i]!, persona: null, layout, configImage: built.right.config, semanticDigest: bytesOfHex(prepared.digest)! }
    })
    const state = (pasid: PasidState | null): MigrationState => ({ schemaVersion: SCHEMA_VERSION, vmName: 'generated-vm', functions, pasid })
    const pasidIds = ids.filter((id) => shown.has(id))
    if (pasidIds.length === 0) return fc.constant(state(null))
    return fc
      .option(pasidState({ functionIds: pasidIds, maxFunctions: pasidIds.length, ...(constraints.maxPasids === undefined ? {} : { maxPasids: constraints.maxPasids }) }), { freq: 3 })
      .map((pasid) => state(pasid === null ? null : agreeing(pasid, shown)))
  })

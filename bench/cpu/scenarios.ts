/**
 * The inputs the CPU-time tables measure, built once and shared with the vitest benches' shapes:
 * the generated fleet and vm-17-n2 (filter, inventory), the half-full 2^20 pool and the
 * 100,000-local state (remap), the 8-function, 4,096-binding state (decode), the accelerator's
 * sysfs config pair (full path). Everything is read from the repository's corpus.
 */
import { Buffer } from 'node:buffer'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as E from 'fp-ts/lib/Either.js'
import protobuf from 'protobufjs'
import type { Host } from '../../src/migrate/host.js'
import type { HostPasid } from '../../src/pasid/host-pasid.js'
import { pasidPool } from '../../src/pasid/pasid-pool.js'
import type { PasidMode, PasidState } from '../../src/pasid/pasid-state.js'
import type { Pasid, PasidWidth } from '../../src/pasid/pasid.js'
import type { MigrationState } from '../../src/state/migration-state.js'
import { decodeMigrationState, encodeMigrationState } from '../../src/state/state-codec.js'

export const corpus = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../../corpus/${name}`, import.meta.url)))

export const decoded = (bytes: Uint8Array): MigrationState => {
  const s = decodeMigrationState(bytes)
  if (E.isLeft(s)) throw new Error(`state did not decode: ${JSON.stringify(s.left[0])}`)
  return s.right
}

/** vm-17-n2: the VM every filter table judges. */
export const vm17n2 = (): MigrationState => decoded(corpus('state/vm-17-n2-schema-v1.pb'))

/** The bench's floor: visit every host, function and pool, as bench/filter.bench.ts's baseline. */
export const visitEveryHost = (hosts: readonly Host[]): number => {
  let sink = 0
  for (let i = 0; i < hosts.length; i++) {
    const h = hosts[i]!
    for (let k = 0; k < h.functions.length; k++) sink += h.functions[k]!.free ? 1 : 0
    sink += h.pasid!.global.ranges.length
  }
  return sink
}

// --- PASIDs (as bench/pasid.bench.ts) ---

const WIDTH = 20 as PasidWidth

/** Globals of [from, 2^20) occupied at random (xorshift32), about half. */
const halfOccupied = (from: number): Array<[number, number]> => {
  const ranges: Array<[number, number]> = []
  let x = 0x9e3779b9
  for (let p = from; p < 1 << 20; p++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    if ((x & 1) === 0) continue
    const last = ranges[ranges.length - 1]
    if (last !== undefined && last[1] === p) last[1] = p + 1
    else ranges.push([p, p + 1])
  }
  return ranges
}

export const pasidHost = (split: number, occupied: boolean): HostPasid => ({
  iommuWidth: WIDTH,
  cpuTranslation: true,
  split,
  global: pasidPool(WIDTH, occupied ? halfOccupied(split) : []),
  functions: [0, 1, 2, 3].map((i) => ({ id: `f${i}`, capabilityWidth: WIDTH, execute: true, privileged: true, pasidEnabled: true, isVf: false, pool: pasidPool(WIDTH) })),
})

const functionsOf = (mode: PasidMode) =>
  [0, 1, 2, 3].map((i) => ({
    id: `f${i}`,
    capability: { width: WIDTH, execute: false, privileged: false },
    enqcmd: i < 2,
    ...(mode === 'global-per-function' ? { pool: i < 2 ? ('global' as const) : ('local' as const) } : {}),
  }))

/** `n` ENQCMD locals in global-split below `split`, one function each, four functions in turn. */
export const localsState = (n: number, split: number): PasidState => ({
  mode: 'global-split',
  split,
  functions: functionsOf('global-split'),
  locals: Array.from({ length: n }, (_, i) => ({ local: (i + 1) as Pasid, functions: [`f${i % 4}`] })),
})

/** `n` bindings of `mode` over four functions in turn (global-split: n/2 locals on two functions each). */
export const bindingsState = (mode: PasidMode, n: number): PasidState =>
  mode === 'global-split'
    ? { mode, split: 1 << 19, functions: functionsOf(mode), locals: Array.from({ length: n / 2 }, (_, i) => ({ local: (i + 1) as Pasid, functions: i % 2 === 0 ? ['f0', 'f2'] : ['f1', 'f3'] })) }
    : { mode, functions: functionsOf(mode), bindings: Array.from({ length: n }, (_, i) => ({ function: `f${i % 4}`, pasid: (1 + (i >> 2)) as Pasid })) }

/** One scan of a 2^20-bit pool, every PASID's bit tested (the remap floor). */
export const scanPool = (bits: Uint8Array): number => {
  let free = 0
  for (let p = 0; p < 1 << 20; p++) if (((bits[p >>> 3]! >>> (p & 7)) & 1) === 0) free++
  return free
}

// --- State decode (as bench/state.bench.ts) ---

/** A state of `functions` functions (the two vm-17 layouts in turn) and `bindings` delegated bindings over them. */
export const stateBytes = (functions: number, bindings: number): Uint8Array => {
  const golden = decoded(corpus('state/vm-17-schema-v1.pb')).functions
  const fns = Array.from({ length: functions }, (_, i) => ({ ...golden[i % 2]!, guestAddress: `00:${(i >> 3).toString(16).padStart(2, '0')}.${i & 7}` }))
  return encodeMigrationState({
    schemaVersion: 1,
    vmName: 'bench',
    functions: fns,
    pasid: {
      mode: 'delegated',
      functions: fns.map((f) => ({ id: f.guestAddress, capability: { width: 20 as PasidWidth, execute: false, privileged: false }, enqcmd: false })),
      bindings: Array.from({ length: bindings }, (_, i) => ({ function: fns[i % functions]!.guestAddress, pasid: (1 + Math.floor(i / functions)) as Pasid })),
    },
  })
}

/** protobufjs's plain decode of the same message (its reflection decoder, loaded from proto/). */
export const plainDecoder = (): ((bytes: Uint8Array) => unknown) => {
  const protoDir = fileURLToPath(new URL('../../proto/', import.meta.url))
  const root = new protobuf.Root()
  root.resolvePath = (_origin, target) => (target.startsWith(protoDir) ? target : `${protoDir}${target}`)
  root.loadSync('vpci/migration/v1/migration.proto')
  root.resolveAll()
  const type = root.lookupType('vpci.migration.v1.MigrationState')
  return (bytes) => type.decode(bytes)
}

// --- Full path (as bench/check.bench.ts) ---

/** The accelerator's sysfs config, and a copy with migrated state changed (MSI-X and PASID enables). */
export const configPair = (): readonly [Buffer, Buffer] => {
  const source = Buffer.from(corpus('sysfs/0000:5a:00.0/config'))
  const destination = Buffer.from(source)
  destination[0x83]! ^= 0x80
  destination[0x156]! ^= 0x07
  return [source, destination]
}

/**
 * A generated fleet of candidate hosts, as a scheduler holds one: device models prepared once
 * and shared by every host that carries them, addresses from a small table, PASID pools as
 * range lists of random occupancy. Deterministic for a seed. Used by the filter bench and tests.
 *
 * The 20 device models: the repository's 8 fixtures (accelerator V1 on two hosts and V2, NIC V1
 * and V2, a PASID/ATS/PRI endpoint, a conventional function, a root port) and 12 OEM variants
 * of the first six (the same silicon with another Subsystem ID, which the VM's layouts refuse).
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Persona } from '../../src/layout/function-layout.js'
import type { Host, HostFunction } from '../../src/migrate/host.js'
import type { HostPasid, HostPasidFunction } from '../../src/pasid/host-pasid.js'
import { type PasidRanges, pasidRanges } from '../../src/pasid/pasid-ranges.js'
import type { PasidWidth } from '../../src/pasid/pasid.js'
import { readDump } from '../../src/dump/read-dump.js'
import { type PreparedFunction, prepareFunction } from '../../src/semantic/prepared-function.js'
import { seeded } from '../../fuzz/mutate.js'
import { readCorpusBytes } from './repo-corpus.js'

export interface DeviceModel {
  readonly function: PreparedFunction
  readonly persona: Persona | null
  /** Max PASID Width of its PASID capability; 0 without one. */
  readonly pasidWidth: number
}

const persona = (family: string, hardwareVersion: string, firmware: string, migrationStreams: number[]): Persona => ({ family, hardwareVersion, firmware, migrationStreams })
const ACCEL_V1 = persona('vpci-example-accelerator', 'V1', '1.0', [1])
const ACCEL_V2 = persona('vpci-example-accelerator', 'V2', '2.0', [2])
const NIC_V1 = persona('vpci-example-nic', 'V1', '1.4', [1, 2])
const NIC_V2 = persona('vpci-example-nic', 'V2', '2.1', [2, 3])

const prepare = (bytes: Uint8Array, name: string): PreparedFunction => {
  const dump = readDump(bytes, name)
  if (E.isLeft(dump)) throw new Error(`${name}: ${JSON.stringify(dump.left)}`)
  return prepareFunction(dump.right)
}

/** The binary image of a corpus lspci dump, for making variants. */
const image = (name: string): Uint8Array => {
  const dump = readDump(readCorpusBytes(name), name)
  if (E.isLeft(dump)) throw new Error(name)
  return Uint8Array.from(dump.right.config.bytes)
}

export const deviceModels = (): DeviceModel[] => {
  const bases: Array<[string, Persona | null, number]> = [
    ['families/accelerator/v1-host-a.lspci', ACCEL_V1, 20],
    ['families/accelerator/v1-host-b.lspci', ACCEL_V1, 20],
    ['families/accelerator/v2-host-c.lspci', ACCEL_V2, 16],
    ['families/nic/v1.lspci', NIC_V1, 16],
    ['families/nic/v2.lspci', NIC_V2, 16],
    ['functions/pasid-ats-pri-endpoint.lspci', null, 20],
    ['functions/conventional-256.lspci', null, 0],
    ['functions/type1-root-port.lspci', null, 0],
  ]
  const models: DeviceModel[] = bases.map(([name, p, w]) => ({ function: prepare(readCorpusBytes(name), name), persona: p, pasidWidth: w }))
  for (const [name, p, w] of bases.slice(0, 6)) {
    for (const subsystem of [0x0a01, 0x0b02]) {
      const bytes = image(name)
      bytes[0x2e] = subsystem & 0xff
      bytes[0x2f] = subsystem >> 8
      models.push({ function: prepare(bytes, `${name} (OEM ${subsystem.toString(16)})`), persona: p, pasidWidth: w })
    }
  }
  return models
}

export interface FleetOptions {
  readonly hosts: number
  readonly seed?: number
  readonly models?: readonly DeviceModel[]
}

const ADDRESSES = Array.from({ length: 8 }, (_, k) => `0000:${(0x17 + k * 0x10).toString(16)}:00.0`)
const W20 = 20 as PasidWidth

/**
 * `hosts` hosts of 1–8 functions drawn from the models (9 in 10 free), the IOMMU at 20 bits,
 * split 64 (1 in 50 at 32), CPU translation (1 in 50 without), and a global pool with 0–8
 * random allocated ranges (1 in 30 nearly full). Shared, as an inventory would intern its
 * immutable records: models, personas, addresses, function records (slot, model, free) and
 * per-slot PASID function entries with their empty pools.
 */
export const fleet = ({ hosts, seed = 1, models = deviceModels() }: FleetOptions): Host[] => {
  const rnd = seeded(seed)
  const int = (n: number): number => Math.floor(rnd() * n)
  const pasidFunctions: HostPasidFunction<PasidRanges>[][] = models.map((m) =>
    ADDRESSES.map((id) => ({ id, capabilityWidth: m.pasidWidth as PasidWidth, execute: true, privileged: true, pasidEnabled: true, isVf: false, pool: pasidRanges(m.pasidWidth as PasidWidth) })),
  )
  const records: HostFunction[][][] = models.map((model) =>
    ADDRESSES.map((address) => [false, true].map((free) => ({ address, function: model.function, persona: model.persona, pf: null, free }))),
  )
  const out: Host[] = new Array(hosts)
  for (let h = 0; h < hosts; h++) {
    const n = 1 + int(8)
    const functions: HostFunction[] = new Array(n)
    const pasid: HostPasidFunction<PasidRanges>[] = new Array(n)
    for (let k = 0; k < n; k++) {
      const m = int(models.length)
      functions[k] = records[m]![k]![int(10) === 0 ? 0 : 1]!
      pasid[k] = pasidFunctions[m]![k]!
    }
    const ranges: Array<[number, number]> = []
    if (int(30) === 0) ranges.push([64, (1 << 20) - int(3)])
    else for (let r = int(9); r > 0; r--) {
      const start = 64 + int((1 << 20) - 64)
      ranges.push([start, start + 1 + int(1 << 14)])
    }
    const host: HostPasid<PasidRanges> = { iommuWidth: W20, cpuTranslation: int(50) !== 0, split: int(50) === 0 ? 32 : 64, global: pasidRanges(W20, ranges), functions: pasid }
    out[h] = { name: `host-${h}`, functions, pasid: host }
  }
  return out
}

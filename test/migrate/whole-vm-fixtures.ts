/**
 * VMs and hosts for whole-VM tests, built in memory from the repository's fixtures: VM functions
 * of instance type A (the accelerator V1 layout) or a NIC (the NIC V1 layout; the NIC V2 layout,
 * which shows a vPASID, for a function the PASID state names), and host functions of the
 * fleet's device models (test/support/fleet.ts), with PASID sides given per function. States
 * agree with themselves (src/state/state-consistency.ts): the (v)PASID capability of a function
 * the PASID state names shows exactly the width it claims and supports what it claims.
 */
import * as E from 'fp-ts/lib/Either.js'
import { configSpace } from '../../src/config-space/config-space.js'
import { build } from '../../src/layout/build.js'
import type { FunctionLayout } from '../../src/layout/function-layout.js'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import type { Host, HostFunction } from '../../src/migrate/host.js'
import type { HostPasid, HostPasidFunction } from '../../src/pasid/host-pasid.js'
import { type PasidRanges, pasidRanges } from '../../src/pasid/pasid-ranges.js'
import type { PasidFunction, PasidState } from '../../src/pasid/pasid-state.js'
import type { PasidWidth } from '../../src/pasid/pasid.js'
import { prepareFunction } from '../../src/semantic/prepared-function.js'
import { type AssignedFunction, type MigrationState, SCHEMA_VERSION } from '../../src/state/migration-state.js'
import { type DeviceModel, deviceModels } from '../support/fleet.js'
import { readCorpusText } from '../support/repo-corpus.js'

export type InstanceType = 'accelerator' | 'nic'

const layoutOf = (name: string): FunctionLayout => {
  const l = decodeLayout(readCorpusText(`layouts/${name}.yaml`), name)
  if (E.isLeft(l)) throw new Error(`${name}: ${JSON.stringify(l.left)}`)
  return l.right
}
const LAYOUTS: Record<InstanceType, FunctionLayout> = { accelerator: layoutOf('accelerator-v1'), nic: layoutOf('nic-v1') }
const NIC_WITH_PASID = layoutOf('nic-v2')

/** The layout of `type` for a function the PASID state describes as `claims` (undefined: none). */
const layoutFor = (type: InstanceType, claims: PasidFunction | undefined): FunctionLayout => {
  if (claims === undefined) return LAYOUTS[type]
  const base = type === 'nic' ? NIC_WITH_PASID : LAYOUTS[type]
  const shown = (c: FunctionLayout['capabilities'][number]) => ({
    ...c,
    fields: {
      ...c.fields,
      maxPasidWidth: claims.capability.width,
      ...(claims.capability.execute ? { executePermission: 1 } : {}),
      ...(claims.capability.privileged ? { privilegedMode: 1 } : {}),
    },
  })
  return { ...base, capabilities: base.capabilities.map((c) => (c.space === 'extended' && c.id === 0x1b ? shown(c) : c)) }
}

/** A guest address for VM function i: 00:05.0, 00:06.0, … (device numbers up to 0x1f, then the next bus). */
export const guestAddress = (i: number): string => `${(i >> 5).toString(16).padStart(2, '0')}:${(i & 31).toString(16).padStart(2, '0')}.0`

const assigned = (type: InstanceType, guest: string, claims: PasidFunction | undefined): AssignedFunction => {
  const layout = layoutFor(type, claims)
  const built = build(layout)
  if (E.isLeft(built)) throw new Error(`${type} does not build`)
  const digest = prepareFunction(built.right).digest
  return { guestAddress: guest, persona: layout.persona, layout, configImage: built.right.config, semanticDigest: Uint8Array.from(Buffer.from(digest, 'hex')) }
}

/** A VM whose function i has instance type `types[i]` at `guestAddress(i + 5)`. */
export const vm = (types: readonly InstanceType[], pasid: PasidState | null = null): MigrationState => ({
  schemaVersion: SCHEMA_VERSION,
  vmName: 'test-vm',
  functions: types.map((t, i) => assigned(t, guestAddress(i + 5), pasid?.functions.find((f) => f.id === guestAddress(i + 5)))),
  pasid,
})

/** Which field of a model a near model changes. */
export type NearField = 'device' | 'revision' | 'capability'

/** The image with one field off: Device ID + 1, Revision ID + 1, or its last extended capability unlinked. */
const nearImage = (bytes: ArrayLike<number>, field: NearField): Uint8Array => {
  const out = Uint8Array.from(bytes)
  if (field === 'device') out[2] = (out[2]! + 1) & 0xff
  else if (field === 'revision') out[8] = (out[8]! + 1) & 0xff
  else {
    const view = new DataView(out.buffer)
    const chain: number[] = []
    for (let at = 0x100; at >= 0x100 && at + 4 <= out.length && chain.length < 64; at = view.getUint32(at, true) >>> 20) chain.push(at)
    if (chain.length >= 2) {
      const before = chain[chain.length - 2]!
      view.setUint32(before, view.getUint32(before, true) & 0xfffff, true)
    }
  }
  return out
}

/** The models near models are made of: accelerator V1 (both hosts' copies), NIC V1, NIC V2. */
const NEAR_BASES = [0, 1, 3, 4] as const
const NEAR_FIELDS: readonly NearField[] = ['device', 'revision', 'capability']

let models: DeviceModel[] | null = null
/**
 * The fleet's 20 device models (0, 1: accelerator V1; 2: accelerator V2; 3: NIC V1; 4: NIC V2;
 * 6: a conventional function), then near models of 0, 1, 3 and 4 (NEAR_MODELS).
 */
export const model = (m: number): DeviceModel => (models ??= withNearModels(deviceModels()))[m]!

const withNearModels = (base: DeviceModel[]): DeviceModel[] => [
  ...base,
  ...NEAR_FIELDS.flatMap((field) =>
    NEAR_BASES.map((b) => {
      const m = base[b]!
      const config = configSpace(nearImage(m.function.config.bytes, field))!
      return { ...m, function: prepareFunction({ file: `model ${b}, ${field} off`, device: null, description: null, config, resources: null }) }
    }),
  ),
]

/** For each field, the near model of a base model (by index), one field off from it. */
export const NEAR_MODELS: Readonly<Record<NearField, Readonly<Record<number, number>>>> = Object.fromEntries(
  NEAR_FIELDS.map((field, f) => [field, Object.fromEntries(NEAR_BASES.map((b, i) => [b, 20 + f * NEAR_BASES.length + i]))]),
) as Record<NearField, Record<number, number>>

export const ACCELERATOR_V1 = 0
export const NIC_V1 = 3
export const NIC_V2 = 4
export const CONVENTIONAL = 6

/** A host function address: 0000:BB:DD.F from an index (8 functions per device, 32 devices per bus). */
export const hostAddress = (k: number): string => `0000:${(0x20 + (k >> 8)).toString(16)}:${((k >> 3) & 31).toString(16).padStart(2, '0')}.${k & 7}`

export interface HostFunctionSpec {
  readonly model: number
  readonly free?: boolean
  /** PASID capability width (default the model's; 0: none). */
  readonly pasidWidth?: number
  readonly pool?: PasidRanges
  readonly execute?: boolean
  readonly privileged?: boolean
  readonly pasidEnabled?: boolean
  readonly isVf?: boolean
}

export interface HostPasidSpec {
  readonly iommuWidth?: number
  readonly cpuTranslation?: boolean
  readonly split?: number | null
  readonly global?: PasidRanges
}

/** A host of the given functions at `hostAddress(k)`, with a PASID side (IOMMU 20 bits, split 64, an empty global pool by default). */
export const host = (name: string, functions: readonly HostFunctionSpec[], pasid: HostPasidSpec = {}): Host => {
  const fns: HostFunction[] = functions.map((f, k) => {
    const m = model(f.model)
    return { address: hostAddress(k), function: m.function, persona: m.persona, pf: null, free: f.free ?? true }
  })
  const pasidFunctions: HostPasidFunction<PasidRanges>[] = functions.map((f, k) => {
    const width = (f.pasidWidth ?? model(f.model).pasidWidth) as PasidWidth
    return {
      id: hostAddress(k),
      capabilityWidth: width,
      execute: f.execute ?? true,
      privileged: f.privileged ?? true,
      pasidEnabled: f.pasidEnabled ?? true,
      isVf: f.isVf ?? false,
      pool: f.pool ?? pasidRanges(width),
    }
  })
  const side: HostPasid<PasidRanges> = {
    iommuWidth: (pasid.iommuWidth ?? 20) as PasidWidth,
    cpuTranslation: pasid.cpuTranslation ?? true,
    split: pasid.split === undefined ? 64 : pasid.split,
    global: pasid.global ?? pasidRanges(20 as PasidWidth),
    functions: pasidFunctions,
  }
  return { name, functions: fns, pasid: side }
}

/** `n` functions of one model. */
export const many = (n: number, spec: HostFunctionSpec): HostFunctionSpec[] => Array.from({ length: n }, () => spec)

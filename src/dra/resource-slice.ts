/**
 * A scanned host as `resource.k8s.io/v1` ResourceSlices, so kube-scheduler's own CEL can pick a
 * function that can back an instance type: one device per assignable (free) function, named
 * from its PCI address, with attributes in the driver's domain (unqualified names, which the API
 * puts in the driver's domain and CEL reads as `device.attributes["DRIVER"].NAME`):
 *
 * - `address` (string), `vendor` and `device` (strings, `0x` and 4 hex digits);
 * - `family`, `hardwareVersion`, `firmware` (strings) and `streams` (string, the migration stream
 *   versions the variant driver accepts as `,1,2,`, so `.contains(",2,")` asks for one), from the
 *   function's persona when it has one;
 * - `pasidWidth` (int): min(the PASID capability's Max PASID Width, the IOMMU's), 0 without;
 * - `backs_NAME` (bool, true) for each instance type NAME whose layout the function can back, as
 *   `realize` decides (with the function's persona and, for a VF, its PF). Only the types a
 *   function backs are listed: a selector asks `"backs_NAME" in ...` first.
 *
 * Limits (dra-limits.ts): a device holds at most 32 attributes and capacities; the 9 above leave
 * 23 instance types per device, and a function able to back more is refused (with the types it
 * backs named) rather than listed partly: a missing attribute would read as "cannot back". More
 * than 128 devices are split over several slices of one pool.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { FunctionLayout } from '../layout/function-layout.js'
import { realize } from '../layout/realize.js'
import { type Host, pfOf } from '../migrate/host.js'
import { effectiveWidth } from '../pasid/pasid.js'
import { readU16 } from '../config-space/config-space.js'
import { attributeNameProblem, attributeValueProblem, dnsSubdomainProblem, driverNameProblem, MAX_ATTRIBUTES_PER_DEVICE, MAX_DEVICES_PER_SLICE, poolNameProblem } from './dra-limits.js'

/** An instance type: its name (the layout file's, without extension) and layout. */
export interface InstanceType {
  readonly name: string
  readonly layout: FunctionLayout
}

export type DeviceAttribute = { readonly string: string } | { readonly int: number } | { readonly bool: boolean }

export interface ResourceSliceDevice {
  readonly name: string
  readonly attributes: Readonly<Record<string, DeviceAttribute>>
}

export interface ResourceSlice {
  readonly apiVersion: 'resource.k8s.io/v1'
  readonly kind: 'ResourceSlice'
  readonly metadata: { readonly name: string }
  readonly spec: {
    readonly driver: string
    readonly pool: { readonly name: string; readonly generation: number; readonly resourceSliceCount: number }
    readonly nodeName: string
    readonly devices: readonly ResourceSliceDevice[]
  }
}

export interface ResourceSliceOptions {
  readonly driver: string
  readonly pool: string
  /** The pool's generation (default 1): raise it when the host's devices change. */
  readonly generation?: number
}

export interface DraError {
  readonly _tag: 'DraError'
  readonly message: string
}

const draError = (message: string): DraError => ({ _tag: 'DraError', message })

/** Attributes every device carries besides its instance types. */
export const FIXED_ATTRIBUTES = ['address', 'vendor', 'device', 'family', 'hardwareVersion', 'firmware', 'streams', 'pasidWidth'] as const
/** Instance types one device can list: the per-device cap less the fixed attributes. */
export const MAX_INSTANCE_TYPES_PER_DEVICE = MAX_ATTRIBUTES_PER_DEVICE - FIXED_ATTRIBUTES.length

/** The attribute that says a device backs the instance type `name` (`backs_` and the name, each other character `_`). */
export const backsAttribute = (name: string): string => `backs_${name.replace(/[^A-Za-z0-9_]/g, '_')}`

/** A device name (a DNS label) from a PCI address: `0000:5e:00.0` → `pci-0000-5e-00-0`. */
export const deviceName = (address: string): string => `pci-${address.toLowerCase().replace(/[^a-z0-9]/g, '-')}`

const hex4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`

/** The ResourceSlices of `host`'s free functions, or every reason they cannot be written. */
export const resourceSlice = (host: Host, types: readonly InstanceType[], options: ResourceSliceOptions): E.Either<readonly DraError[], readonly ResourceSlice[]> => {
  const errors: DraError[] = []
  const driver = driverNameProblem(options.driver)
  if (driver !== null) errors.push(draError(`driver: ${driver}`))
  const pool = poolNameProblem(options.pool)
  if (pool !== null) errors.push(draError(`pool: ${pool}`))
  const node = dnsSubdomainProblem(host.name)
  if (node !== null) errors.push(draError(`host name (the node's name): ${node}`))
  const byAttribute = new Map<string, string>()
  for (const t of types) {
    const a = backsAttribute(t.name)
    const problem = attributeNameProblem(a)
    if (problem !== null) errors.push(draError(`instance type ${t.name}: ${problem}; shorten its file name`))
    const other = byAttribute.get(a)
    if (other !== undefined) errors.push(draError(`instance types ${other} and ${t.name} both become attribute ${a}; rename one`))
    byAttribute.set(a, t.name)
  }
  if (errors.length > 0) return E.left(errors)

  const devices: ResourceSliceDevice[] = []
  for (const f of host.functions) {
    if (!f.free) continue
    const config = f.function.config
    const attributes: Record<string, DeviceAttribute> = {
      address: { string: f.address },
      vendor: { string: hex4(readU16(config, 0)) },
      device: { string: hex4(readU16(config, 2)) },
    }
    if (f.persona !== null) {
      attributes.family = { string: f.persona.family }
      attributes.hardwareVersion = { string: f.persona.hardwareVersion }
      attributes.firmware = { string: f.persona.firmware }
      attributes.streams = { string: `,${f.persona.migrationStreams.join(',')},` }
    }
    const pasid = host.pasid?.functions.find((p) => p.id === f.address)
    attributes.pasidWidth = { int: pasid === undefined || host.pasid === null ? 0 : effectiveWidth(pasid.capabilityWidth, host.pasid.iommuWidth) }
    const pf = pfOf(host.functions, f)
    const backed = types.filter((t) => {
      const r = realize(t.layout, f.function, { destinationPersona: f.persona, ...(pf === undefined ? {} : { pf }) })
      return E.isRight(r) && r.right.compatible
    })
    if (backed.length > MAX_INSTANCE_TYPES_PER_DEVICE) {
      errors.push(draError(`${f.address} can back ${backed.length} instance types (${backed.map((t) => t.name).join(', ')}); a device holds at most ${MAX_ATTRIBUTES_PER_DEVICE} attributes (ResourceSliceMaxAttributesAndCapacitiesPerDevice), room for ${MAX_INSTANCE_TYPES_PER_DEVICE}: split the layouts over several drivers or use the scheduler extender`))
      continue
    }
    for (const t of backed) attributes[backsAttribute(t.name)] = { bool: true }
    for (const [k, v] of Object.entries(attributes)) {
      const p = 'string' in v ? attributeValueProblem(v.string) : null
      if (p !== null) errors.push(draError(`${f.address}: attribute ${k}: ${p}`))
    }
    devices.push({ name: deviceName(f.address), attributes })
  }
  if (errors.length > 0) return E.left(errors)
  const count = Math.max(1, Math.ceil(devices.length / MAX_DEVICES_PER_SLICE))
  const base = `${host.name}-${options.driver}-${options.pool.replace(/\//g, '.')}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-')
  const slices: ResourceSlice[] = []
  for (let i = 0; i < count; i++) {
    const name = `${base}-${i}`
    const problem = dnsSubdomainProblem(name)
    if (problem !== null) return E.left([draError(`the slice's name: ${problem}; use a shorter host, driver or pool name`)])
    slices.push({
      apiVersion: 'resource.k8s.io/v1',
      kind: 'ResourceSlice',
      metadata: { name },
      spec: {
        driver: options.driver,
        pool: { name: options.pool, generation: options.generation ?? 1, resourceSliceCount: count },
        nodeName: host.name,
        devices: devices.slice(i * MAX_DEVICES_PER_SLICE, (i + 1) * MAX_DEVICES_PER_SLICE),
      },
    })
  }
  return E.right(slices)
}

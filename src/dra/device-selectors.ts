/**
 * The objects a claim asks for vpci's devices with (`resource.k8s.io/v1`): a DeviceClass of the
 * driver's devices, and per instance type a ResourceClaimTemplate whose CEL selector reads "a
 * device that can back instance type NAME" from the attributes `resourceSlice` writes. The
 * selector asks whether the attribute is there before reading it: reading a missing attribute is
 * a CEL error, which fails the claim's allocation instead of skipping the device.
 */
import { backsAttribute } from './resource-slice.js'

export interface CelSelector {
  readonly cel: { readonly expression: string }
}

export interface DeviceClass {
  readonly apiVersion: 'resource.k8s.io/v1'
  readonly kind: 'DeviceClass'
  readonly metadata: { readonly name: string }
  readonly spec: { readonly selectors: readonly CelSelector[] }
}

export interface ResourceClaimTemplate {
  readonly apiVersion: 'resource.k8s.io/v1'
  readonly kind: 'ResourceClaimTemplate'
  readonly metadata: { readonly name: string; readonly namespace?: string }
  readonly spec: {
    readonly spec: {
      readonly devices: {
        readonly requests: ReadonlyArray<{ readonly name: string; readonly exactly: { readonly deviceClassName: string; readonly allocationMode: 'ExactCount'; readonly count: number; readonly selectors: readonly CelSelector[] } }>
      }
    }
  }
}

/** CEL: the device is the driver's. */
export const driverSelector = (driver: string): string => `device.driver == ${JSON.stringify(driver)}`

/** CEL: the device can back instance type `name` (its `backs_NAME` attribute is there and true). */
export const backsSelector = (driver: string, name: string): string => {
  const a = backsAttribute(name)
  const d = JSON.stringify(driver)
  return `${JSON.stringify(a)} in device.attributes[${d}] && device.attributes[${d}].${a}`
}

/** The DeviceClass of the driver's devices (by default named after the driver). */
export const deviceClass = (driver: string, name: string = driver): DeviceClass => ({
  apiVersion: 'resource.k8s.io/v1',
  kind: 'DeviceClass',
  metadata: { name },
  spec: { selectors: [{ cel: { expression: driverSelector(driver) } }] },
})

/** A claim template for one device of class `className` that can back instance type `type`, named `backs-TYPE` unless given. */
export const claimTemplate = (driver: string, className: string, type: string, options: { readonly name?: string; readonly namespace?: string } = {}): ResourceClaimTemplate => ({
  apiVersion: 'resource.k8s.io/v1',
  kind: 'ResourceClaimTemplate',
  metadata: { name: options.name ?? `backs-${type.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`, ...(options.namespace === undefined ? {} : { namespace: options.namespace }) },
  spec: { spec: { devices: { requests: [{ name: 'function', exactly: { deviceClassName: className, allocationMode: 'ExactCount', count: 1, selectors: [{ cel: { expression: backsSelector(driver, type) } }] } }] } } },
})

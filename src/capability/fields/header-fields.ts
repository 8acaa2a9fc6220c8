/**
 * Fields of the type 0 (endpoint) and type 1 (PCI-to-PCI bridge) headers (PCI Local Bus spec,
 * PCIe Base spec §7.5.1). The CardBus header has no table: its bytes are compared exactly.
 */
import { type FieldSpec, register, show, whole } from '../field.js'
import type { LengthContext } from '../length-rule.js'
import { barFields } from './bar-fields.js'
import { barTypeKey, type FieldTable, memoTable } from './field-context.js'

const command = register('Command', 0x04, 2)
const status = register('Status', 0x06, 2)
const headerType = register('Header Type', 0x0e, 1)

/** Status register bits, shared by the header's Status and a bridge's Secondary Status. */
const statusErrorBits = (r: ReturnType<typeof register>, prefix = ''): FieldSpec[] => [
  r(8, 'RW1C', 'volatile', `${prefix}masterDataParityError`, 'Master Data Parity Error'),
  r(11, 'RW1C', 'volatile', `${prefix}signaledTargetAbort`, 'Signaled Target Abort'),
  r(12, 'RW1C', 'volatile', `${prefix}receivedTargetAbort`, 'Received Target Abort'),
  r(13, 'RW1C', 'volatile', `${prefix}receivedMasterAbort`, 'Received Master Abort'),
  r(14, 'RW1C', 'volatile', `${prefix}signaledSystemError`, 'Signaled System Error'),
  r(15, 'RW1C', 'volatile', `${prefix}detectedParityError`, 'Detected Parity Error'),
]

/** 0x00–0x0F: the same in every header layout. */
const common: readonly FieldSpec[] = [
  whole('Vendor ID', 0x00, 2, 'RO', 'identity', 'vendorId'),
  whole('Device ID', 0x02, 2, 'RO', 'identity', 'deviceId'),
  command(0, 'RW', 'state', 'ioSpace', 'I/O Space Enable'),
  command(1, 'RW', 'state', 'memorySpace', 'Memory Space Enable'),
  command(2, 'RW', 'state', 'busMaster', 'Bus Master Enable'),
  command(3, 'RO', 'identity', 'specialCycles', 'Special Cycle Enable'),
  command(4, 'RO', 'identity', 'memoryWriteInvalidate', 'Memory Write and Invalidate'),
  command(5, 'RO', 'identity', 'vgaPaletteSnoop', 'VGA Palette Snoop'),
  command(6, 'RW', 'state', 'parityErrorResponse', 'Parity Error Response'),
  command(7, 'RO', 'identity', 'idselStepping', 'IDSEL Stepping'),
  command(8, 'RW', 'state', 'serrEnable', 'SERR# Enable'),
  command(9, 'RO', 'identity', 'fastBackToBackEnable', 'Fast Back-to-Back Enable'),
  command(10, 'RW', 'state', 'interruptDisable', 'Interrupt Disable'),
  command([15, 11], 'RO', 'identity', 'commandReserved', 'Reserved'),
  status([2, 0], 'RO', 'identity', 'statusReserved', 'Reserved'),
  status(3, 'RO', 'volatile', 'interruptStatus', 'Interrupt Status', { show: show.flag }),
  status(4, 'RO', 'identity', 'capabilitiesList', 'Capabilities List', { show: show.flag }),
  status(5, 'RO', 'identity', 'capable66MHz', '66 MHz Capable', { show: show.flag }),
  status(6, 'RO', 'identity', 'statusReserved6', 'Reserved'),
  status(7, 'RO', 'identity', 'fastBackToBackCapable', 'Fast Back-to-Back Capable', { show: show.flag }),
  status([10, 9], 'RO', 'identity', 'devselTiming', 'DEVSEL Timing'),
  ...statusErrorBits(status),
  whole('Revision ID', 0x08, 1, 'RO', 'identity', 'revisionId'),
  whole('Class Code: Programming Interface', 0x09, 1, 'RO', 'identity', 'programmingInterface'),
  whole('Class Code: Sub-Class', 0x0a, 1, 'RO', 'identity', 'subClass'),
  whole('Class Code: Base Class', 0x0b, 1, 'RO', 'identity', 'baseClass'),
  whole('Cache Line Size', 0x0c, 1, 'RW', 'state', 'cacheLineSize'),
  whole('Latency Timer', 0x0d, 1, 'RO', 'identity', 'latencyTimer'),
  headerType([6, 0], 'RO', 'identity', 'headerLayout', 'Header Layout'),
  headerType(7, 'RO', 'identity', 'multiFunction', 'Multi-Function Device', { show: show.flag }),
  whole('BIST', 0x0f, 1, 'RO', 'identity', 'bist'),
]

const rom = (at: number): FieldSpec[] => {
  const r = register('Expansion ROM Base Address', at, 4)
  return [
    r(0, 'RW', 'state', 'romEnable', 'Expansion ROM Enable'),
    r([10, 1], 'RO', 'identity', 'romReserved', 'Reserved'),
    r([31, 11], 'RW', 'state', 'romAddress', 'Expansion ROM Base Address'),
  ]
}

const interrupt: readonly FieldSpec[] = [
  whole('Capabilities Pointer', 0x34, 1, 'RO', 'identity', 'capabilitiesPointer'),
  whole('Interrupt Line', 0x3c, 1, 'RW', 'state', 'interruptLine'),
  whole('Interrupt Pin', 0x3d, 1, 'RO', 'identity', 'interruptPin', {
    show: (v) => (v === 0 ? 'none' : `INT${'?ABCD'[v] ?? '?'}`),
    why: 'the guest routed the function\'s legacy interrupt by its pin',
  }),
]

/** Type 0: an endpoint. */
export const TYPE0_HEADER_FIELDS: FieldTable = memoTable((ctx) => barTypeKey(ctx, 0x10, 6), (ctx: LengthContext) => [
  ...common,
  ...barFields(ctx, 0x10, 6, 'bar', 'Base Address Register'),
  whole('CardBus CIS Pointer', 0x28, 4, 'RO', 'identity', 'cardbusCisPointer'),
  whole('Subsystem Vendor ID', 0x2c, 2, 'RO', 'identity', 'subsystemVendorId'),
  whole('Subsystem ID', 0x2e, 2, 'RO', 'identity', 'subsystemId'),
  ...rom(0x30),
  ...interrupt,
  whole('Min_Gnt', 0x3e, 1, 'RO', 'identity', 'minGnt'),
  whole('Max_Lat', 0x3f, 1, 'RO', 'identity', 'maxLat'),
])

const window = (name: string, at: number, key: string): FieldSpec[] => {
  const r = register(name, at, 2)
  return [r([3, 0], 'RO', 'identity', `${key}Capability`, 'Addressing Capability'), r([15, 4], 'RW', 'state', key, name)]
}
const secondaryStatus = register('Secondary Status', 0x1e, 2)

/** Type 1: a PCI-to-PCI bridge (root ports and switch ports). */
export const TYPE1_HEADER_FIELDS: FieldTable = memoTable((ctx) => barTypeKey(ctx, 0x10, 2), (ctx: LengthContext) => [
  ...common,
  ...barFields(ctx, 0x10, 2, 'bar', 'Base Address Register'),
  whole('Primary Bus Number', 0x18, 1, 'RW', 'state', 'primaryBus'),
  whole('Secondary Bus Number', 0x19, 1, 'RW', 'state', 'secondaryBus'),
  whole('Subordinate Bus Number', 0x1a, 1, 'RW', 'state', 'subordinateBus'),
  whole('Secondary Latency Timer', 0x1b, 1, 'RO', 'identity', 'secondaryLatencyTimer'),
  register('I/O Base', 0x1c, 1)([3, 0], 'RO', 'identity', 'ioBaseCapability', 'Addressing Capability'),
  register('I/O Base', 0x1c, 1)([7, 4], 'RW', 'state', 'ioBase', 'I/O Base'),
  register('I/O Limit', 0x1d, 1)([3, 0], 'RO', 'identity', 'ioLimitCapability', 'Addressing Capability'),
  register('I/O Limit', 0x1d, 1)([7, 4], 'RW', 'state', 'ioLimit', 'I/O Limit'),
  secondaryStatus([7, 0], 'RO', 'identity', 'secondaryStatusCapabilities', 'Secondary Status capability bits'),
  secondaryStatus([10, 9], 'RO', 'identity', 'secondaryDevselTiming', 'DEVSEL Timing'),
  ...statusErrorBits(secondaryStatus, 'secondary'),
  register('Memory Base', 0x20, 2)([3, 0], 'RO', 'identity', 'memoryBaseReserved', 'Reserved'),
  register('Memory Base', 0x20, 2)([15, 4], 'RW', 'state', 'memoryBase', 'Memory Base'),
  register('Memory Limit', 0x22, 2)([3, 0], 'RO', 'identity', 'memoryLimitReserved', 'Reserved'),
  register('Memory Limit', 0x22, 2)([15, 4], 'RW', 'state', 'memoryLimit', 'Memory Limit'),
  ...window('Prefetchable Memory Base', 0x24, 'prefetchableBase'),
  ...window('Prefetchable Memory Limit', 0x26, 'prefetchableLimit'),
  whole('Prefetchable Base Upper 32 Bits', 0x28, 4, 'RW', 'state', 'prefetchableBaseUpper'),
  whole('Prefetchable Limit Upper 32 Bits', 0x2c, 4, 'RW', 'state', 'prefetchableLimitUpper'),
  whole('I/O Base Upper 16 Bits', 0x30, 2, 'RW', 'state', 'ioBaseUpper'),
  whole('I/O Limit Upper 16 Bits', 0x32, 2, 'RW', 'state', 'ioLimitUpper'),
  ...rom(0x38),
  ...interrupt,
  register('Bridge Control', 0x3e, 2)([11, 0], 'RW', 'state', 'bridgeControl', 'Bridge Control'),
  register('Bridge Control', 0x3e, 2)([15, 12], 'RO', 'identity', 'bridgeControlReserved', 'Reserved'),
])

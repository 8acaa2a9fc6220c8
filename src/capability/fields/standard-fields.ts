/**
 * Fields of standard capabilities: Power Management, MSI, MSI-X, VPD, vendor-specific
 * (PCI Local Bus spec §6.7–6.8, PCI PM spec). PCI Express has its own file.
 */
import { type FieldSpec, register, show, whole } from '../field.js'
import { type FieldTable, memoTable } from './field-context.js'

const pmc = register('Power Management Capabilities', 0x02, 2)
const pmcsr = register('Power Management Control/Status', 0x04, 2)

export const POWER_MANAGEMENT_FIELDS: FieldTable = [
  pmc([2, 0], 'RO', 'identity', 'version', 'Version'),
  pmc(3, 'RO', 'identity', 'pmeClock', 'PME Clock'),
  pmc(4, 'RO', 'identity', 'immediateReadiness', 'Immediate Readiness on Return to D0'),
  pmc(5, 'RO', 'identity', 'deviceSpecificInitialization', 'Device Specific Initialization'),
  pmc([8, 6], 'RO', 'identity', 'auxCurrent', 'Aux Current'),
  pmc(9, 'RO', 'features', 'd1Support', 'D1 Support', { show: show.flag }),
  pmc(10, 'RO', 'features', 'd2Support', 'D2 Support', { show: show.flag }),
  pmc([15, 11], 'RO', 'features', 'pmeSupport', 'PME Support'),
  pmcsr([1, 0], 'RW', 'state', 'powerState', 'Power State', { show: (v) => `D${v}` }),
  pmcsr(2, 'RO', 'identity', 'pmcsrReserved', 'Reserved'),
  pmcsr(3, 'RO', 'identity', 'noSoftReset', 'No Soft Reset', {
    show: show.flag,
    why: 'the guest decides whether a D3hot→D0 transition keeps device state from it',
  }),
  pmcsr([7, 4], 'RO', 'identity', 'pmcsrReserved2', 'Reserved'),
  pmcsr(8, 'RW', 'state', 'pmeEnable', 'PME Enable'),
  pmcsr([12, 9], 'RW', 'state', 'dataSelect', 'Data Select'),
  pmcsr([14, 13], 'RO', 'identity', 'dataScale', 'Data Scale'),
  pmcsr(15, 'RW1C', 'volatile', 'pmeStatus', 'PME Status'),
  whole('PMCSR Bridge Extensions', 0x06, 1, 'RO', 'identity', 'bridgeExtensions'),
  whole('Data', 0x07, 1, 'RO', 'volatile', 'data'),
]

const msiControl = register('Message Control', 0x02, 2)

/** MSI: the data, mask and pending registers move by 4 bytes when the address is 64-bit. */
export const MSI_FIELDS: FieldTable = memoTable((ctx) => (ctx.u16(0x02) >>> 7) & 0x7, (ctx) => {
  const control = ctx.u16(0x02)
  const is64 = (control & 0x80) !== 0
  const masking = (control & 0x100) !== 0
  const data = is64 ? 0x0c : 0x08
  const fields: FieldSpec[] = [
    msiControl(0, 'RW', 'state', 'enable', 'MSI Enable'),
    msiControl([3, 1], 'RO', 'capacity', 'multipleMessageCapable', 'Multiple Message Capable', {
      show: show.powerOfTwo('vectors'),
      why: 'the guest may have enabled as many vectors as the source offered',
    }),
    msiControl([6, 4], 'RW', 'state', 'multipleMessageEnable', 'Multiple Message Enable', { show: show.powerOfTwo('vectors') }),
    msiControl(7, 'RO', 'identity', 'address64', '64 bit Address Capable', {
      show: show.flag,
      why: 'it decides where the guest finds the data and mask registers',
    }),
    msiControl(8, 'RO', 'identity', 'perVectorMasking', 'Per-Vector Masking Capable', { show: show.flag }),
    msiControl(9, 'RO', 'identity', 'extendedMessageDataCapable', 'Extended Message Data Capable', { show: show.flag }),
    msiControl(10, 'RW', 'state', 'extendedMessageDataEnable', 'Extended Message Data Enable'),
    msiControl([15, 11], 'RO', 'identity', 'controlReserved', 'Reserved'),
    register('Message Address', 0x04, 4)([1, 0], 'RO', 'identity', 'addressReserved', 'Reserved'),
    register('Message Address', 0x04, 4)([31, 2], 'RW', 'state', 'address', 'Message Address'),
    whole('Message Data', data, 2, 'RW', 'state', 'data'),
    whole('Extended Message Data', data + 2, 2, (control & 0x200) !== 0 ? 'RW' : 'RO', (control & 0x200) !== 0 ? 'state' : 'identity', 'extendedData'),
  ]
  if (is64) fields.push(whole('Message Upper Address', 0x08, 4, 'RW', 'state', 'upperAddress'))
  if (masking) {
    fields.push(whole('Mask Bits', data + 4, 4, 'RW', 'state', 'maskBits'), whole('Pending Bits', data + 8, 4, 'RO', 'volatile', 'pendingBits'))
  }
  return fields
})

const msixControl = register('Message Control', 0x02, 2)
const table = register('Table Offset/Table BIR', 0x04, 4)
const pba = register('PBA Offset/PBA BIR', 0x08, 4)

export const MSIX_FIELDS: FieldTable = [
  msixControl([10, 0], 'RO', 'identity', 'tableSize', 'Table Size', {
    show: show.plusOne('vectors'),
    why: 'the guest sized its vector table from the source',
  }),
  msixControl([13, 11], 'RO', 'identity', 'controlReserved', 'Reserved'),
  msixControl(14, 'RW', 'state', 'functionMask', 'Function Mask'),
  msixControl(15, 'RW', 'state', 'enable', 'MSI-X Enable'),
  table([2, 0], 'RO', 'identity', 'tableBir', 'Table BIR', { why: 'the guest maps the vector table through this BAR' }),
  table([31, 3], 'RO', 'identity', 'tableOffset', 'Table Offset', { show: (v) => `0x${(v << 3).toString(16)}` }),
  pba([2, 0], 'RO', 'identity', 'pbaBir', 'PBA BIR'),
  pba([31, 3], 'RO', 'identity', 'pbaOffset', 'PBA Offset', { show: (v) => `0x${(v << 3).toString(16)}` }),
]

export const VPD_FIELDS: FieldTable = [
  register('VPD Address', 0x02, 2)([14, 0], 'RW', 'state', 'address', 'VPD Address'),
  register('VPD Address', 0x02, 2)(15, 'RW', 'state', 'flag', 'F'),
  whole('VPD Data', 0x04, 4, 'RW', 'state', 'data'),
]

/** Vendor-specific: the length byte; the vendor's bytes after it are compared exactly. */
export const VENDOR_SPECIFIC_FIELDS: FieldTable = [whole('Capability Length', 0x02, 1, 'RO', 'identity', 'length')]

/** Bridge Subsystem Vendor ID: the subsystem IDs of a bridge, read-only like a type 0 header's. */
export const BRIDGE_SUBSYSTEM_FIELDS: FieldTable = [
  whole('Subsystem Vendor ID', 0x04, 2, 'RO', 'identity', 'subsystemVendorId'),
  whole('Subsystem ID', 0x06, 2, 'RO', 'identity', 'subsystemId'),
]

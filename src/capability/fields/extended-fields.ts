/**
 * Fields of extended capabilities (PCIe Base spec chapter 7). Capabilities with no table here
 * are compared byte-exact except the control registers listed at the end of this file.
 */
import { type FieldSpec, type OptionalEvidence, register, show, whole } from '../field.js'
import { barFields } from './bar-fields.js'
import { barTypeKey, type FieldTable, memoTable } from './field-context.js'

const aerCapCtl = register('Advanced Error Capabilities and Control', 0x18, 4)

/**
 * Uncorrectable errors a function may leave unimplemented (PCIe Base 5.0 §7.8.4.2–4, each
 * marked "(Optional)"): Surprise Down (5), Flow Control Protocol (13), Completer Abort (15),
 * Receiver Overflow (17), ECRC (19), ACS Violation (21), Uncorrectable Internal (22), MC Blocked
 * TLP (23), AtomicOp Egress Blocked (24), TLP Prefix Blocked (25), Poisoned TLP Egress Blocked
 * (26) and the later additions in 27–31 (DMWr Egress Blocked, IDE Check Failed, Misrouted IDE
 * TLP, PCRC Check Failed, TLP Translation Egress Blocked). Their mask and severity bits are
 * RWS where the error is implemented and hardwired to 0 where it is not.
 */
const OPTIONAL_UNCORRECTABLE = 0xffeaa020
/**
 * Registers that prove an optional uncorrectable error implemented (PCIe Base 5.0): Surprise
 * Down where Link Capabilities says Surprise Down Error Reporting Capable (§7.5.3.6: its status
 * is then required); ECRC where the AER capability says ECRC Check Capable (§7.8.4.7); ACS
 * Violation where the function has an ACS capability (§6.12: ACS violations are logged as
 * such); MC Blocked TLP where it has a Multicast capability (§6.14); AtomicOp Egress Blocked
 * where AtomicOp Routing is supported and TLP Prefix Blocked where End-End TLP Prefixes are
 * (Device Capabilities 2, §7.5.3.15).
 */
const UNCORRECTABLE_EVIDENCE: readonly OptionalEvidence[] = [
  { bits: 1 << 5, space: 'standard', id: 0x10, field: 'surpriseDownReporting' },
  { bits: 1 << 19, space: 'extended', id: 0x01, field: 'ecrcCheckCapable' },
  { bits: 1 << 21, space: 'extended', id: 0x0d },
  { bits: 1 << 23, space: 'extended', id: 0x12 },
  { bits: 1 << 24, space: 'standard', id: 0x10, field: 'atomicOpRouting' },
  { bits: 1 << 25, space: 'standard', id: 0x10, field: 'endEndTlpPrefix' },
]
/** Correctable errors that are optional (§7.8.4.5–6): Corrected Internal (14), Header Log Overflow (15). */
const OPTIONAL_CORRECTABLE = 0x0000c000
const optionalWhy =
  'the source implements this error (its bit is set there); a destination reading 0 may not, and then the value cannot be written back (QEMU\'s load check refuses this)'

/** AER: status registers are write-1-to-clear, masks and severities migrated, logs volatile. */
export const AER_FIELDS: FieldTable = [
  whole('Uncorrectable Error Status', 0x04, 4, 'RW1C', 'volatile', 'uncorrectableStatus'),
  // Defaults (PCIe Base spec, AER Uncorrectable Error Mask and Severity registers; QEMU's
  // PCI_ERR_UNC_MASK_DEFAULT and _SEVERITY_DEFAULT agree): masked, Uncorrectable Internal (22) and
  // TLP Prefix Blocked (25); fatal, Data Link Protocol (4), Surprise Down (5), Flow Control
  // Protocol (13), Receiver Overflow (17), Malformed TLP (18) and Uncorrectable Internal (22).
  // Optional bits a function does not implement read 0 whatever the default (see resetValue).
  whole('Uncorrectable Error Mask', 0x08, 4, 'RW', 'state', 'uncorrectableMask', { optional: OPTIONAL_UNCORRECTABLE, optionalEvidence: UNCORRECTABLE_EVIDENCE, why: optionalWhy, reset: 0x02400000 }),
  whole('Uncorrectable Error Severity', 0x0c, 4, 'RW', 'state', 'uncorrectableSeverity', { optional: OPTIONAL_UNCORRECTABLE, optionalEvidence: UNCORRECTABLE_EVIDENCE, why: optionalWhy, reset: 0x00462030 }),
  whole('Correctable Error Status', 0x10, 4, 'RW1C', 'volatile', 'correctableStatus'),
  // Advisory Non-Fatal (13), Corrected Internal (14) and Header Log Overflow (15) masked by default (PCIe Base spec, AER Correctable Error Mask register).
  whole('Correctable Error Mask', 0x14, 4, 'RW', 'state', 'correctableMask', { optional: OPTIONAL_CORRECTABLE, why: optionalWhy, reset: 0x0000e000 }),
  aerCapCtl([4, 0], 'RO', 'volatile', 'firstErrorPointer', 'First Error Pointer'),
  aerCapCtl(5, 'RO', 'features', 'ecrcGenerationCapable', 'ECRC Generation Capable', { show: show.flag }),
  aerCapCtl(6, 'RW', 'state', 'ecrcGenerationEnable', 'ECRC Generation Enable'),
  aerCapCtl(7, 'RO', 'features', 'ecrcCheckCapable', 'ECRC Check Capable', { show: show.flag }),
  aerCapCtl(8, 'RW', 'state', 'ecrcCheckEnable', 'ECRC Check Enable'),
  aerCapCtl(9, 'RO', 'features', 'multipleHeaderRecordingCapable', 'Multiple Header Recording Capable', { show: show.flag }),
  aerCapCtl(10, 'RW', 'state', 'multipleHeaderRecordingEnable', 'Multiple Header Recording Enable'),
  aerCapCtl(11, 'RO', 'identity', 'tlpPrefixLogPresent', 'TLP Prefix Log Present', { show: show.flag }),
  aerCapCtl(12, 'RO', 'features', 'completionTimeoutPrefixLogging', 'Completion Timeout Prefix/Header Log Capable'),
  aerCapCtl([31, 13], 'RO', 'identity', 'capCtlReserved', 'Reserved'),
  whole('Header Log', 0x1c, 4, 'RO', 'volatile', 'headerLog0'),
  whole('Header Log', 0x20, 4, 'RO', 'volatile', 'headerLog1'),
  whole('Header Log', 0x24, 4, 'RO', 'volatile', 'headerLog2'),
  whole('Header Log', 0x28, 4, 'RO', 'volatile', 'headerLog3'),
  whole('Root Error Command', 0x2c, 4, 'RW', 'state', 'rootErrorCommand'),
  register('Root Error Status', 0x30, 4)([6, 0], 'RW1C', 'volatile', 'rootErrorStatus', 'Root Error Status bits'),
  register('Root Error Status', 0x30, 4)([26, 7], 'RO', 'identity', 'rootErrorStatusReserved', 'Reserved'),
  register('Root Error Status', 0x30, 4)([31, 27], 'RO', 'identity', 'aerInterruptMessageNumber', 'Advanced Error Interrupt Message Number'),
  whole('Error Source Identification', 0x34, 4, 'RO', 'volatile', 'errorSourceId'),
  whole('TLP Prefix Log', 0x38, 4, 'RO', 'volatile', 'tlpPrefixLog0'),
  whole('TLP Prefix Log', 0x3c, 4, 'RO', 'volatile', 'tlpPrefixLog1'),
  whole('TLP Prefix Log', 0x40, 4, 'RO', 'volatile', 'tlpPrefixLog2'),
  whole('TLP Prefix Log', 0x44, 4, 'RO', 'volatile', 'tlpPrefixLog3'),
]

/** Device Serial Number: unique per physical device, so a layout should virtualize it. */
const SERIAL = 'each physical device has its own serial number; a layout should virtualize it rather than pass it through'
export const DSN_FIELDS: FieldTable = [
  whole('Serial Number (lower DW)', 0x04, 4, 'RO', 'instance', 'serialLow', { why: SERIAL }),
  whole('Serial Number (upper DW)', 0x08, 4, 'RO', 'instance', 'serialHigh', { why: SERIAL }),
]

const acsCap = register('ACS Capability', 0x04, 2)

export const ACS_FIELDS: FieldTable = memoTable((ctx) => ctx.length, (ctx) => {
  const fields: FieldSpec[] = [
    acsCap([6, 0], 'RO', 'features', 'capabilities', 'ACS capability bits (SV TB RR CR UF EC DT)', {
      why: 'the guest and host may rely on the isolation the source advertised',
    }),
    acsCap(7, 'RO', 'features', 'enhancedCapability', 'ACS Enhanced Capability'),
    acsCap([15, 8], 'RO', 'identity', 'egressControlVectorSize', 'Egress Control Vector Size'),
    whole('ACS Control', 0x06, 2, 'RW', 'state', 'control'),
  ]
  for (let at = 0x08; at + 4 <= ctx.length; at += 4) {
    fields.push(whole('Egress Control Vector', at, 4, 'RW', 'state', `egressControlVector${(at - 8) / 4}`))
  }
  return fields
})

const ariCap = register('ARI Capability', 0x04, 2)
const ariCtl = register('ARI Control', 0x06, 2)

export const ARI_FIELDS: FieldTable = [
  ariCap(0, 'RO', 'features', 'mfvcFunctionGroups', 'MFVC Function Groups Capability'),
  ariCap(1, 'RO', 'features', 'acsFunctionGroups', 'ACS Function Groups Capability'),
  ariCap([7, 2], 'RO', 'identity', 'capReserved', 'Reserved'),
  ariCap([15, 8], 'RO', 'identity', 'nextFunctionNumber', 'Next Function Number', {
    why: 'the guest enumerates the device\'s functions by following it',
  }),
  ariCtl(0, 'RW', 'state', 'mfvcFunctionGroupsEnable', 'MFVC Function Groups Enable'),
  ariCtl(1, 'RW', 'state', 'acsFunctionGroupsEnable', 'ACS Function Groups Enable'),
  ariCtl([6, 4], 'RW', 'state', 'functionGroup', 'Function Group'),
]

const atsCap = register('ATS Capability', 0x04, 2)
const atsCtl = register('ATS Control', 0x06, 2)

export const ATS_FIELDS: FieldTable = [
  atsCap([4, 0], 'RO', 'capacity', 'invalidateQueueDepth', 'Invalidate Queue Depth', {
    show: show.zeroMeans(32, 'invalidations'),
    magnitude: (raw) => (raw === 0 ? 32 : raw),
    why: 'the IOMMU may keep as many invalidations outstanding as the source accepted',
  }),
  atsCap(5, 'RO', 'features', 'pageAlignedRequest', 'Page Aligned Request', { show: show.flag }),
  atsCap(6, 'RO', 'features', 'globalInvalidate', 'Global Invalidate Supported', { show: show.flag }),
  atsCap(7, 'RO', 'features', 'relaxedOrdering', 'Relaxed Ordering'),
  atsCap([15, 8], 'RO', 'identity', 'capReserved', 'Reserved'),
  atsCtl([4, 0], 'RW', 'state', 'smallestTranslationUnit', 'Smallest Translation Unit'),
  atsCtl(15, 'RW', 'state', 'enable', 'Enable'),
]

const sriovCap = register('SR-IOV Capabilities', 0x04, 4)

export const SRIOV_FIELDS: FieldTable = memoTable((ctx) => barTypeKey(ctx, 0x24, 6), (ctx) => [
  sriovCap(0, 'RO', 'features', 'vfMigrationCapable', 'VF Migration Capable'),
  sriovCap(1, 'RO', 'features', 'ariCapableHierarchyPreserved', 'ARI Capable Hierarchy Preserved'),
  sriovCap(2, 'RO', 'features', 'vf10BitTagRequester', 'VF 10-Bit Tag Requester Supported'),
  sriovCap([20, 3], 'RO', 'identity', 'capReserved', 'Reserved'),
  sriovCap([31, 21], 'RO', 'identity', 'vfMigrationInterruptMessageNumber', 'VF Migration Interrupt Message Number'),
  whole('SR-IOV Control', 0x08, 2, 'RW', 'state', 'control'),
  register('SR-IOV Status', 0x0a, 2)(0, 'RW1C', 'volatile', 'vfMigrationStatus', 'VF Migration Status'),
  whole('InitialVFs', 0x0c, 2, 'RO', 'capacity', 'initialVfs', { show: show.count }),
  whole('TotalVFs', 0x0e, 2, 'RO', 'capacity', 'totalVfs', { show: show.count, why: 'the guest may enable up to TotalVFs virtual functions' }),
  whole('NumVFs', 0x10, 2, 'RW', 'state', 'numVfs', { show: show.count }),
  whole('Function Dependency Link', 0x12, 1, 'RO', 'identity', 'functionDependencyLink'),
  whole('First VF Offset', 0x14, 2, 'RO', 'identity', 'firstVfOffset', { show: show.count, why: 'the guest finds its VFs\' routing IDs from it' }),
  whole('VF Stride', 0x16, 2, 'RO', 'identity', 'vfStride', { show: show.count }),
  whole('VF Device ID', 0x1a, 2, 'RO', 'identity', 'vfDeviceId'),
  whole('Supported Page Sizes', 0x1c, 4, 'RO', 'features', 'supportedPageSizes'),
  // Defaults to 4 KiB pages, bit 0 (SR-IOV spec, System Page Size register; QEMU sets 0x1 too).
  whole('System Page Size', 0x20, 4, 'RW', 'state', 'systemPageSize', { reset: 0x1 }),
  ...barFields(ctx, 0x24, 6, 'vfBar', 'VF BAR'),
  whole('VF Migration State Array Offset', 0x3c, 4, 'RO', 'identity', 'vfMigrationStateArrayOffset'),
])

const priStatus = register('Page Request Status', 0x06, 2)

export const PRI_FIELDS: FieldTable = [
  register('Page Request Control', 0x04, 2)(0, 'RW', 'state', 'enable', 'Enable'),
  register('Page Request Control', 0x04, 2)(1, 'RW', 'state', 'reset', 'Reset'),
  priStatus(0, 'RW1C', 'volatile', 'responseFailure', 'Response Failure'),
  priStatus(1, 'RW1C', 'volatile', 'unexpectedPageRequestGroupIndex', 'Unexpected Page Request Group Index'),
  priStatus(8, 'RO', 'volatile', 'stopped', 'Stopped'),
  priStatus(15, 'RO', 'features', 'prgResponsePasidRequired', 'PRG Response PASID Required', { show: show.flag }),
  whole('Outstanding Page Request Capacity', 0x08, 4, 'RO', 'capacity', 'outstandingPageRequestCapacity', {
    show: show.count,
    why: 'the guest allocated page requests up to the source\'s capacity',
  }),
  whole('Outstanding Page Request Allocation', 0x0c, 4, 'RW', 'state', 'outstandingPageRequestAllocation', { show: show.count }),
]

const pasidCap = register('PASID Capability', 0x04, 2)
const pasidCtl = register('PASID Control', 0x06, 2)

export const PASID_FIELDS: FieldTable = [
  pasidCap(0, 'RO', 'identity', 'capReserved0', 'Reserved'),
  pasidCap(1, 'RO', 'features', 'executePermission', 'Execute Permission Supported', { show: show.flag }),
  pasidCap(2, 'RO', 'features', 'privilegedMode', 'Privileged Mode Supported', { show: show.flag }),
  pasidCap([7, 3], 'RO', 'identity', 'capReserved', 'Reserved'),
  pasidCap([12, 8], 'RO', 'capacity', 'maxPasidWidth', 'Max PASID Width', {
    show: show.bits,
    why: 'the guest may hold PASIDs up to the source\'s width',
  }),
  pasidCap([15, 13], 'RO', 'identity', 'capReserved2', 'Reserved'),
  pasidCtl(0, 'RW', 'state', 'enable', 'PASID Enable'),
  pasidCtl(1, 'RW', 'state', 'executePermissionEnable', 'Execute Permission Enable'),
  pasidCtl(2, 'RW', 'state', 'privilegedModeEnable', 'Privileged Mode Enable'),
]

/** Resizable BAR and VF Resizable BAR: one capability/control pair per resizable BAR. */
export const RESIZABLE_BAR_FIELDS: FieldTable = memoTable((ctx) => Math.max(1, (ctx.u8(0x08) >>> 5) & 0x7), (ctx) => {
  const fields: FieldSpec[] = []
  // At least one: the first control register holds the count itself (and build writes it first).
  const count = Math.max(1, (ctx.u8(0x08) >>> 5) & 0x7)
  for (let i = 0; i < count; i++) {
    const cap = register(`Resizable BAR Capability ${i}`, 0x04 + 8 * i, 4)
    const ctl = register(`Resizable BAR Control ${i}`, 0x08 + 8 * i, 4)
    fields.push(
      cap([3, 0], 'RO', 'identity', `capReserved${i}`, 'Reserved'),
      cap([31, 4], 'RO', 'features', `supportedSizes${i}`, 'Supported BAR Sizes', { why: 'the guest may resize the BAR to any size the source supported' }),
      ctl([2, 0], 'RO', 'identity', `barIndex${i}`, 'BAR Index'),
      ctl([4, 3], 'RO', 'identity', `ctlReserved${i}`, 'Reserved'),
      ctl([7, 5], 'RO', 'identity', `numberOfBars${i}`, 'Number of Resizable BARs'),
      // Defaults to the size the BAR requests, which only the function knows (PCIe Base spec, Resizable BAR Control register).
      ctl([13, 8], 'RW', 'state', `barSize${i}`, 'BAR Size', { show: show.powerOfTwo('MiB'), reset: 'asRead' }),
      ctl([15, 14], 'RO', 'identity', `ctlReserved2${i}`, 'Reserved'),
      ctl([31, 16], 'RO', 'features', `supportedSizesHigh${i}`, 'Supported BAR Sizes (upper)'),
    )
  }
  return fields
})

export const LTR_FIELDS: FieldTable = [
  whole('Max Snoop Latency', 0x04, 2, 'RW', 'state', 'maxSnoopLatency'),
  whole('Max No-Snoop Latency', 0x06, 2, 'RW', 'state', 'maxNoSnoopLatency'),
]

const l1ssCap = register('L1 PM Substates Capabilities', 0x04, 4)

export const L1SS_FIELDS: FieldTable = [
  l1ssCap([4, 0], 'RO', 'features', 'substatesSupported', 'PCI-PM/ASPM L1.1/L1.2 and L1 PM Substates Supported'),
  l1ssCap([31, 5], 'RO', 'identity', 'timing', 'Common Mode Restore and T_POWER_ON parameters'),
  whole('L1 PM Substates Control 1', 0x08, 4, 'RW', 'state', 'control1'),
  whole('L1 PM Substates Control 2', 0x0c, 4, 'RW', 'state', 'control2'),
]

const dpcStatus = register('DPC Status', 0x08, 2)

export const DPC_FIELDS: FieldTable = [
  whole('DPC Capability', 0x04, 2, 'RO', 'identity', 'capability'),
  whole('DPC Control', 0x06, 2, 'RW', 'state', 'control'),
  dpcStatus(0, 'RW1C', 'volatile', 'triggerStatus', 'DPC Trigger Status'),
  dpcStatus([2, 1], 'RO', 'volatile', 'triggerReason', 'DPC Trigger Reason'),
  dpcStatus(3, 'RW1C', 'volatile', 'interruptStatus', 'DPC Interrupt Status'),
  dpcStatus([15, 4], 'RO', 'volatile', 'statusOther', 'RP Busy, extended reason, PIO first error pointer'),
  whole('DPC Error Source ID', 0x0a, 2, 'RO', 'volatile', 'errorSourceId'),
  whole('RP PIO Status', 0x0c, 4, 'RW1C', 'volatile', 'rpPioStatus'),
  whole('RP PIO Mask', 0x10, 4, 'RW', 'state', 'rpPioMask'),
  whole('RP PIO Severity', 0x14, 4, 'RW', 'state', 'rpPioSeverity'),
  whole('RP PIO SysError', 0x18, 4, 'RW', 'state', 'rpPioSysError'),
  whole('RP PIO Exception', 0x1c, 4, 'RW', 'state', 'rpPioException'),
]

const ptmCap = register('PTM Capability', 0x04, 4)

export const PTM_FIELDS: FieldTable = [
  ptmCap([4, 0], 'RO', 'features', 'roles', 'PTM Requester/Responder/Root/ePTM/Propagation Delay Capable'),
  ptmCap([7, 5], 'RO', 'identity', 'capReserved', 'Reserved'),
  ptmCap([15, 8], 'RO', 'identity', 'localClockGranularity', 'Local Clock Granularity'),
  ptmCap([31, 16], 'RO', 'identity', 'capReserved2', 'Reserved'),
  whole('PTM Control', 0x08, 4, 'RW', 'state', 'control'),
]

const tphCap = register('TPH Requester Capability', 0x04, 4)

export const TPH_FIELDS: FieldTable = memoTable((ctx) => ctx.length, (ctx) => {
  const fields: FieldSpec[] = [
    tphCap([2, 0], 'RO', 'features', 'stModes', 'No ST / Interrupt Vector / Device Specific Mode Supported'),
    tphCap([7, 3], 'RO', 'identity', 'capReserved', 'Reserved'),
    tphCap(8, 'RO', 'features', 'extendedTphRequester', 'Extended TPH Requester Supported'),
    tphCap([10, 9], 'RO', 'identity', 'stTableLocation', 'ST Table Location'),
    tphCap([15, 11], 'RO', 'identity', 'capReserved2', 'Reserved'),
    tphCap([26, 16], 'RO', 'identity', 'stTableSize', 'ST Table Size', { show: show.plusOne('entries') }),
    tphCap([31, 27], 'RO', 'identity', 'capReserved3', 'Reserved'),
    whole('TPH Requester Control', 0x08, 4, 'RW', 'state', 'control'),
  ]
  for (let at = 0x0c; at + 2 <= ctx.length; at += 2) fields.push(whole('ST Table Entry', at, 2, 'RW', 'state', `stEntry${(at - 0x0c) / 2}`))
  return fields
})

/** VSEC: its header identifies the vendor's structure; the vendor's bytes are compared exactly. */
export const VSEC_FIELDS: FieldTable = [
  register('Vendor-Specific Header', 0x04, 4)([15, 0], 'RO', 'identity', 'vsecId', 'VSEC ID'),
  register('Vendor-Specific Header', 0x04, 4)([19, 16], 'RO', 'identity', 'vsecRevision', 'VSEC Rev'),
  register('Vendor-Specific Header', 0x04, 4)([31, 20], 'RO', 'identity', 'vsecLength', 'VSEC Length'),
]

export const DVSEC_FIELDS: FieldTable = [
  register('Designated Vendor-Specific Header 1', 0x04, 4)([15, 0], 'RO', 'identity', 'dvsecVendorId', 'DVSEC Vendor ID'),
  register('Designated Vendor-Specific Header 1', 0x04, 4)([19, 16], 'RO', 'identity', 'dvsecRevision', 'DVSEC Revision'),
  register('Designated Vendor-Specific Header 1', 0x04, 4)([31, 20], 'RO', 'identity', 'dvsecLength', 'DVSEC Length'),
  register('Designated Vendor-Specific Header 2', 0x08, 2)([15, 0], 'RO', 'identity', 'dvsecId', 'DVSEC ID'),
]

export const SECONDARY_PCIE_FIELDS: FieldTable = memoTable((ctx) => ctx.length, (ctx) => {
  const fields: FieldSpec[] = [
    whole('Link Control 3', 0x04, 4, 'RW', 'state', 'linkControl3'),
    whole('Lane Error Status', 0x08, 4, 'RW1C', 'volatile', 'laneErrorStatus'),
  ]
  for (let at = 0x0c; at + 2 <= ctx.length; at += 2) {
    fields.push(whole('Lane Equalization Control', at, 2, 'HwInit', 'identity', `laneEqualization${(at - 0x0c) / 2}`))
  }
  return fields
})

// Capabilities without a full table: only their known writable or write-1-to-clear registers
// are listed, and every other byte is compared exactly.

export const VIRTUAL_CHANNEL_FIELDS: FieldTable = memoTable((ctx) => ctx.u32(0x04) & 0x7, (ctx) => {
  const fields: FieldSpec[] = [whole('Port VC Control', 0x0c, 2, 'RW', 'state', 'portVcControl'), whole('Port VC Status', 0x0e, 2, 'RO', 'volatile', 'portVcStatus')]
  const vcs = (ctx.u32(0x04) & 0x7) + 1
  for (let vc = 0; vc < vcs; vc++) {
    const at = 0x10 + 0x0c * vc
    fields.push(
      // VC0 defaults to enabled (bit 31) carrying every traffic class (TC/VC Map FFh); other VCs to 0 (PCIe Base spec, VC Resource Control register).
      whole(`VC Resource Control ${vc}`, at + 4, 4, 'RW', 'state', `vcResourceControl${vc}`, { reset: vc === 0 ? 0x800000ff : 0 }),
      whole(`VC Resource Status ${vc}`, at + 8, 2, 'RO', 'volatile', `vcResourceStatus${vc}`),
    )
  }
  return fields
})

export const POWER_BUDGETING_FIELDS: FieldTable = [
  whole('Data Select', 0x04, 1, 'RW', 'state', 'dataSelect'),
  whole('Data', 0x08, 4, 'RO', 'volatile', 'data'),
]

export const DATA_LINK_FEATURE_FIELDS: FieldTable = [whole('Data Link Feature Status', 0x08, 4, 'RO', 'volatile', 'status')]

export const DOE_FIELDS: FieldTable = [
  whole('DOE Control', 0x08, 4, 'RW', 'state', 'control'),
  whole('DOE Status', 0x0c, 4, 'RO', 'volatile', 'status'),
  whole('DOE Write Data Mailbox', 0x10, 4, 'RW', 'state', 'writeMailbox'),
  whole('DOE Read Data Mailbox', 0x14, 4, 'RW', 'state', 'readMailbox'),
]

export const LANE_MARGINING_FIELDS: FieldTable = memoTable((ctx) => ctx.length, (ctx) => {
  const fields: FieldSpec[] = [whole('Margining Port Status', 0x06, 2, 'RO', 'volatile', 'portStatus')]
  for (let at = 0x08; at + 4 <= ctx.length; at += 4) {
    const lane = (at - 8) / 4
    fields.push(
      // Defaults to No Command: Margin Type 111b, Margin Payload 9Ch, Receiver Number 000b (PCIe Base spec, Margining Lane Control register).
      whole(`Margining Lane Control ${lane}`, at, 2, 'RW', 'state', `laneControl${lane}`, { reset: 0x9c38 }),
      whole(`Margining Lane Status ${lane}`, at + 2, 2, 'RO', 'volatile', `laneStatus${lane}`),
    )
  }
  return fields
})

/**
 * Fields of the PCI Express capability (PCIe Base spec §7.5.3). Registers beyond the
 * capability's length (a version 1 endpoint has no slot or root registers) are dropped by
 * the caller.
 */
import { register, show, whole } from '../field.js'
import type { FieldTable } from './field-context.js'

const flags = register('PCI Express Capabilities', 0x02, 2)
const devCap = register('Device Capabilities', 0x04, 4)
const devSta = register('Device Status', 0x0a, 2)
const linkCap = register('Link Capabilities', 0x0c, 4)
const linkSta = register('Link Status', 0x12, 2)
const slotSta = register('Slot Status', 0x1a, 2)
const rootSta = register('Root Status', 0x20, 4)
const devCap2 = register('Device Capabilities 2', 0x24, 4)
const linkCap2 = register('Link Capabilities 2', 0x2c, 4)
const linkSta2 = register('Link Status 2', 0x32, 2)

const speed = (v: number): string => ['?', '2.5 GT/s', '5 GT/s', '8 GT/s', '16 GT/s', '32 GT/s', '64 GT/s'][v] ?? `speed ${v}`
const portType = (v: number): string =>
  ({ 0: 'endpoint', 1: 'legacy endpoint', 4: 'root port', 5: 'upstream port', 6: 'downstream port', 7: 'PCIe-to-PCI bridge', 8: 'PCI-to-PCIe bridge', 9: 'RC integrated endpoint', 10: 'RC event collector' })[v] ??
  `type ${v}`

export const EXPRESS_FIELDS: FieldTable = [
  flags([3, 0], 'RO', 'identity', 'version', 'Capability Version'),
  flags([7, 4], 'RO', 'identity', 'portType', 'Device/Port Type', { show: portType }),
  flags(8, 'RO', 'identity', 'slotImplemented', 'Slot Implemented', { show: show.flag }),
  flags([13, 9], 'RO', 'identity', 'interruptMessageNumber', 'Interrupt Message Number'),
  flags([15, 14], 'RO', 'identity', 'flagsReserved', 'Reserved'),
  devCap([2, 0], 'RO', 'capacity', 'maxPayloadSupported', 'Max_Payload_Size Supported', {
    show: show.bytesLog2From128,
    why: 'the guest may have set Max_Payload_Size up to the source\'s limit',
  }),
  devCap([4, 3], 'RO', 'identity', 'phantomFunctions', 'Phantom Functions Supported'),
  devCap(5, 'RO', 'features', 'extendedTag', 'Extended Tag Field Supported', { show: show.flag }),
  devCap([8, 6], 'RO', 'identity', 'l0sLatency', 'Endpoint L0s Acceptable Latency'),
  devCap([11, 9], 'RO', 'identity', 'l1Latency', 'Endpoint L1 Acceptable Latency'),
  devCap([14, 12], 'RO', 'identity', 'devCapReserved', 'Reserved'),
  devCap(15, 'RO', 'features', 'roleBasedErrorReporting', 'Role-Based Error Reporting', { show: show.flag }),
  devCap([17, 16], 'RO', 'identity', 'devCapReserved2', 'Reserved'),
  devCap([25, 18], 'RO', 'identity', 'slotPowerLimitValue', 'Captured Slot Power Limit Value'),
  devCap([27, 26], 'RO', 'identity', 'slotPowerLimitScale', 'Captured Slot Power Limit Scale'),
  devCap(28, 'RO', 'features', 'flr', 'Function Level Reset Capability', { show: show.flag, why: 'the guest resets the function with FLR' }),
  devCap([31, 29], 'RO', 'identity', 'devCapReserved3', 'Reserved'),
  // Defaults (PCIe Base spec, Device Control register): Enable Relaxed Ordering 1b, Enable No Snoop 1b,
  // Max_Read_Request_Size 010b (512 bytes), Max_Payload_Size 000b, every other bit 0.
  whole('Device Control', 0x08, 2, 'RW', 'state', 'deviceControl', { reset: 0x2810 }),
  devSta(0, 'RW1C', 'volatile', 'correctableErrorDetected', 'Correctable Error Detected'),
  devSta(1, 'RW1C', 'volatile', 'nonFatalErrorDetected', 'Non-Fatal Error Detected'),
  devSta(2, 'RW1C', 'volatile', 'fatalErrorDetected', 'Fatal Error Detected'),
  devSta(3, 'RW1C', 'volatile', 'unsupportedRequestDetected', 'Unsupported Request Detected'),
  devSta(4, 'RO', 'volatile', 'auxPowerDetected', 'AUX Power Detected'),
  devSta(5, 'RO', 'volatile', 'transactionsPending', 'Transactions Pending'),
  devSta(6, 'RW1C', 'volatile', 'emergencyPowerReduction', 'Emergency Power Reduction Detected'),
  devSta([15, 7], 'RO', 'identity', 'devStaReserved', 'Reserved'),
  linkCap([3, 0], 'RO', 'capacity', 'maxLinkSpeed', 'Max Link Speed', { show: speed }),
  linkCap([9, 4], 'RO', 'capacity', 'maxLinkWidth', 'Maximum Link Width', { show: show.lanes }),
  linkCap([11, 10], 'RO', 'features', 'aspmSupport', 'ASPM Support'),
  linkCap([14, 12], 'RO', 'identity', 'l0sExitLatency', 'L0s Exit Latency'),
  linkCap([17, 15], 'RO', 'identity', 'l1ExitLatency', 'L1 Exit Latency'),
  linkCap(18, 'RO', 'features', 'clockPowerManagement', 'Clock Power Management'),
  linkCap(19, 'RO', 'features', 'surpriseDownReporting', 'Surprise Down Error Reporting Capable'),
  linkCap(20, 'RO', 'features', 'dataLinkLayerActiveReporting', 'Data Link Layer Link Active Reporting Capable'),
  linkCap(21, 'RO', 'features', 'linkBandwidthNotification', 'Link Bandwidth Notification Capability'),
  linkCap(22, 'RO', 'features', 'aspmOptionality', 'ASPM Optionality Compliance'),
  linkCap(23, 'RO', 'identity', 'linkCapReserved', 'Reserved'),
  linkCap([31, 24], 'RO', 'identity', 'portNumber', 'Port Number'),
  whole('Link Control', 0x10, 2, 'RW', 'state', 'linkControl'),
  linkSta([3, 0], 'RO', 'volatile', 'currentLinkSpeed', 'Current Link Speed', { show: speed }),
  linkSta([9, 4], 'RO', 'volatile', 'negotiatedLinkWidth', 'Negotiated Link Width', { show: show.lanes }),
  linkSta(10, 'RO', 'identity', 'linkStaReserved', 'Reserved'),
  linkSta(11, 'RO', 'volatile', 'linkTraining', 'Link Training'),
  linkSta(12, 'RO', 'identity', 'slotClockConfiguration', 'Slot Clock Configuration'),
  linkSta(13, 'RO', 'volatile', 'dataLinkLayerLinkActive', 'Data Link Layer Link Active'),
  linkSta(14, 'RW1C', 'volatile', 'linkBandwidthManagementStatus', 'Link Bandwidth Management Status'),
  linkSta(15, 'RW1C', 'volatile', 'linkAutonomousBandwidthStatus', 'Link Autonomous Bandwidth Status'),
  whole('Slot Capabilities', 0x14, 4, 'HwInit', 'identity', 'slotCapabilities'),
  whole('Slot Control', 0x18, 2, 'RW', 'state', 'slotControl'),
  slotSta([4, 0], 'RW1C', 'volatile', 'slotEvents', 'Slot event status bits'),
  slotSta([7, 5], 'RO', 'volatile', 'slotState', 'Slot state bits'),
  slotSta(8, 'RW1C', 'volatile', 'dataLinkLayerStateChanged', 'Data Link Layer State Changed'),
  slotSta([15, 9], 'RO', 'identity', 'slotStaReserved', 'Reserved'),
  whole('Root Control', 0x1c, 2, 'RW', 'state', 'rootControl'),
  whole('Root Capabilities', 0x1e, 2, 'RO', 'identity', 'rootCapabilities'),
  rootSta([15, 0], 'RO', 'volatile', 'pmeRequesterId', 'PME Requester ID'),
  rootSta(16, 'RW1C', 'volatile', 'pmeStatus', 'PME Status'),
  rootSta(17, 'RO', 'volatile', 'pmePending', 'PME Pending'),
  rootSta([31, 18], 'RO', 'identity', 'rootStaReserved', 'Reserved'),
  devCap2([3, 0], 'RO', 'features', 'completionTimeoutRanges', 'Completion Timeout Ranges Supported'),
  devCap2(4, 'RO', 'features', 'completionTimeoutDisable', 'Completion Timeout Disable Supported'),
  devCap2(5, 'RO', 'features', 'ariForwarding', 'ARI Forwarding Supported'),
  devCap2(6, 'RO', 'features', 'atomicOpRouting', 'AtomicOp Routing Supported'),
  devCap2([9, 7], 'RO', 'features', 'atomicOpCompleter', 'AtomicOp Completer Supported (32/64/128-bit)', {
    why: 'the guest may issue AtomicOps the source completed',
  }),
  devCap2(10, 'RO', 'features', 'noRoEnabledPrPrPassing', 'No RO-enabled PR-PR Passing'),
  devCap2(11, 'RO', 'features', 'ltrMechanism', 'LTR Mechanism Supported'),
  devCap2([13, 12], 'RO', 'features', 'tphCompleter', 'TPH Completer Supported'),
  devCap2([15, 14], 'RO', 'identity', 'lnSystemCls', 'LN System CLS'),
  devCap2([17, 16], 'RO', 'features', 'tenBitTags', '10-Bit Tag Completer/Requester Supported'),
  devCap2([19, 18], 'RO', 'features', 'obff', 'OBFF Supported'),
  devCap2(20, 'RO', 'features', 'extendedFmtField', 'Extended Fmt Field Supported'),
  devCap2(21, 'RO', 'features', 'endEndTlpPrefix', 'End-End TLP Prefix Supported'),
  devCap2([23, 22], 'RO', 'capacity', 'maxEndEndTlpPrefixes', 'Max End-End TLP Prefixes', { show: show.zeroMeans(4, 'prefixes') }),
  devCap2([31, 24], 'RO', 'identity', 'devCap2High', 'Emergency power, FRS and DMWr bits'),
  whole('Device Control 2', 0x28, 2, 'RW', 'state', 'deviceControl2'),
  whole('Device Status 2', 0x2a, 2, 'RO', 'volatile', 'deviceStatus2'),
  linkCap2(0, 'RO', 'identity', 'linkCap2Reserved', 'Reserved'),
  linkCap2([7, 1], 'RO', 'features', 'supportedLinkSpeeds', 'Supported Link Speeds Vector'),
  linkCap2(8, 'RO', 'features', 'crosslink', 'Crosslink Supported'),
  linkCap2([31, 9], 'RO', 'identity', 'linkCap2High', 'Retimer, DRS and other link capability bits'),
  // Target Link Speed (bits 3:0) defaults to the Max Link Speed (PCIe Base spec, Link Control 2 register); the rest to 0.
  whole('Link Control 2', 0x30, 2, 'RW', 'state', 'linkControl2', { reset: { from: 'maxLinkSpeed' } }),
  linkSta2([15, 0], 'RO', 'volatile', 'linkStatus2', 'Link Status 2'),
  whole('Slot Capabilities 2', 0x34, 4, 'RO', 'identity', 'slotCapabilities2'),
  whole('Slot Control 2', 0x38, 2, 'RW', 'state', 'slotControl2'),
  whole('Slot Status 2', 0x3a, 2, 'RO', 'volatile', 'slotStatus2'),
]

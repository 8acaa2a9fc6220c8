/**
 * The capability registry: one entry per (space, id) carrying the capability's name, a short
 * key for files, and its length rule. Facts from the PCI and PCI Express specifications as listed
 * in shared/REFERENCE.md. Adding a capability is adding an entry here; nothing else branches on IDs.
 */
import { HEADER_LAYOUT_BRIDGE } from '../config-space/header.js'
import type { Space } from './capability.js'
import { EXPRESS_FIELDS } from './fields/express-fields.js'
import * as X from './fields/extended-fields.js'
import type { FieldTable } from './fields/field-context.js'
import { TYPE0_HEADER_FIELDS, TYPE1_HEADER_FIELDS } from './fields/header-fields.js'
import { BRIDGE_SUBSYSTEM_FIELDS, MSI_FIELDS, MSIX_FIELDS, POWER_MANAGEMENT_FIELDS, VENDOR_SPECIFIC_FIELDS, VPD_FIELDS } from './fields/standard-fields.js'
import { computed, dwordAligned, fixed, inferred, type LengthContext, type LengthRule } from './length-rule.js'
import {
  advancedErrorReportingLength,
  enhancedAllocationLength,
  expressLength,
  virtualChannelLength,
} from './variable-lengths.js'

export interface CapabilityEntry {
  readonly space: Space
  readonly id: number
  /** The name people use, as in the spec and lspci. */
  readonly name: string
  /** Short lower-case key, unique per space, used in layout files and JSON (`msix`, `pasid`). */
  readonly key: string
  readonly length: LengthRule
  /**
   * The capability's fields with access and compatibility rule. Without a table, every byte is
   * compared exactly; a partial table lists the writable and volatile registers.
   */
  readonly fields?: FieldTable
  /**
   * Fields that say which structure an instance is (a VSEC's ID, a DVSEC's vendor and ID): two
   * capabilities are the same kind only when these are equal too.
   */
  readonly identifiedBy?: readonly string[]
}

const entry =
  (space: Space) =>
  (id: number, key: string, name: string, length: LengthRule, fields?: FieldTable, identifiedBy?: readonly string[]): CapabilityEntry => ({
    space,
    id,
    key,
    name,
    length,
    ...(fields === undefined ? {} : { fields }),
    ...(identifiedBy === undefined ? {} : { identifiedBy }),
  })
const std = entry('standard')
const ext = entry('extended')

/** Lanes of the link (PCI Express Link Capabilities bits 9:4), or null without a link. */
const lanes = (ctx: LengthContext): number | null => {
  const width = ctx.facts.express?.maxLinkWidth ?? 0
  return width === 0 ? null : width
}

const resizableBar = computed('4 + 8 × Number of Resizable BARs (byte +8 bits 7:5)', (ctx) => 4 + 8 * ((ctx.u8(0x08) >>> 5) & 0x7))
const designatedLength = computed('DVSEC/VSEC Length (dword +4 bits 31:20)', (ctx) => ctx.u32(0x04) >>> 20)

/** Standard capabilities, IDs 0x00–0x15 (PCI Local Bus spec, PCI Code and ID Assignment spec). */
export const STANDARD_CAPABILITIES: readonly CapabilityEntry[] = [
  std(0x00, 'null', 'Null', inferred),
  std(0x01, 'pm', 'Power Management', fixed(8), POWER_MANAGEMENT_FIELDS),
  std(0x02, 'agp', 'AGP', fixed(12)),
  std(0x03, 'vpd', 'Vital Product Data', fixed(8), VPD_FIELDS),
  std(0x04, 'slot-id', 'Slot Identification', fixed(4)),
  std(
    0x05,
    'msi',
    'MSI',
    computed('10, +4 if 64-bit (Message Control bit 7), +10 if per-vector masking (bit 8)', (ctx) => {
      const control = ctx.u16(0x02)
      return 10 + (control & 0x80 ? 4 : 0) + (control & 0x100 ? 10 : 0)
    }), MSI_FIELDS),
  std(0x06, 'hot-swap', 'CompactPCI Hot Swap', fixed(4)),
  std(
    0x07,
    'pcix',
    'PCI-X',
    computed('16 for a bridge; else 24 when PCI-X Status bits 29:28 give version 1 or 2, 8 for version 0', (ctx) =>
      ctx.facts.headerLayout === HEADER_LAYOUT_BRIDGE ? 16 : (ctx.u32(0x04) >>> 28) & 0x3 ? 24 : 8,
    ),
  ),
  std(
    0x08,
    'ht',
    'HyperTransport',
    computed('24 when byte +3 bits 7:5 are non-zero, else 28', (ctx) => (ctx.u8(0x03) & 0xe0 ? 24 : 28)),
  ),
  std(0x09, 'vendor', 'Vendor Specific', computed('Length byte at +2', (ctx) => ctx.u8(0x02)), VENDOR_SPECIFIC_FIELDS),
  std(0x0a, 'debug-port', 'Debug Port', fixed(4)),
  std(0x0b, 'cpci-crc', 'CompactPCI Central Resource Control', inferred),
  std(0x0c, 'shpc', 'PCI Hot-Plug (SHPC)', inferred),
  std(0x0d, 'subsystem', 'Bridge Subsystem Vendor ID', fixed(8), BRIDGE_SUBSYSTEM_FIELDS),
  std(0x0e, 'agp8x', 'AGP 8x', inferred),
  std(0x0f, 'secure', 'Secure Device', inferred),
  std(0x10, 'express', 'PCI Express', computed('by version and port type: v1 0x0C–0x24, v2+ 0x3C', expressLength), EXPRESS_FIELDS),
  std(0x11, 'msix', 'MSI-X', fixed(12), MSIX_FIELDS),
  std(
    0x12,
    'sata',
    'SATA Data/Index Configuration',
    computed('16 when the index/data pair is inline (SATA Capability 1 bits 3:0 = 0xF), else 8', (ctx) =>
      (ctx.u32(0x04) & 0xf) === 0xf ? 16 : 8,
    ),
  ),
  std(0x13, 'af', 'Advanced Features', fixed(6)),
  std(0x14, 'ea', 'Enhanced Allocation', computed('header, then Num Entries (+2 bits 5:0) sized entries', enhancedAllocationLength)),
  std(0x15, 'fpb', 'Flattening Portal Bridge', fixed(0x20)),
]

/** Extended capabilities, IDs 0x0000–0x0031 (PCI Express Base spec, chapter 7). */
export const EXTENDED_CAPABILITIES: readonly CapabilityEntry[] = [
  ext(0x0000, 'null', 'Null', inferred),
  ext(0x0001, 'aer', 'Advanced Error Reporting', computed('0x2C; 0x38 with root registers; 0x48 with TLP prefix log', advancedErrorReportingLength), X.AER_FIELDS),
  ext(0x0002, 'vc', 'Virtual Channel', computed('0x10 + 0xC per VC, plus arbitration tables', virtualChannelLength), X.VIRTUAL_CHANNEL_FIELDS),
  ext(0x0003, 'dsn', 'Device Serial Number', fixed(12), X.DSN_FIELDS),
  ext(0x0004, 'power-budget', 'Power Budgeting', fixed(0x10), X.POWER_BUDGETING_FIELDS),
  ext(
    0x0005,
    'rclink',
    'Root Complex Link Declaration',
    computed('0x10 + 0x10 per link entry (Element Self Description bits 15:8)', (ctx) => 0x10 + 0x10 * ((ctx.u32(0x04) >>> 8) & 0xff)),
  ),
  ext(0x0006, 'rcilink', 'Root Complex Internal Link Control', inferred),
  ext(
    0x0007,
    'rcec-ea',
    'Root Complex Event Collector Endpoint Association',
    computed('8; 12 from version 2 (bus numbers register)', (ctx) => ((ctx.version ?? 0) >= 2 ? 12 : 8)),
  ),
  ext(0x0008, 'mfvc', 'Multi-Function Virtual Channel', computed('as Virtual Channel', virtualChannelLength), X.VIRTUAL_CHANNEL_FIELDS),
  ext(0x0009, 'vc9', 'Virtual Channel (MFVC present)', computed('as Virtual Channel', virtualChannelLength), X.VIRTUAL_CHANNEL_FIELDS),
  ext(0x000a, 'rcrb', 'RCRB Header', fixed(0x14)),
  ext(0x000b, 'vsec', 'Vendor-Specific Extended', designatedLength, X.VSEC_FIELDS, ['vsecId']),
  ext(0x000c, 'cac', 'Configuration Access Correlation', inferred),
  ext(
    0x000d,
    'acs',
    'Access Control Services',
    computed('8; with Egress Control (bit 5), + 4 × ceil(vector size / 32), size 0 meaning 256', (ctx) => {
      const capability = ctx.u16(0x04)
      if (!(capability & 0x20)) return 8
      const vector = (capability >>> 8) & 0xff || 256
      return 8 + 4 * Math.ceil(vector / 32)
    }), X.ACS_FIELDS),
  ext(0x000e, 'ari', 'Alternative Routing-ID Interpretation', fixed(8), X.ARI_FIELDS),
  ext(0x000f, 'ats', 'Address Translation Service', fixed(8), X.ATS_FIELDS),
  ext(0x0010, 'sriov', 'Single Root I/O Virtualization', fixed(0x40), X.SRIOV_FIELDS),
  ext(0x0011, 'mriov', 'Multi-Root I/O Virtualization', inferred),
  ext(0x0012, 'multicast', 'Multicast', fixed(0x30)),
  ext(0x0013, 'pri', 'Page Request Interface', fixed(0x10), X.PRI_FIELDS),
  ext(0x0014, 'amd', 'Reserved for AMD', inferred),
  ext(0x0015, 'rebar', 'Resizable BAR', resizableBar, X.RESIZABLE_BAR_FIELDS),
  ext(
    0x0016,
    'dpa',
    'Dynamic Power Allocation',
    computed('0x10 + Substate Max (+4 bits 4:0) + 1 allocation bytes', (ctx) => dwordAligned(0x10 + (ctx.u8(0x04) & 0x1f) + 1)),
  ),
  ext(
    0x0017,
    'tph',
    'TPH Requester',
    computed('0xC, + 2 × ST Table Size when the table is in the capability (location bits 10:9 = 01)', (ctx) => {
      const capability = ctx.u32(0x04)
      const inCapability = ((capability >>> 9) & 0x3) === 1
      return dwordAligned(0x0c + (inCapability ? 2 * (((capability >>> 16) & 0x7ff) + 1) : 0))
    }), X.TPH_FIELDS),
  ext(0x0018, 'ltr', 'Latency Tolerance Reporting', fixed(8), X.LTR_FIELDS),
  ext(
    0x0019,
    'secondary-pcie',
    'Secondary PCI Express',
    // Lane Equalization Control holds one 16-bit entry per lane (PCIe Base 7.7.3.4). REFERENCE.md
    // says 4 bytes per lane; the real dumps (x16 ports with the next capability 0x2C later) agree with 2.
    computed('0xC + 2 × Max Link Width, dword-aligned', (ctx) => {
      const n = lanes(ctx)
      return n === null ? null : dwordAligned(0x0c + 2 * n)
    }), X.SECONDARY_PCIE_FIELDS),
  ext(0x001a, 'pmux', 'Protocol Multiplexing', inferred),
  ext(0x001b, 'pasid', 'Process Address Space ID', fixed(8), X.PASID_FIELDS),
  ext(0x001c, 'lnr', 'LN Requester', fixed(8)),
  ext(
    0x001d,
    'dpc',
    'Downstream Port Containment',
    computed('0x18; with RP Extensions (+4 bit 5), 0x20 + 4 × RP PIO Log Size', (ctx) => {
      const capability = ctx.u16(0x04)
      if (!(capability & 0x20)) return 0x18
      const logDwords = ((capability >>> 8) & 0xf) | (((capability >>> 12) & 0x1) << 4)
      return 0x20 + 4 * logDwords
    }), X.DPC_FIELDS),
  ext(0x001e, 'l1ss', 'L1 PM Substates', fixed(0x10), X.L1SS_FIELDS),
  ext(0x001f, 'ptm', 'Precision Time Measurement', fixed(0x0c), X.PTM_FIELDS),
  ext(0x0020, 'mpcie', 'M-PCIe', inferred),
  ext(0x0021, 'frs', 'FRS Queueing', fixed(0x10)),
  ext(0x0022, 'rtr', 'Readiness Time Reporting', fixed(0x0c)),
  ext(0x0023, 'dvsec', 'Designated Vendor-Specific', designatedLength, X.DVSEC_FIELDS, ['dvsecVendorId', 'dvsecId']),
  ext(0x0024, 'vf-rebar', 'VF Resizable BAR', resizableBar, X.RESIZABLE_BAR_FIELDS),
  ext(0x0025, 'dlf', 'Data Link Feature', fixed(0x0c), X.DATA_LINK_FEATURE_FIELDS),
  ext(
    0x0026,
    'pl16',
    'Physical Layer 16.0 GT/s',
    computed('0x20 + one byte per lane', (ctx) => {
      const n = lanes(ctx)
      return n === null ? null : dwordAligned(0x20 + n)
    }),
  ),
  ext(
    0x0027,
    'lmr',
    'Lane Margining at the Receiver',
    computed('8 + 4 per lane', (ctx) => {
      const n = lanes(ctx)
      return n === null ? null : 8 + 4 * n
    }), X.LANE_MARGINING_FIELDS),
  ext(0x0028, 'hierarchy-id', 'Hierarchy ID', inferred),
  ext(0x0029, 'npem', 'Native PCIe Enclosure Management', fixed(0x10)),
  ext(
    0x002a,
    'pl32',
    'Physical Layer 32.0 GT/s',
    computed('0x20 + one byte per lane', (ctx) => {
      const n = lanes(ctx)
      return n === null ? null : dwordAligned(0x20 + n)
    }),
  ),
  ext(0x002b, 'alt-protocol', 'Alternate Protocol', inferred),
  ext(0x002c, 'sfi', 'System Firmware Intermediary', inferred),
  ext(0x002d, 'shadow', 'Shadow Functions', inferred),
  ext(0x002e, 'doe', 'Data Object Exchange', fixed(0x18), X.DOE_FIELDS),
  ext(0x002f, 'device3', 'Device 3', fixed(0x10)),
  ext(0x0030, 'ide', 'Integrity and Data Encryption', inferred),
  ext(0x0031, 'pl64', 'Physical Layer 64.0 GT/s', inferred),
]

const byId = (entries: readonly CapabilityEntry[]): ReadonlyMap<number, CapabilityEntry> =>
  new Map(entries.map((e) => [e.id, e]))
const STANDARD_BY_ID = byId(STANDARD_CAPABILITIES)
const EXTENDED_BY_ID = byId(EXTENDED_CAPABILITIES)

/** The registry entry for (space, id), or undefined for an ID the registry does not know. */
export const lookupCapability = (space: Space, id: number): CapabilityEntry | undefined =>
  (space === 'standard' ? STANDARD_BY_ID : EXTENDED_BY_ID).get(id)

/** The smallest a capability of each space can be: its header. */
export const MINIMUM_LENGTH: Readonly<Record<Space, number>> = { standard: 2, extended: 4 }

/** `Unknown capability 0x..`: the name of an ID the registry does not know. */
export const unknownCapabilityName = (space: Space, id: number): string =>
  `Unknown ${space} capability 0x${id.toString(16).padStart(space === 'standard' ? 2 : 4, '0')}`

/** Fields of the config header for a header layout (0 endpoint, 1 bridge); none for others. */
export const headerFields = (layout: number): FieldTable | undefined =>
  layout === 0 ? TYPE0_HEADER_FIELDS : layout === 1 ? TYPE1_HEADER_FIELDS : undefined

/**
 * Length rules that need more than one field: Virtual Channel arbitration tables, Enhanced
 * Allocation entries, PCI Express by version and port type. The registry refers to them by name.
 */
import { ExpressPortType } from './function-facts.js'
import type { LengthContext } from './length-rule.js'
import { HEADER_LAYOUT_BRIDGE } from '../config-space/header.js'

const VC_RESOURCES = 0x10
const VC_RESOURCE_STRIDE = 0x0c
const DQWORD = 16

/** Phases in a VC arbitration table, from VC Arbitration Capability bits (Port VC Capability 2, 7:0). */
const vcArbitrationPhases = (bits: number): number => (bits & 0x8 ? 128 : bits & 0x4 ? 64 : bits & 0x2 ? 32 : 0)

/** Phases in a port arbitration table, from Port Arbitration Capability bits (VC Resource Capability, 7:0). */
const portArbitrationPhases = (bits: number): number =>
  bits & 0x20 ? 256 : bits & 0x18 ? 128 : bits & 0x4 ? 64 : bits & 0x2 ? 32 : 0

/**
 * Virtual Channel and MFVC: 0x10 header and port registers, one 0xC resource block per VC
 * (Extended VC Count + 1, Port VC Capability 1 bits 2:0), and whichever arbitration table
 * (VC: 4-bit entries; port: entry size from Port VC Capability 1 bits 11:10) reaches furthest.
 */
export const virtualChannelLength = (ctx: LengthContext): number => {
  const cap1 = ctx.u32(0x04)
  const cap2 = ctx.u32(0x08)
  const vcs = (cap1 & 0x7) + 1
  let end = VC_RESOURCES + vcs * VC_RESOURCE_STRIDE
  const vcTable = (cap2 >>> 24) * DQWORD
  if (vcTable !== 0) end = Math.max(end, vcTable + (vcArbitrationPhases(cap2 & 0xff) * 4) / 8)
  const entryBits = 1 << ((cap1 >>> 10) & 0x3)
  for (let vc = 0; vc < vcs; vc++) {
    const resource = ctx.u32(VC_RESOURCES + vc * VC_RESOURCE_STRIDE)
    const table = (resource >>> 24) * DQWORD
    if (table !== 0) end = Math.max(end, table + Math.ceil((portArbitrationPhases(resource & 0xff) * entryBits) / 8))
  }
  return end
}

/**
 * Enhanced Allocation: a 4-byte header (8 for a type-1 bridge, which adds the fixed bus numbers),
 * then Num Entries (+2 bits 5:0) entries, each a header dword plus Entry Size (bits 2:0) dwords.
 */
export const enhancedAllocationLength = (ctx: LengthContext): number => {
  const entries = ctx.u8(0x02) & 0x3f
  let at = ctx.facts.headerLayout === HEADER_LAYOUT_BRIDGE ? 8 : 4
  for (let i = 0; i < entries; i++) at += 4 + 4 * (ctx.u32(at) & 0x7)
  return at
}

/**
 * PCI Express capability. Version 1 ends after the registers its port type has: 0x0C for a
 * root complex integrated endpoint, 0x14 for endpoints and ports without slots, 0x1C with slot
 * registers (downstream ports), 0x24 with root registers. Version 2 and later always define the
 * full 0x3C-byte structure, registers a port type lacks being reserved.
 */
export const expressLength = (ctx: LengthContext): number => {
  const flags = ctx.u16(0x02)
  if ((flags & 0xf) >= 2) return 0x3c
  switch ((flags >>> 4) & 0xf) {
    case ExpressPortType.rootComplexIntegratedEndpoint:
      return 0x0c
    case ExpressPortType.rootPort:
    case ExpressPortType.rootComplexEventCollector:
      return 0x24
    case ExpressPortType.downstreamSwitchPort:
    case ExpressPortType.pciToPcieBridge:
      return 0x1c
    default:
      return 0x14
  }
}

/**
 * AER: 0x2C through the header log; 0x38 when the root registers are present (root ports and
 * event collectors); 0x48 when Capabilities and Control (+0x18) bit 11 says a TLP prefix log follows.
 */
export const advancedErrorReportingLength = (ctx: LengthContext): number => {
  if (ctx.u32(0x18) & (1 << 11)) return 0x48
  const port = ctx.facts.express?.portType
  return port === ExpressPortType.rootPort || port === ExpressPortType.rootComplexEventCollector ? 0x38 : 0x2c
}

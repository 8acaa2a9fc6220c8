/**
 * Facts about the whole function that some capability lengths depend on: the header layout and
 * the PCI Express capability's version, port type and maximum link width.
 */
import { type ConfigSpace, inImage, readU8, readU16, readU32 } from '../config-space/config-space.js'
import { HEADER_TYPE, HEADER_TYPE_LAYOUT_MASK } from '../config-space/header.js'

/** PCI Express Capabilities register (+0x02) bits 7:4: the device/port type. */
export const ExpressPortType = {
  endpoint: 0x0,
  legacyEndpoint: 0x1,
  rootPort: 0x4,
  upstreamSwitchPort: 0x5,
  downstreamSwitchPort: 0x6,
  pcieToPciBridge: 0x7,
  pciToPcieBridge: 0x8,
  rootComplexIntegratedEndpoint: 0x9,
  rootComplexEventCollector: 0xa,
} as const

export interface ExpressFacts {
  readonly offset: number
  /** Capability version, PCI Express Capabilities register bits 3:0. */
  readonly version: number
  /** Device/port type, PCI Express Capabilities register bits 7:4. */
  readonly portType: number
  /** Link Capabilities (+0x0C) bits 9:4; 0 when the capability has no link registers. */
  readonly maxLinkWidth: number
}

export interface FunctionFacts {
  /** Header type bits 6:0 (0 endpoint, 1 PCI bridge, 2 CardBus bridge). */
  readonly headerLayout: number
  readonly express: ExpressFacts | null
}

const EXPRESS_FLAGS = 0x02
const EXPRESS_LINK_CAPABILITIES = 0x0c

/** Facts about the function given the offset of its PCI Express capability, if it has one. */
export const functionFacts = (space: ConfigSpace, expressOffset: number | null): FunctionFacts => {
  const headerLayout = readU8(space, HEADER_TYPE) & HEADER_TYPE_LAYOUT_MASK
  if (expressOffset === null || !inImage(space, expressOffset, 4)) return { headerLayout, express: null }
  const flags = readU16(space, expressOffset + EXPRESS_FLAGS)
  const link = expressOffset + EXPRESS_LINK_CAPABILITIES
  const maxLinkWidth = inImage(space, link, 4) ? (readU32(space, link) >>> 4) & 0x3f : 0
  return {
    headerLayout,
    express: { offset: expressOffset, version: flags & 0xf, portType: (flags >>> 4) & 0xf, maxLinkWidth },
  }
}

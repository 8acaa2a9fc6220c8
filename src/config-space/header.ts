/**
 * Offsets and bits of the config space header that the walkers and readers use (PCI Local Bus
 * spec, type 0/1/2 headers). Field tables for compatibility rules live in the capability registry.
 */

/** Vendor ID (16 bits). */
export const VENDOR_ID = 0x00
/** Device ID (16 bits). */
export const DEVICE_ID = 0x02
/** Command register (16 bits). */
export const COMMAND = 0x04
/** Status register (16 bits). */
export const STATUS = 0x06
/** Status bit 4: the function implements a capability list. */
export const STATUS_CAP_LIST = 0x0010
/** Revision ID (8 bits). */
export const REVISION_ID = 0x08
/** Class code: programming interface (8 bits), then subclass, then base class. */
export const CLASS_PROG_IF = 0x09
/** Header type (8 bits): bits 6:0 layout, bit 7 multi-function. */
export const HEADER_TYPE = 0x0e
/** Header type bits 6:0. */
export const HEADER_TYPE_LAYOUT_MASK = 0x7f
/** Header layout 0: an endpoint (type 0). */
export const HEADER_LAYOUT_NORMAL = 0
/** Header layout 1: a PCI-to-PCI bridge (type 1). */
export const HEADER_LAYOUT_BRIDGE = 1
/** Header layout 2: a CardBus bridge (type 2). */
export const HEADER_LAYOUT_CARDBUS = 2
/** Capabilities pointer in type 0 and type 1 headers (8 bits; low 2 bits reserved). */
export const CAPABILITY_POINTER = 0x34
/** Capabilities pointer in the type 2 (CardBus) header. */
export const CARDBUS_CAPABILITY_POINTER = 0x14
/** The first offset a standard capability may occupy; below it lies the header. */
export const STANDARD_CAPABILITY_MIN = 0x40
/** The low two bits of every capability pointer are reserved. */
export const POINTER_MASK = 0xfc

/**
 * The registry covers every standard ID 0x00–0x15 and extended ID 0x0000–0x0031, and each
 * computed length rule gives the length the spec states for hand-built instances (the expected
 * numbers are worked out in the comments from shared/REFERENCE.md and the PCIe Base spec).
 */
import { describe, expect, it } from 'vitest'
import { walkCapabilities } from '../../src/capability/walk.js'
import { EXTENDED_CAPABILITIES, STANDARD_CAPABILITIES, lookupCapability } from '../../src/capability/registry.js'
import { endpoint, type ImageBuilder } from '../support/image-builder.js'

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('registry coverage', () => {
  it('every standard ID 0x00–0x15 exactly once', () => {
    expect(STANDARD_CAPABILITIES.map((e) => e.id).sort((a, b) => a - b)).toEqual(range(0x00, 0x15))
  })
  it('every extended ID 0x0000–0x0031 exactly once', () => {
    expect(EXTENDED_CAPABILITIES.map((e) => e.id).sort((a, b) => a - b)).toEqual(range(0x00, 0x31))
  })
  it('keys are unique within a space', () => {
    for (const list of [STANDARD_CAPABILITIES, EXTENDED_CAPABILITIES]) {
      expect(new Set(list.map((e) => e.key)).size).toBe(list.length)
    }
  })
  it('an ID it does not know is kept as an opaque capability', () => {
    expect(lookupCapability('standard', 0x16)).toBeUndefined()
    const walk = walkCapabilities(endpoint().cap(0x40, 0x42, 0x00).build())
    expect(walk.capabilities).toMatchObject([{ offset: 0x40, id: 0x42, known: false, lengthKind: 'inferred', length: 0xc0 }])
  })
})

/** Length of the capability at `offset` after `build` adds it. */
const lengthAt = (b: ImageBuilder, offset: number): number => {
  const cap = walkCapabilities(b.build()).capabilities.find((c) => c.offset === offset)
  if (cap === undefined) throw new Error(`no capability at 0x${offset.toString(16)}`)
  return cap.length
}
const std = (id: number, fill: (b: ImageBuilder) => void): number => {
  const b = endpoint().cap(0x40, id, 0x00)
  fill(b)
  return lengthAt(b, 0x40)
}
const ext = (id: number, fill: (b: ImageBuilder) => void, express: Parameters<typeof endpoint>[0] = {}): number => {
  const b = endpoint(express).ecap(0x100, id, 1, 0x000)
  fill(b)
  return lengthAt(b, 0x100)
}

describe('computed lengths, standard', () => {
  it.each([
    [0x0000, 10], // 32-bit address, no masking
    [0x0080, 14], // + 4 for the upper address dword
    [0x0100, 20], // + 10 for mask and pending bits
    [0x0180, 24],
  ])('MSI with Message Control 0x%s is %i bytes', (control, length) => {
    expect(std(0x05, (b) => b.u16(0x42, control))).toBe(length)
  })
  it('vendor specific: its length byte', () => expect(std(0x09, (b) => b.u8(0x42, 0x14))).toBe(0x14))
  it('SATA: 16 with the index/data pair inline (BAR location 0xF), else 8', () => {
    expect(std(0x12, (b) => b.u32(0x44, 0x0f))).toBe(16)
    expect(std(0x12, (b) => b.u32(0x44, 0x04))).toBe(8)
  })
  it('PCI-X: 8 for version 0, 24 when Status bits 29:28 are non-zero', () => {
    expect(std(0x07, () => {})).toBe(8)
    expect(std(0x07, (b) => b.u32(0x44, 1 << 28))).toBe(24)
  })
  it('Enhanced Allocation: 4 + entries of (1 + Entry Size) dwords', () => {
    // two entries, with 2 and 3 dwords after their headers: 4 + (4 + 8) + (4 + 12) = 32
    expect(std(0x14, (b) => b.u8(0x42, 2).u32(0x44, 2).u32(0x50, 3))).toBe(32)
  })
  it.each([
    [1, 0x0, 0x14], // v1 endpoint
    [1, 0x9, 0x0c], // v1 root complex integrated endpoint: no link registers
    [1, 0x4, 0x24], // v1 root port: slot and root registers
    [1, 0x6, 0x1c], // v1 downstream port: slot registers
    [2, 0x0, 0x3c], // v2: the whole structure whatever the type
    [2, 0x9, 0x3c],
  ])('PCI Express v%i port type %i is 0x%s bytes', (version, portType, length) => {
    expect(lengthAt(endpoint({ version, portType }), 0x40)).toBe(length)
  })
})

describe('computed lengths, extended', () => {
  it('AER: 0x2C for an endpoint, 0x38 for a root port, 0x48 with a TLP prefix log (Cap/Ctl bit 11)', () => {
    expect(ext(0x01, () => {})).toBe(0x2c)
    expect(ext(0x01, () => {}, { portType: 4 })).toBe(0x38)
    expect(ext(0x01, (b) => b.u32(0x118, 1 << 11))).toBe(0x48)
  })
  it('ACS: 8 without egress control; with it 8 + 4 × ceil(N/32), N = 0 meaning 256', () => {
    expect(ext(0x0d, (b) => b.u16(0x104, 0x001f))).toBe(8)
    expect(ext(0x0d, (b) => b.u16(0x104, 0x0020 | (40 << 8)))).toBe(8 + 4 * 2)
    expect(ext(0x0d, (b) => b.u16(0x104, 0x0020))).toBe(8 + 4 * 8)
  })
  it('Resizable BAR: 4 + 8 per BAR (control bits 7:5)', () => {
    expect(ext(0x15, (b) => b.u8(0x108, 3 << 5))).toBe(28)
    expect(ext(0x24, (b) => b.u8(0x108, 1 << 5))).toBe(12)
  })
  it('VSEC and DVSEC: the length field, bits 31:20 of +4', () => {
    expect(ext(0x0b, (b) => b.u32(0x104, 0x018 << 20))).toBe(0x18)
    expect(ext(0x23, (b) => b.u32(0x104, 0x02c << 20))).toBe(0x2c)
  })
  it('TPH: 0xC, + 2 bytes per ST entry when the table is in the capability', () => {
    expect(ext(0x17, (b) => b.u32(0x104, (1 << 9) | (7 << 16)))).toBe(0x0c + 2 * 8)
    expect(ext(0x17, (b) => b.u32(0x104, (2 << 9) | (7 << 16)))).toBe(0x0c)
  })
  it('DPC: 0x18; with RP extensions 0x20 + 4 × RP PIO log size', () => {
    expect(ext(0x1d, () => {})).toBe(0x18)
    expect(ext(0x1d, (b) => b.u16(0x104, 0x0020 | (4 << 8)))).toBe(0x30)
  })
  it('Virtual Channel: 0x10 + 0xC per VC, or further when an arbitration table lies beyond', () => {
    expect(ext(0x02, (b) => b.u32(0x104, 1))).toBe(0x10 + 2 * 0xc)
    // VC arbitration table at 3 × 16 bytes with 64 phases of 4 bits: 0x30 + 32 = 0x50
    expect(ext(0x02, (b) => b.u32(0x108, (3 << 24) | 0x4))).toBe(0x50)
  })
  it('per-lane capabilities follow the PCI Express link width', () => {
    expect(ext(0x19, () => {}, { lanes: 4 })).toBe(0x0c + 2 * 4) // Secondary PCIe: 16-bit entry per lane
    expect(ext(0x19, () => {}, { lanes: 16 })).toBe(0x0c + 2 * 16)
    expect(ext(0x26, () => {}, { lanes: 4 })).toBe(0x24) // PL 16 GT/s: a byte per lane
    expect(ext(0x27, () => {}, { lanes: 4 })).toBe(8 + 4 * 4) // Lane Margining: a dword per lane
  })
  it('RCEC endpoint association: 8, and 12 from version 2', () => {
    expect(lengthAt(endpoint({}).ecap(0x100, 0x07, 1, 0), 0x100)).toBe(8)
    expect(lengthAt(endpoint({}).ecap(0x100, 0x07, 2, 0), 0x100)).toBe(12)
  })
})

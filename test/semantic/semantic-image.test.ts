/**
 * The semantic image's masks against the register facts, written out by hand for the
 * accelerator fixture (corpus/functions/pasid-ats-pri-endpoint.lspci): which bits a guest may
 * write and which it clears by writing 1, per the PCI Local Bus and PCIe Base specs
 * (shared/REFERENCE.md "Registers used by the compatibility rules").
 */
import { describe, expect, it } from 'vitest'
import { readOnlyBytes, writeMask, writeOneToClearMask } from '../../src/semantic/semantic-image.js'
import { preparedCorpus } from '../support/prepared.js'

/** [offset, byte mask] pairs; every other byte is 0. */
type Bytes = ReadonlyArray<readonly [number, number]>
const run = (from: number, count: number, mask = 0xff): Array<[number, number]> => Array.from({ length: count }, (_, i) => [from + i, mask])

const WRITABLE: Bytes = [
  [0x04, 0x47], // Command: I/O, Memory, Bus Master (bits 0–2), Parity Error Response (6)
  [0x05, 0x05], // Command: SERR# Enable (8), Interrupt Disable (10)
  [0x0c, 0xff], // Cache Line Size
  [0x10, 0xf0], ...run(0x11, 3), // BAR0 (64-bit memory): address bits 31:4
  ...run(0x14, 4), // BAR1: upper half of BAR0
  ...[0x18, 0x1c, 0x20, 0x24].flatMap((bar): Array<[number, number]> => [[bar, 0xf0], ...run(bar + 1, 3)]), // BAR2–5 read 0: 32-bit memory layout
  [0x30, 0x01], [0x31, 0xf8], ...run(0x32, 2), // Expansion ROM: enable (0), address 31:11
  [0x3c, 0xff], // Interrupt Line
  ...run(0x48, 2), // PCIe Device Control
  ...run(0x50, 2), // Link Control
  ...run(0x58, 2), // Slot Control
  ...run(0x5c, 2), // Root Control
  ...run(0x68, 2), // Device Control 2
  ...run(0x70, 2), // Link Control 2
  ...run(0x78, 2), // Slot Control 2
  [0x83, 0xc0], // MSI-X Message Control: Function Mask (14), Enable (15)
  [0x94, 0x03], // PMCSR: Power State (1:0)
  [0x95, 0x1f], // PMCSR: PME Enable (8), Data Select (12:9)
  ...run(0x108, 8), // AER Uncorrectable Error Mask and Severity
  ...run(0x114, 4), // AER Correctable Error Mask
  [0x118, 0x40], [0x119, 0x05], // AER ECRC Generation (6) and Check (8) Enable, Multiple Header Recording Enable (10)
  [0x14e, 0x1f], [0x14f, 0x80], // ATS Control: STU (4:0), Enable (15)
  [0x156, 0x07], // PASID Control: Enable, Execute, Privileged (bits 0–2)
  [0x15c, 0x03], // PRI Control: Enable, Reset
  ...run(0x164, 4), // PRI Outstanding Page Request Allocation
]

const WRITE_ONE_TO_CLEAR: Bytes = [
  [0x07, 0xf9], // Status: Master Data Parity Error (8), Target/Master aborts, SERR, Parity (11–15)
  [0x4a, 0x4f], // Device Status: error detected bits (0–3), Emergency Power Reduction (6)
  [0x53, 0xc0], // Link Status: Link Bandwidth Management (14), Autonomous Bandwidth (15)
  [0x5a, 0x1f], [0x5b, 0x01], // Slot Status event bits (0–4), Data Link Layer State Changed (8)
  [0x62, 0x01], // Root Status: PME Status (16)
  [0x95, 0x80], // PMCSR: PME Status (15)
  ...run(0x104, 4), // AER Uncorrectable Error Status
  ...run(0x110, 4), // AER Correctable Error Status
  [0x15e, 0x03], // PRI Status: Response Failure, Unexpected PRG Index
]

const nonZero = (bytes: Uint8Array): Array<[number, number]> => Array.from(bytes.entries()).filter(([, v]) => v !== 0)

describe('semantic image of the accelerator fixture', () => {
  const f = preparedCorpus('functions/pasid-ats-pri-endpoint.lspci')

  it('write mask: exactly the RW bits of the spec', () => {
    expect(nonZero(writeMask(f.semantic))).toEqual(WRITABLE)
  })

  it('write-1-to-clear mask: exactly the RW1C bits of the spec', () => {
    expect(nonZero(writeOneToClearMask(f.semantic))).toEqual(WRITE_ONE_TO_CLEAR)
  })

  it('read-only values: the image with both masks cleared', () => {
    const ro = readOnlyBytes(f.semantic)
    const w = writeMask(f.semantic)
    const c = writeOneToClearMask(f.semantic)
    expect(Array.from(ro)).toEqual(Array.from(f.config.bytes, (b, i) => b & ~(w[i]! | c[i]!)))
    expect(ro[0x155]).toBe(0x14) // PASID Max PASID Width 20, read-only
  })
})

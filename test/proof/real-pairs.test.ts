/**
 * Equivalence on real pairs from ../shared/corpus/real. Each expectation is argued from the
 * bytes that differ (listed per pair) and the access the PCI/PCIe specs give those registers.
 */
import { describe, expect, it } from 'vitest'
import { proveEquivalence } from '../../src/proof/prove-equivalence.js'
import { preparedReal } from '../support/prepared.js'
import { sharedCorpusPresent } from '../support/shared-corpus.js'

const differingOffsets = (a: string, b: string): number[] => {
  const x = preparedReal(a).config.bytes
  const y = preparedReal(b).config.bytes
  return Array.from(x.keys()).filter((i) => x[i] !== y[i])
}

const errors = (a: string, b: string) => proveEquivalence(preparedReal(a), preparedReal(b)).reasons.filter((r) => r.severity === 'error')

describe.skipIf(!sharedCorpusPresent)('real pairs', () => {
  it('amd-navi23-gpu-sysA vs -sysB: the same GPU model on two machines is equivalent', () => {
    // The 9 differing bytes are all written by firmware, the OS or the device at run time:
    // 0x14/0x1c/0x26 BAR address bits and 0x32 the ROM address (RW), 0x3c Interrupt Line (RW),
    // 0x6e PCIe Device Status error bits (RW1C), 0xa4–0xa5 MSI Message Address (RW), and 0x211
    // Resizable BAR Control 1 bits 13:8, the BAR Size the OS chose (RW).
    expect(differingOffsets('amd-navi23-gpu-sysA', 'amd-navi23-gpu-sysB')).toEqual([0x14, 0x1c, 0x26, 0x32, 0x3c, 0x6e, 0xa4, 0xa5, 0x211])
    const v = proveEquivalence(preparedReal('amd-navi23-gpu-sysA'), preparedReal('amd-navi23-gpu-sysB'))
    expect(v.compatible).toBe(true)
    // Dumps carry no BAR sizes: that is said, as a warning, not guessed.
    expect(v.reasons.map((r) => [r.code, r.severity])).toEqual([['BAR_SIZE_UNKNOWN', 'warning']])
  })

  it('intel-haswell-ep-rootport-2f02-a vs -b: the same root port on two systems is equivalent', () => {
    // 0x19/0x1a Secondary and Subordinate Bus Numbers (RW, assigned by enumeration), 0x3c
    // Interrupt Line (RW), 0x64 MSI Message Address (RW), 0x116 ACS Control (RW), 0x154 AER
    // Uncorrectable Error Severity and 0x15d Correctable Error Mask (RW, set by the OS).
    expect(differingOffsets('intel-haswell-ep-rootport-2f02-a', 'intel-haswell-ep-rootport-2f02-b')).toEqual([0x19, 0x1a, 0x3c, 0x64, 0x116, 0x154, 0x15d])
    expect(errors('intel-haswell-ep-rootport-2f02-a', 'intel-haswell-ep-rootport-2f02-b')).toEqual([])
  })

  it('qemu-nvme-sriov-pf-vfs-off vs -vfs-on: enabling VFs changes only SR-IOV state', () => {
    // SR-IOV Control (+0x08, VF Enable and VF MSE) and NumVFs (+0x10) are RW: the PF driver
    // writes them. TotalVFs, First VF Offset and VF Stride (read-only) are unchanged.
    expect(differingOffsets('qemu-nvme-sriov-pf-vfs-off', 'qemu-nvme-sriov-pf-vfs-on')).toEqual([0x128, 0x130])
    expect(errors('qemu-nvme-sriov-pf-vfs-off', 'qemu-nvme-sriov-pf-vfs-on')).toEqual([])
  })

  it('intel-sunrisepoint-rootport-9d10 vs -aerlog: the same root port model on two boards is not equivalent', () => {
    // The boards wire the port differently: Link Capabilities Max Link Width x4 vs x1 (bits 9:4
    // of +0x0C, read-only), so Secondary PCIe (0xC + 2 bytes per lane, dword-aligned) is 20 vs
    // 16 bytes; the negotiated link differs; the Bridge Subsystem ID (board vendor's ID) differs.
    const found = errors('intel-sunrisepoint-rootport-9d10', 'intel-sunrisepoint-rootport-9d10-aerlog')
    const has = (code: string, field: string | null, offset: number) =>
      expect(found).toContainEqual(expect.objectContaining({ code, field, offset }))
    has('CAP_LENGTH', null, 0x220)
    has('FIELD_CAPACITY', 'maxLinkWidth', 0x4c)
    has('FIELD_VOLATILE', 'negotiatedLinkWidth', 0x52)
    has('FIELD_IDENTITY', 'subsystemId', 0x96)
    const width = found.find((r) => r.field === 'maxLinkWidth')!
    expect([width.source, width.destination]).toEqual([4, 1])
    expect(width.message).toContain('Maximum Link Width: source x4, destination x1')
    // The AER log the second capture is named for sits in write-1-to-clear status registers:
    // no error reason lies inside AER (0x100–0x13f) from those.
    expect(found.filter((r) => r.offset !== null && r.offset >= 0x104 && r.offset < 0x118)).toEqual([])
  })

  it('qemu-nvme-sriov-pf (older QEMU, 256 bytes) vs -vfs-on: refused, MSI-X table size and unread extended space', () => {
    // lspci decodes MSI-X Count=65 for the older device and Count=5 for the newer: Table Size
    // (Message Control bits 10:0, N−1 encoded) is 0x40 vs 0x04. The older dump has no extended
    // space although the function has a PCI Express capability.
    const found = errors('qemu-nvme-sriov-pf', 'qemu-nvme-sriov-pf-vfs-on')
    expect(found.map((r) => r.code).sort()).toEqual(['EXTENDED_SPACE_UNKNOWN', 'FIELD_IDENTITY'])
    const table = found.find((r) => r.field === 'tableSize')!
    expect(table).toMatchObject({ capability: 'MSI-X', offset: 0x42, length: 2, source: 0x40, destination: 0x04 })
    expect(table.message).toBe('MSI-X at 0x40, Table Size: source 65 vectors, destination 5 vectors — the guest sized its vector table from the source')
  })
})

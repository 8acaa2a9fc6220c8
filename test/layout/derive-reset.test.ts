/**
 * An instance type starts from reset, not from the source host's live state: in a function
 * built from a derived layout, every writable register holds its reset value. The expected
 * values are written here from the specs' register definitions (PCI Local Bus and PCIe Base:
 * Command, Status, BARs, ROM BAR, Interrupt Line; MSI, MSI-X, PM, PCI Express Device Control /
 * Status / Link Control, AER, ATS, PRI, PASID, SR-IOV, ACS, LTR), found in the built image by
 * walking it; the real dumps' lspci decodes show the live state their sources had.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { walkCapabilities } from '../../src/capability/walk.js'
import { build } from '../../src/layout/build.js'
import { derive } from '../../src/layout/derive.js'
import { preparedReal } from '../support/prepared.js'
import { pfOption } from '../support/real-vf.js'
import { readRealVvv, realDumpNames, sharedCorpusPresent } from '../support/shared-corpus.js'

const UNREADABLE = new Set(['genesys-gl9755-all-ones', 'nvidia-gf108-hda-powered-off'])

/**
 * Register checks from the specs: [what, offset within the capability (or the header), width,
 * mask, value at reset, optional bits]. An optional bit is hardwired to 0 where the function
 * does not implement it, so its default of 1 holds only where the source reads 1 (PCIe Base 5.0
 * AER registers mark Surprise Down, Flow Control Protocol, Completer Abort, Receiver Overflow,
 * ECRC, ACS Violation, Uncorrectable Internal, MC Blocked, AtomicOp Egress Blocked, TLP Prefix
 * Blocked, Poisoned TLP Egress Blocked and bits 27–31 optional; Corrected Internal and Header
 * Log Overflow among the correctable ones).
 */
type Check = readonly [string, number, 1 | 2 | 4, number, number, number?]
const OPTIONAL_UNCORRECTABLE = 0xffeaa020
const OPTIONAL_CORRECTABLE = 0x0000c000
const HEADER: readonly Check[] = [
  ['Command: I/O, Memory, Bus Master, Parity Error Response, SERR#, Interrupt Disable', 0x04, 2, 0x0547, 0],
  ['Status: error bits (write 1 to clear)', 0x06, 2, 0xf900, 0],
  ['Cache Line Size', 0x0c, 1, 0xff, 0],
  ['Interrupt Line', 0x3c, 1, 0xff, 0],
]
const TYPE0: readonly Check[] = [['Expansion ROM Base Address and Enable', 0x30, 4, 0xfffff801, 0]]
const STANDARD: Readonly<Record<number, readonly Check[]>> = {
  0x01: [['PMCSR: PowerState D0, PME_En, PME_Status', 0x04, 2, 0x8103, 0]],
  0x05: [['MSI Message Control: Enable, Multiple Message Enable', 0x02, 2, 0x0071, 0]],
  0x11: [['MSI-X Message Control: Enable, Function Mask', 0x02, 2, 0xc000, 0]],
  // Device Control: Relaxed Ordering and No Snoop enabled, Max_Read_Request_Size 512 (010b), the rest 0.
  0x10: [
    ['PCI Express Device Control', 0x08, 2, 0xffff, 0x2810],
    ['PCI Express Device Status: error bits (write 1 to clear)', 0x0a, 2, 0x000f, 0],
    ['PCI Express Link Control', 0x10, 2, 0xffff, 0],
  ],
}
const EXTENDED: Readonly<Record<number, readonly Check[]>> = {
  0x01: [
    ['AER Uncorrectable Error Status', 0x04, 4, 0xffffffff, 0],
    ['AER Uncorrectable Error Mask: Internal and TLP Prefix Blocked masked', 0x08, 4, 0xffffffff, 0x02400000, OPTIONAL_UNCORRECTABLE],
    ['AER Uncorrectable Error Severity: DLP, Surprise Down, FCP, Receiver Overflow, Malformed TLP, Internal fatal', 0x0c, 4, 0xffffffff, 0x00462030, OPTIONAL_UNCORRECTABLE],
    ['AER Correctable Error Status', 0x10, 4, 0xffffffff, 0],
    ['AER Correctable Error Mask: Advisory Non-Fatal, Internal, Header Log Overflow masked', 0x14, 4, 0xffffffff, 0xe000, OPTIONAL_CORRECTABLE],
  ],
  0x0d: [['ACS Control', 0x06, 2, 0xffff, 0]],
  0x0f: [['ATS Control: Enable, STU', 0x06, 2, 0x801f, 0]],
  0x10: [
    ['SR-IOV Control', 0x08, 2, 0xffff, 0],
    ['SR-IOV NumVFs', 0x10, 2, 0xffff, 0],
    ['SR-IOV System Page Size: 4 KiB', 0x20, 4, 0xffffffff, 0x1],
  ],
  0x13: [['PRI Control: Enable, Reset', 0x04, 2, 0x0003, 0]],
  0x18: [['LTR Max Snoop / No-Snoop Latency', 0x04, 4, 0xffffffff, 0]],
  0x1b: [['PASID Control: Enable, Execute, Privileged', 0x06, 2, 0x0007, 0]],
}

const read = (b: ArrayLike<number>, at: number, width: number): number => {
  let v = 0
  for (let k = width - 1; k >= 0; k--) v = v * 256 + (b[at + k] ?? 0)
  return v
}

/** Every check that fails in the function built from `name`'s derived layout. */
const notReset = (name: string): string[] => {
  const physical = preparedReal(name).config.bytes
  const layout = derive(preparedReal(name), { policy: 'none', pasid: 'none', ...pfOption(name) })
  if (E.isLeft(layout)) throw new Error(JSON.stringify(layout.left))
  const built = build(layout.right)
  if (E.isLeft(built)) throw new Error(JSON.stringify(built.left))
  const b = built.right.config.bytes
  const failed: string[] = []
  const check = (base: number, [what, at, width, mask, value, optional = 0]: Check) => {
    const v = (read(b, base + at, width) & mask) >>> 0
    const reset = ((value & ~optional) | (value & optional & read(physical, base + at, width))) >>> 0
    if (v !== reset) failed.push(`${what} at 0x${(base + at).toString(16)}: 0x${v.toString(16)}, reset is 0x${reset.toString(16)}`)
  }
  for (const c of [...HEADER, ...((b[0x0e]! & 0x7f) === 0 ? TYPE0 : [])]) check(0, c)
  // BAR address bits (I/O: 31:2, memory: 31:4) are assigned by software: 0 from reset.
  for (let i = 0; i < ((b[0x0e]! & 0x7f) === 0 ? 6 : 2); i++) {
    const v = read(b, 0x10 + 4 * i, 4)
    if ((v & 1 ? v & ~0x3 : v & ~0xf) !== 0) failed.push(`BAR ${i} address: 0x${v.toString(16)}`)
  }
  for (const cap of walkCapabilities(built.right.config).capabilities) {
    for (const c of (cap.space === 'standard' ? STANDARD : EXTENDED)[cap.id] ?? []) if (cap.offset + c[1] + c[2] <= cap.offset + cap.length) check(cap.offset, c)
  }
  return failed
}

describe.skipIf(!sharedCorpusPresent)('a derived layout builds a function fresh from reset', () => {
  const names = realDumpNames().filter((n) => !UNREADABLE.has(n))

  it('the sources were live: lspci shows memory decoding and bus mastering on, and enabled interrupts', () => {
    expect(readRealVvv('qemu-nvme-sriov-pf-vfs-on')).toMatch(/Control: I\/O\+ Mem\+ BusMaster\+/)
    expect(readRealVvv('amd-navi23-gpu-sysA')).toMatch(/MSI: Enable\+/)
  })

  it.each(names)('%s', (name) => {
    expect(notReset(name)).toEqual([])
  })
})

/**
 * At least as strict as QEMU. QEMU's migration load check (shared/REFERENCE.md, last section)
 * is implemented here on its own: for each byte i, it refuses when
 * `(incoming[i] ^ destination[i]) & cmask[i] & ~wmask[i] & ~w1cmask[i]` is non-zero, where
 * cmask covers vendor, device, status bit 4, revision, class, header type, the capability
 * pointer, and every byte of every capability up to the next one (gaps included).
 *
 * What it takes from this project: the capability offsets (the walker, itself checked against
 * lspci on every real dump) and the write masks (QEMU's per-device emulation is not reproduced;
 * test/semantic checks our masks against the spec's register facts), narrowed to the optional
 * AER bits the destination provably implements (its own statement of the spec, below). Wherever this rule
 * refuses, `proveEquivalence` (refusing serial numbers as QEMU does) must refuse with a reason
 * covering that byte.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { spaceEnd } from '../../src/capability/capability.js'
import { proveEquivalence } from '../../src/proof/prove-equivalence.js'
import { reasonCovers } from '../../src/proof/reason.js'
import type { PreparedFunction } from '../../src/semantic/prepared-function.js'
import { writeMask, writeOneToClearMask } from '../../src/semantic/semantic-image.js'
import { arbitraryFunction } from '../support/arbitrary-function.js'
import { preparedCorpus, preparedImage, preparedReal } from '../support/prepared.js'
import { sharedCorpusPresent } from '../support/shared-corpus.js'

/** QEMU's cmask for a device as the destination built it. */
const qemuCmask = (f: PreparedFunction): Uint8Array => {
  const cmask = new Uint8Array(f.config.size)
  for (const at of [0x00, 0x01, 0x02, 0x03, 0x08, 0x09, 0x0a, 0x0b, 0x0e, 0x34]) cmask[at] = 0xff
  cmask[0x06] = 0x10
  const caps = [...f.walk.capabilities].sort((x, y) => x.offset - y.offset)
  caps.forEach((c, k) => {
    const next = caps[k + 1]
    const end = Math.min(next !== undefined && next.space === c.space ? next.offset : spaceEnd(c.space), f.config.size)
    cmask.fill(0xff, c.offset, end)
  })
  return cmask
}

/**
 * Optional AER bits (PCIe Base 5.0 §7.8.4.3–6: writable where the error is implemented,
 * hardwired 0 where not). QEMU's device sets wmask only for what it implements; from a config
 * image that is known only where the bit reads 1 or where another register makes the error
 * required. The model takes the destination that implements nothing else (the strictest device
 * consistent with its image), so vpci must refuse wherever that device would.
 */
const UE_OPTIONAL = [5, 13, 15, 17, 19, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]
const CE_OPTIONAL = [14, 15]
const u32 = (b: ArrayLike<number>, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0
const qemuWmask = (f: PreparedFunction): Uint8Array => {
  const wmask = writeMask(f.semantic).slice()
  const aer = f.walk.capabilities.find((c) => c.space === 'extended' && c.id === 0x01)
  if (aer === undefined) return wmask
  const b = f.config.bytes
  const express = f.walk.capabilities.find((c) => c.space === 'standard' && c.id === 0x10)
  const has = (id: number): boolean => f.walk.capabilities.some((c) => c.space === 'extended' && c.id === id)
  // Errors another register makes required: Surprise Down (Link Capabilities bit 19), ECRC (ECRC
  // Check Capable, AER +0x18 bit 7), ACS Violation (an ACS capability), MC Blocked TLP (Multicast),
  // AtomicOp Egress Blocked (AtomicOp Routing, Device Capabilities 2 bit 6), TLP Prefix Blocked
  // (End-End TLP Prefix Supported, Device Capabilities 2 bit 21).
  const required = new Set<number>()
  if (express !== undefined && (u32(b, express.offset + 0x0c) >>> 19) & 1) required.add(5)
  if ((u32(b, aer.offset + 0x18) >>> 7) & 1) required.add(19)
  if (has(0x0d)) required.add(21)
  if (has(0x12)) required.add(23)
  if (express !== undefined && express.length > 0x24 && (u32(b, express.offset + 0x24) >>> 6) & 1) required.add(24)
  if (express !== undefined && express.length > 0x24 && (u32(b, express.offset + 0x24) >>> 21) & 1) required.add(25)
  const drop = (at: number, bits: readonly number[], evidence: ReadonlySet<number>): void => {
    for (const bit of bits) if (!evidence.has(bit) && !((u32(b, at) >>> bit) & 1)) wmask[at + (bit >> 3)]! &= ~(1 << (bit & 7))
  }
  drop(aer.offset + 0x08, UE_OPTIONAL, required)
  drop(aer.offset + 0x0c, UE_OPTIONAL, required)
  drop(aer.offset + 0x14, CE_OPTIONAL, new Set())
  return wmask
}

/** The offsets at which QEMU's load of `incoming` into `destination` fails. */
const qemuRefusals = (incoming: PreparedFunction, destination: PreparedFunction): number[] => {
  const cmask = qemuCmask(destination)
  const wmask = qemuWmask(destination)
  const w1cmask = writeOneToClearMask(destination.semantic)
  const size = Math.min(incoming.config.size, destination.config.size)
  const refused: number[] = []
  for (let i = 0; i < size; i++) {
    if ((incoming.config.bytes[i]! ^ destination.config.bytes[i]!) & cmask[i]! & ~wmask[i]! & ~w1cmask[i]!) refused.push(i)
  }
  return refused
}

/** Every byte QEMU refuses is covered by an error reason, and then the verdict is incompatible. */
const expectAtLeastAsStrict = (source: PreparedFunction, destination: PreparedFunction): number => {
  const refused = qemuRefusals(source, destination)
  const verdict = proveEquivalence(source, destination, { instance: 'refuse' })
  const errors = verdict.reasons.filter((r) => r.severity === 'error')
  const uncovered = refused.filter((i) => !errors.some((r) => reasonCovers(r, i)))
  expect(uncovered.map((i) => `0x${i.toString(16)}`)).toEqual([])
  if (refused.length > 0) expect(verdict.compatible).toBe(false)
  return refused.length
}

/**
 * Real pairs, and whether QEMU's rule refuses them at all: the three same-model pairs differ only
 * in writable or write-1-to-clear bits (argued byte by byte in real-pairs.test.ts); every other
 * pair is two different devices or boards and differs in read-only bytes.
 */
const REAL_PAIRS: ReadonlyArray<readonly [string, string, boolean]> = [
  ['amd-navi23-gpu-sysA', 'amd-navi23-gpu-sysB', false],
  ['intel-haswell-ep-rootport-2f02-a', 'intel-haswell-ep-rootport-2f02-b', false],
  ['qemu-nvme-sriov-pf-vfs-off', 'qemu-nvme-sriov-pf-vfs-on', false],
  ['intel-sunrisepoint-rootport-9d10', 'intel-sunrisepoint-rootport-9d10-aerlog', true],
  ['qemu-nvme-sriov-pf', 'qemu-nvme-sriov-pf-vfs-on', true],
  ['broadcom-bcm5719-fn0', 'broadcom-bcm5719-fn1', true],
  ['intel-cxl-0d93-dvsec', 'intel-cxl-0d93-doe', true],
  ['mlx4-cx3pro-pf', 'mlx5-cx5ex-pf', true],
  ['samsung-a808-nvme', 'samsung-pm174x-nvme', true],
  ['intel-haswell-ep-rootport-2f02-a', 'intel-haswell-ep-rootport-2f03', true],
  ['nvidia-ga104-rtx3070ti', 'nvidia-ga104-hda', true],
  ['amd-navi10-switch-upstream-1478', 'amd-navi10-switch-downstream-1479', true],
]

describe('at least as strict as QEMU\'s load check', () => {
  it.skipIf(!sharedCorpusPresent).each(REAL_PAIRS)('real pair %s → %s, both ways (QEMU refuses: %s)', (a, b, qemuRefuses) => {
    const refused = expectAtLeastAsStrict(preparedReal(a), preparedReal(b)) + expectAtLeastAsStrict(preparedReal(b), preparedReal(a))
    expect(refused > 0).toBe(qemuRefuses)
  })

  it('the accelerator family, every ordered pair', () => {
    const names = ['v1-host-a', 'v1-host-b', 'v2-host-c'].map((n) => `families/accelerator/${n}.lspci`)
    let refused = 0
    for (const a of names) for (const b of names) refused += expectAtLeastAsStrict(preparedCorpus(a), preparedCorpus(b))
    expect(refused).toBeGreaterThan(0) // V1 and V2 differ under cmask: the comparison is not empty
  })

  it('an optional AER bit set in the source\'s state and 0 on the destination (QEMU refuses it; so must vpci)', () => {
    const base = preparedCorpus('families/accelerator/v1-host-a.lspci')
    const set = base.config.bytes.slice()
    set[0x10a]! |= 0x40 // Uncorrectable Error Mask (AER 0x100 + 8), bit 22: Uncorrectable Internal Error
    expect(expectAtLeastAsStrict(preparedImage(set), base)).toBe(1)
    expect(expectAtLeastAsStrict(base, preparedImage(set))).toBe(0)
  })

  it('generated pairs: a function and a copy with random bytes changed anywhere', () => {
    fc.assert(
      fc.property(
        arbitraryFunction.chain((f) =>
          fc.tuple(fc.constant(f), fc.array(fc.tuple(fc.nat({ max: f.bytes.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 })),
        ),
        ([f, changes]) => {
          const changed = f.bytes.slice()
          for (const [at, x] of changes) changed[at]! ^= x
          expectAtLeastAsStrict(preparedImage(f.bytes), preparedImage(changed))
          expectAtLeastAsStrict(preparedImage(changed), preparedImage(f.bytes))
        },
      ),
      { numRuns: 300 },
    )
  })
})

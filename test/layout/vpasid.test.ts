/**
 * vPASID synthesis: when the kernel hides a physical PASID capability, derive can place an
 * emulated one in free extended space, copying what the physical one supports.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { build } from '../../src/layout/build.js'
import { derive } from '../../src/layout/derive.js'
import { findFreeSpace, quirkRanges, whyNotFree } from '../../src/layout/free-space.js'
import type { PreparedFunction } from '../../src/semantic/prepared-function.js'
import { preparedCorpus, preparedImage, preparedReal } from '../support/prepared.js'
import { realDumpNames, sharedCorpusPresent } from '../support/shared-corpus.js'

const accelerator = preparedCorpus('functions/pasid-ats-pri-endpoint.lspci')

describe('vPASID', () => {
  it('auto: an emulated PASID at 0xff8 (the top of extended space, QEMU\'s default), with the physical capability\'s width and permissions', () => {
    const layout = derive(accelerator, { policy: 'kernel' })
    if (E.isLeft(layout)) throw new Error(JSON.stringify(layout.left))
    expect(layout.right.hidden).toContainEqual({ space: 'extended', id: 0x1b, offset: 0x150 })
    const vpasid = layout.right.capabilities.find((c) => c.id === 0x1b)
    // The physical PASID Capability register reads 0x1406: width 20 (bits 12:8), execute (1), privileged (2).
    expect(vpasid).toEqual({
      space: 'extended',
      offset: 0xff8,
      id: 0x1b,
      version: 1,
      backing: 'emulated',
      length: 8,
      fields: { executePermission: 1, privilegedMode: 1, maxPasidWidth: 20 },
      bytes: [],
    })
  })

  it('none: no synthesised capability', () => {
    const layout = derive(accelerator, { policy: 'kernel', pasid: 'none' })
    expect(E.isRight(layout) && layout.right.capabilities.some((c) => c.id === 0x1b)).toBe(false)
  })

  it('an explicit offset must be free and dword-aligned', () => {
    const at = (pasid: number) => derive(accelerator, { policy: 'kernel', pasid })
    const placed = at(0x200)
    expect(E.isRight(placed) && placed.right.capabilities.find((c) => c.id === 0x1b)?.offset).toBe(0x200)
    for (const [pasid, why] of [
      [0x14a, 'not dword-aligned'],
      [0x148, 'overlaps a capability'], // ATS at 0x148
      [0x0f0, 'outside extended space'],
      [0xffc, 'outside extended space'], // 8 bytes would end past 0x1000
    ] as const) {
      const r = at(pasid)
      expect(E.isLeft(r) && r.left[0]).toMatchObject({ code: 'PASID_OFFSET_NOT_FREE', path: ['pasid'] })
      expect(E.isLeft(r) && r.left[0]!.message).toContain(why)
    }
  })

  it('operator-given usable ranges bound the search', () => {
    const layout = derive(accelerator, { policy: 'kernel', usable: [[0x400, 0x500]] })
    expect(E.isRight(layout) && layout.right.capabilities.find((c) => c.id === 0x1b)?.offset).toBe(0x4f8)
    const none = derive(accelerator, { policy: 'kernel', usable: [[0x148, 0x150]] })
    expect(E.isLeft(none) && none.left[0]!.code).toBe('NO_FREE_SPACE')
  })

  it('quirks: Intel graphics keep the OpRegion address at 0xfc, which is never free', () => {
    expect(quirkRanges({ vendorId: 0x8086, classCode: 0x030000 })).toEqual([[0xfc, 0x100]])
    expect(quirkRanges({ vendorId: 0x8086, classCode: 0x020000 })).toEqual([])
    // A range a quirk marks is taken like a capability: the search steps below it.
    expect(findFreeSpace(8, [[0xffc, 0x1000]], null)).toBe(0xff4)
    expect(whyNotFree(0xff8, 8, [[0xffc, 0x1000]], null)).toBe('overlaps a capability or a range the device uses')
  })
})

/** The accelerator with device registers of its own at 0xff8–0xfff, outside every capability. */
const withOwnBytes = (() => {
  const bytes = Uint8Array.from(accelerator.config.bytes)
  bytes.set([0x5a, 0x00, 0x00, 0x80, 0x00, 0x00, 0x01, 0x00], 0xff8)
  return preparedImage(bytes, 'accelerator-with-registers')
})()

/** Non-zero bytes of `p` outside the header and every capability (hidden ones too): the device's own. */
const ownBytes = (p: PreparedFunction, from: number, to: number): number[] => {
  const out: number[] = []
  for (let at = Math.max(from, 0x40); at < to; at++) {
    const inCapability = p.walk.capabilities.some((c) => at >= c.offset && at < c.offset + c.length)
    if (!inCapability && p.config.bytes[at] !== 0) out.push(at)
  }
  return out
}

describe('the vPASID never lands on the device\'s own bytes (issue 11 item 6)', () => {
  it('auto placement skips them: below 0xff8, where the device keeps registers', () => {
    const layout = derive(withOwnBytes, { policy: 'kernel' })
    if (E.isLeft(layout)) throw new Error(JSON.stringify(layout.left))
    const at = layout.right.capabilities.find((c) => c.id === 0x1b)!.offset
    expect(ownBytes(withOwnBytes, at, at + 8)).toEqual([])
    expect(at).toBe(0xff0)
  })

  it('usable ranges over them: the free 8 bytes inside, or none', () => {
    const inside = derive(withOwnBytes, { policy: 'kernel', usable: [[0xff0, 0x1000]] })
    expect(E.isRight(inside) && inside.right.capabilities.find((c) => c.id === 0x1b)?.offset).toBe(0xff0)
    const none = derive(withOwnBytes, { policy: 'kernel', usable: [[0xff8, 0x1000]] })
    expect(E.isLeft(none) && none.left[0]!.code).toBe('NO_FREE_SPACE')
  })

  it('an explicit offset over them is refused, naming the bytes', () => {
    const r = derive(withOwnBytes, { policy: 'kernel', pasid: 0xff8 })
    expect(E.isLeft(r) && r.left[0]).toMatchObject({ code: 'PASID_OFFSET_NOT_FREE', path: ['pasid'] })
    expect(E.isLeft(r) && r.left[0]!.message).toContain('0xff8 = 0x5a, 0xffb = 0x80, 0xffe = 0x1')
  })

  it('build never writes a byte two sources claim: unclaimed bytes under an emulated capability are refused', () => {
    const layout = derive(withOwnBytes, { policy: 'kernel' })
    if (E.isLeft(layout)) throw new Error(JSON.stringify(layout.left))
    const moved = { ...layout.right, capabilities: layout.right.capabilities.map((c) => (c.id === 0x1b ? { ...c, offset: 0xff8 } : c)) }
    const built = build(moved)
    expect(E.isLeft(built) && built.left.map((e) => [e.code, e.path.join('.')])).toContainEqual(['RAW_OUT_OF_PLACE', expect.stringMatching(/^unclaimed\.\d+\.at$/)])
  })
})

describe.skipIf(!sharedCorpusPresent)('on the real dumps with a PASID capability, for any usable range', () => {
  const withPasid = realDumpNames().filter((n) => {
    const p = preparedReal(n)
    return p.config.size === 4096 && p.walk.capabilities.some((c) => c.space === 'extended' && c.id === 0x1b) && p.walk.problems.length === 0
  })

  it('the vPASID covers none of the device\'s own bytes', () => {
    expect(withPasid.length).toBeGreaterThan(2)
    fc.assert(
      fc.property(fc.constantFrom(...withPasid), fc.integer({ min: 0x40, max: 0x3fc }), fc.integer({ min: 2, max: 0x80 }), (name, start, words) => {
        const p = preparedReal(name)
        const r = derive(p, { policy: 'kernel', usable: [[start * 4, Math.min(0x1000, start * 4 + words * 4)]] })
        if (E.isLeft(r)) return
        const v = r.right.capabilities.find((c) => c.id === 0x1b && c.backing === 'emulated')
        if (v !== undefined) expect(ownBytes(p, v.offset, v.offset + 8)).toEqual([])
      }),
      { numRuns: 200 },
    )
  })
})

/**
 * vPASID synthesis: when the kernel hides a physical PASID capability, derive can place an
 * emulated one in free extended space, copying what the physical one supports.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { derive } from '../../src/layout/derive.js'
import { findFreeSpace, quirkRanges, whyNotFree } from '../../src/layout/free-space.js'
import { preparedCorpus } from '../support/prepared.js'

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

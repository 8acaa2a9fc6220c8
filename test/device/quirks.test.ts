/**
 * Device knowledge: which bytes outside every capability a quirk explains, checked on real dumps
 * against the register maps the quirks cite (QEMU hw/vfio/igd.c and Linux i915 for Intel
 * graphics, Linux sky2.h for the Marvell Yukon-2), and the placement a VMM needs.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { quirkWarnings } from '../../src/device/quirk-warnings.js'
import { DEVICE_QUIRKS, quirksOf } from '../../src/device/quirks.js'
import { derive } from '../../src/layout/derive.js'
import type { FunctionLayout } from '../../src/layout/function-layout.js'
import { preparedCorpus, preparedReal } from '../support/prepared.js'
import { sharedCorpusPresent } from '../support/shared-corpus.js'

const derived = (name: string): FunctionLayout => {
  const l = derive(preparedReal(name), { pasid: 'none' })
  if (E.isLeft(l)) throw new Error(name)
  return l.right
}
const warnedAt = (l: FunctionLayout): number[] => quirkWarnings(l).filter((w) => w.code === 'UNEXPLAINED_BYTES').map((w) => w.offset)

describe('the quirk table', () => {
  it('every entry names its device, its ranges and its source', () => {
    for (const q of DEVICE_QUIRKS) {
      expect(q.source.length, q.device).toBeGreaterThan(10)
      expect(q.ranges.length, q.device).toBeGreaterThan(0)
      for (const [s, e] of q.ranges) expect(s < e && e <= 0x1000, q.device).toBe(true)
    }
  })

  it('matches vendor, class and device IDs', () => {
    expect(quirksOf({ vendorId: 0x8086, deviceId: 0x191e, classCode: 0x030000 }).map((q) => q.device)).toEqual(['Intel integrated graphics (IGD)'])
    expect(quirksOf({ vendorId: 0x8086, deviceId: 0x9a0b, classCode: 0x010400 }).map((q) => q.device)).toEqual(['Intel Volume Management Device (VMD)'])
    expect(quirksOf({ vendorId: 0x14e4, deviceId: 0x1657, classCode: 0x020000 }).map((q) => q.device)).toEqual(['Broadcom NetXtreme (Tigon3)'])
    // Another Broadcom device (a NetXtreme-E, 0x16d7) is not a Tigon3.
    expect(quirksOf({ vendorId: 0x14e4, deviceId: 0x16d7, classCode: 0x020000 })).toEqual([])
  })

  it('a team fixture has nothing outside its capabilities: no warning', () => {
    const l = derive(preparedCorpus('families/accelerator/v1-host-a.lspci'))
    expect(E.isRight(l) && quirkWarnings(l.right)).toEqual([])
  })

  it.skipIf(!sharedCorpusPresent)('warns when a VMM\'s placement has no room: QEMU\'s GPUDirect capability needs 0xc8 or 0xd4 free on an NVIDIA GPU', () => {
    const base = derived('nvidia-quadro-p1000')
    const vendor = (offset: number) => ({ space: 'standard' as const, offset, id: 0x09, version: null, backing: 'passthrough' as const, length: 8, fields: {}, bytes: [] })
    const free = base.capabilities.filter((c) => !(c.offset < 0xdc && 0xc8 < c.offset + c.length))
    expect(quirkWarnings({ ...base, capabilities: [...free, vendor(0xc8)] }).filter((w) => w.code === 'PLACEMENT_TAKEN')).toEqual([])
    expect(quirkWarnings({ ...base, capabilities: [...free, vendor(0xc8), vendor(0xd4)] }).filter((w) => w.code === 'PLACEMENT_TAKEN')).toEqual([
      expect.objectContaining({ offset: 0xc8, message: expect.stringContaining('x-nv-gpudirect-clique') }),
    ])
  })
})

describe.skipIf(!sharedCorpusPresent)('quirks on real dumps', () => {
  it('Skylake graphics: GMCH (0x50), BDSM (0x5c), SWSCI (0xe8) and ASLS (0xfc) explained; 0x54 and 0x62 are not', () => {
    // The unclaimed bytes: 50–51, 54–55, 5c, 5f, 62–63, e9, fc–ff.
    expect(warnedAt(derived('intel-skylake-igpu-pasid'))).toEqual([0x54, 0x62])
  })

  it('Marvell Yukon-2: device registers (0x40–0x47, 0x7c–0x9f) explained; 0x5b and 0x71 are not', () => {
    const standard = warnedAt(derived('marvell-88e8055-nic')).filter((at) => at < 0x100)
    expect(standard).toEqual([0x5b, 0x71])
  })
})

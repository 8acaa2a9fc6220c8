/**
 * IOMMU registers as real machines publish them (values from published boot logs, where Linux
 * prints each unit's register: "DMAR: dmar0: reg_base_addr ... ecap E" and "AMD-Vi: Extended
 * features (0xE...)"), each decoded by hand from the spec's bit positions: VT-d ECAP bit 40 PASID
 * Support, bits 39:35 PSS (PSS + 1 bits), bit 43 Scalable Mode; AMD EFR bit 4 GTSup, bits 36:32
 * PASmax (PASmax + 1 bits).
 */
import { describe, expect, it } from 'vitest'
import { amdPasidSupport, intelPasidSupport, parseRegister } from '../../src/capture/iommu-registers.js'

describe('Intel VT-d Extended Capability Register', () => {
  // [ecap as printed, what the unit is, PASID translated?, width]
  const cases: Array<[string, string, boolean, number]> = [
    // 0x19e2ff0505e: bit 40 = 1, PSS = 0b10011 = 19, bit 43 = 0 (a Skylake/Kaby Lake graphics unit, VT-d 1.0).
    ['19e2ff0505e', 'client graphics unit, no scalable mode', false, 0],
    // 0xf050da: bits 40 and 43 clear (the same machines' second unit).
    ['f050da', 'client I/O unit', false, 0],
    // 0x7e3ff0501e: bit 28 (the VT-d 2.x extended-context PASID) set, bit 40 clear.
    ['7e3ff0501e', 'legacy PASID bit 28 only', false, 0],
    // 0x3ee9e86f050df (VT-d 6.0): bit 43 set, PSS 19, bit 40 clear.
    ['3ee9e86f050df', 'scalable mode without PASID support', false, 0],
    // The same with bit 40 set: 20-bit PASIDs.
    ['3ef9e86f050df', 'scalable mode with PASID support', true, 20],
  ]
  it.each(cases)('ecap %s (%s)', (text, _what, pasid, width) => {
    const s = intelPasidSupport(parseRegister(text)!)
    expect([s.pasid, s.width]).toEqual([pasid, width])
    expect(s.why).toMatch(/bit 40/)
  })
})

describe('AMD IOMMU Extended Feature Register', () => {
  // Every published Zen EFR: GTSup (bit 4) set, PASmax (bits 36:32) = 0xf: 16-bit PASIDs.
  it.each(['58f77ef22294a5a', 'f77ef22294ada', '4f77ef22294ada', '246577efa2254afa', '206d73ef22254ade', '58f77ef22294ade:0'])('features %s: 16-bit PASIDs', (text) => {
    const s = amdPasidSupport(parseRegister(text)!)
    expect([s.pasid, s.width]).toEqual([true, 16])
  })

  it('without GTSup no PASID is translated, whatever PASmax says', () => {
    const efr = parseRegister('58f77ef22294ade')! & ~(1n << 4n)
    expect(amdPasidSupport(efr)).toMatchObject({ pasid: false, width: 0 })
  })
})

describe('parseRegister', () => {
  it.each([
    ['0x10', 16n],
    ['ff\n', 255n],
    ['58f77ef22294ade:0', 0x58f77ef22294aden],
  ])('%j', (text, value) => expect(parseRegister(text)).toBe(value))
  it.each(['', 'zz', '12345678901234567', '0x', ':5'])('refuses %j', (text) => expect(parseRegister(text)).toBeNull())
})

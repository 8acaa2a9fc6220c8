/**
 * `--vmm qemu-9.1` relaxes exactly the bytes QEMU's skip-vsc-check leaves uncompared (QEMU
 * hw/vfio/pci.c, vfio_add_vendor_specific_cap: cmask cleared from byte 3 of a standard
 * Vendor-Specific capability; the header and length byte stay compared), and says so in the
 * certificate. The oracle is brute force over every byte of a real GPU's config space: flipping
 * it is refused under qemu-9.1 exactly when it is refused without a VMM and lies outside
 * [vendor capability + 3, vendor capability + length).
 */
import { describe, expect, it } from 'vitest'
import { proveEquivalence, verifyCertificate } from '../../src/proof/prove-equivalence.js'
import { preparedImage, preparedReal } from '../support/prepared.js'
import { sharedCorpusPresent } from '../support/shared-corpus.js'

describe.skipIf(!sharedCorpusPresent)('VMM policies: QEMU skip-vsc-check', () => {
  // The body is collected even when skipped: without ../shared, a blank image stands in (no test runs on it).
  const gpu = sharedCorpusPresent ? preparedReal('nvidia-ga104-rtx3070ti') : preparedImage(new Uint8Array(256), 'absent')
  // lspci: "Capabilities: [b4] Vendor Specific Information: Len=14".
  const vsc = gpu.walk.capabilities.find((c) => c.space === 'standard' && c.id === 0x09)!
  const flipped = (at: number, bit: number) => {
    const bytes = Uint8Array.from(gpu.config.bytes)
    bytes[at]! ^= 1 << bit
    return preparedImage(bytes, `flipped ${at.toString(16)}`)
  }

  it('the GA104 has a Vendor-Specific capability of 0x14 bytes at 0xb4 (lspci agrees)', () => {
    expect([vsc.offset, vsc.length]).toEqual([0xb4, 0x14])
  })

  it('refuses a flipped vendor byte without a VMM, accepts it under qemu-9.1 and states the assumption', () => {
    const other = flipped(0xb4 + 5, 0)
    expect(proveEquivalence(gpu, other).reasons.filter((r) => r.severity === 'error').map((r) => [r.code, r.offset])).toEqual([['BYTES_DIFFER', 0xb9]])
    const v = proveEquivalence(gpu, other, { vmm: 'qemu-9.1' })
    expect(v.compatible).toBe(true)
    expect(v.certificate!.options).toEqual({ instance: 'warn', assumeImplemented: false, vmm: 'qemu-9.1' })
    expect(v.certificate!.assumptions).toContainEqual(expect.stringContaining('Vendor Specific at 0xb4, bytes 0xb7–0xc7 differ and are not compared: QEMU 9.1+ vfio-pci skip-vsc-check'))
    expect(v.certificate!.obligations).toContainEqual(expect.objectContaining({ offset: 0xb7, length: 0x11, check: 'bytes', result: 'assumed' }))
    // qemu-9.0 (skip-vsc-check off on machine types 9.0 and older) compares them.
    expect(proveEquivalence(gpu, other, { vmm: 'qemu-9.0' }).compatible).toBe(false)
    // The certificate verifies under the options it names, and not without the VMM.
    expect(verifyCertificate(JSON.parse(JSON.stringify(v.certificate)), gpu, other)._tag).toBe('Right')
    expect(verifyCertificate(JSON.parse(JSON.stringify(v.certificate)), gpu, other, {})._tag).toBe('Left')
  })

  it('a certificate without a VMM has no vmm option (older certificates verify unchanged)', () => {
    expect(Object.keys(proveEquivalence(gpu, gpu).certificate!.options)).toEqual(['instance', 'assumeImplemented'])
  })

  it('relaxes exactly [0xb7, 0xc8): every other read-only byte flipped is refused as before', () => {
    const changed: number[] = []
    for (let at = 0; at < 0x100; at++) {
      // The lowest bit the guest can neither write nor clear: flipping it changes a read-only value.
      const bit = [0, 1, 2, 3, 4, 5, 6, 7].find((b) => (gpu.semantic.packed[gpu.semantic.size + at]! & (1 << b)) === 0 && (gpu.semantic.packed[2 * gpu.semantic.size + at]! & (1 << b)) === 0)
      if (bit === undefined) continue
      const other = flipped(at, bit)
      const strict = proveEquivalence(gpu, other).compatible
      const relaxed = proveEquivalence(gpu, other, { vmm: 'qemu-9.1' }).compatible
      if (strict !== relaxed) changed.push(at)
    }
    expect(changed).toEqual(Array.from({ length: 0xc8 - 0xb7 }, (_, k) => 0xb7 + k))
  })
})

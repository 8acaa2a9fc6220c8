/**
 * The config space image: sizes, little-endian reads, immutability.
 */
import { describe, expect, it } from 'vitest'
import { configSpace, inImage, isAllOnes, readU8, readU16, readU32 } from '../../src/config-space/config-space.js'

describe('config space image', () => {
  const bytes = new Uint8Array(256)
  bytes.set([0x86, 0x80, 0x25, 0x0b, 0x46, 0x01, 0x10, 0x00], 0)
  bytes.set([0xff, 0xff, 0xff, 0xff], 0xfc)
  const space = configSpace(bytes)!

  it('reads little-endian: vendor 0x8086, device 0x0b25, dword 0x0b258086', () => {
    expect(readU8(space, 0)).toBe(0x86)
    expect(readU16(space, 0)).toBe(0x8086)
    expect(readU16(space, 2)).toBe(0x0b25)
    expect(readU32(space, 0)).toBe(0x0b258086)
  })

  it('reads a dword with the top bit set as unsigned', () => {
    expect(readU32(space, 0xfc)).toBe(0xffffffff)
  })

  it('holds a copy: changing the source array later does not change the image', () => {
    bytes[0] = 0
    expect(readU8(space, 0)).toBe(0x86)
  })

  it.each([0, 1, 63, 65, 128, 255, 257, 4095, 4097])('refuses %i bytes', (n) => {
    expect(configSpace(new Uint8Array(n))).toBeUndefined()
  })

  it('a read outside the image is a broken invariant, not a silent value', () => {
    expect(() => readU32(space, 0xfd)).toThrow(RangeError)
    expect(inImage(space, 0xfc, 4)).toBe(true)
    expect(inImage(space, 0xfd, 4)).toBe(false)
  })

  it('all-ones detection', () => {
    expect(isAllOnes(configSpace(new Uint8Array(64).fill(0xff))!)).toBe(true)
    expect(isAllOnes(space)).toBe(false)
  })
})

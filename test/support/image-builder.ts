/**
 * Builds config space images register by register for tests.
 */
import { type ConfigSpace, configSpace } from '../../src/config-space/config-space.js'

export interface ImageBuilder {
  readonly bytes: Uint8Array
  u8(offset: number, value: number): ImageBuilder
  u16(offset: number, value: number): ImageBuilder
  u32(offset: number, value: number): ImageBuilder
  /** Standard capability header. */
  cap(offset: number, id: number, next: number): ImageBuilder
  /** Extended capability header: ID 15:0, version 19:16, next 31:20. */
  ecap(offset: number, id: number, version: number, next: number): ImageBuilder
  build(): ConfigSpace
}

export const imageBuilder = (size: 64 | 256 | 4096, from?: Uint8Array): ImageBuilder => {
  const bytes = from ? from.slice() : new Uint8Array(size)
  const b: ImageBuilder = {
    bytes,
    u8: (o, v) => ((bytes[o] = v & 0xff), b),
    u16: (o, v) => b.u8(o, v).u8(o + 1, v >>> 8),
    u32: (o, v) => b.u16(o, v).u16(o + 2, v >>> 16),
    cap: (o, id, next) => b.u8(o, id).u8(o + 1, next),
    ecap: (o, id, version, next) => b.u32(o, ((next << 20) | (version << 16) | id) >>> 0),
    build: () => configSpace(bytes)!,
  }
  return b
}

/**
 * A type-0 endpoint with the capability list bit set and the pointer at 0x34 aimed at 0x40.
 * With `express`, 4096 bytes and a PCI Express v2 capability at 0x40 of the given port type and
 * link width, so the extended list is walked; the standard chain then continues at 0x80.
 */
export const endpoint = (express?: { readonly portType?: number; readonly lanes?: number; readonly version?: number }): ImageBuilder => {
  const b = imageBuilder(express ? 4096 : 256).u16(0x00, 0x1234).u16(0x02, 0x5a00).u16(0x06, 0x0010).u8(0x34, 0x40)
  if (express) {
    b.cap(0x40, 0x10, 0x00)
      .u16(0x42, ((express.portType ?? 0) << 4) | (express.version ?? 2))
      .u32(0x4c, (express.lanes ?? 1) << 4)
  }
  return b
}

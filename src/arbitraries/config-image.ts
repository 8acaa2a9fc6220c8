/**
 * Config space images of realistic endpoints: a valid type 0 header, a standard capability
 * chain and (for 4 KiB images) PCI Express and an extended chain, capabilities drawn from those
 * whose length the spec fixes or derives from their own registers, register contents random.
 * Lengths are written out here from the spec, independently of the registry, so a wrong length
 * rule in the registry shows up as a walk problem. Shrinking drops capabilities and gaps.
 */
import fc from 'fast-check'

/** What `configImage` generates. Defaults: any size, up to 4 standard and 8 extended capabilities. */
export interface ConfigImageConstraints {
  /** 256 (conventional), 4096 (PCI Express with extended space) or 'any' (default). */
  readonly size?: 256 | 4096 | 'any'
  /** Most standard capabilities besides PCI Express (0–4, default 4). */
  readonly maxStandard?: number
  /** Most extended capabilities (0–8, default 8). */
  readonly maxExtended?: number
}

interface Writer {
  readonly bytes: Uint8Array
  u8(offset: number, value: number): Writer
  u16(offset: number, value: number): Writer
  u32(offset: number, value: number): Writer
  ecap(offset: number, id: number, version: number, next: number): Writer
}

const writer = (bytes: Uint8Array): Writer => {
  const w: Writer = {
    bytes,
    u8: (o, v) => ((bytes[o] = v & 0xff), w),
    u16: (o, v) => w.u8(o, v).u8(o + 1, v >>> 8),
    u32: (o, v) => w.u16(o, v).u16(o + 2, v >>> 16),
    ecap: (o, id, version, next) => w.u32(o, ((next << 20) | (version << 16) | id) >>> 0),
  }
  return w
}

interface Placed {
  readonly id: number
  /** Fixes the length-determining bits of the body at `at` and returns the length. */
  readonly shape: (b: Writer, at: number, choice: number) => number
}

const fixedLength = (id: number, length: number, fix?: (b: Writer, at: number) => void): Placed => ({
  id,
  shape: (b, at) => {
    fix?.(b, at)
    return length
  },
})

const STANDARD: readonly Placed[] = [
  fixedLength(0x01, 8), // Power Management
  fixedLength(0x11, 12), // MSI-X
  {
    id: 0x05, // MSI: 10, +4 for 64-bit (control bit 7), +10 for per-vector masking (bit 8)
    shape: (b, at, choice) => {
      const control = (b.bytes[at + 2]! | (b.bytes[at + 3]! << 8)) & ~0x180
      const flags = (choice & 1 ? 0x80 : 0) | (choice & 2 ? 0x100 : 0)
      b.u16(at + 2, control | flags)
      return 10 + (flags & 0x80 ? 4 : 0) + (flags & 0x100 ? 10 : 0)
    },
  },
  {
    id: 0x09, // vendor specific: the length byte at +2
    shape: (b, at, choice) => {
      const length = 4 + 4 * (choice % 4)
      b.u8(at + 2, length)
      return length
    },
  },
]

const EXTENDED: readonly Placed[] = [
  fixedLength(0x0001, 0x2c, (b, at) => b.u32(at + 0x18, (b.bytes[at + 0x18]! | (b.bytes[at + 0x19]! << 8)) & ~0x800)), // AER, no TLP prefix log
  fixedLength(0x0003, 12), // DSN
  fixedLength(0x000d, 8, (b, at) => b.u8(at + 4, b.bytes[at + 4]! & ~0x20)), // ACS without egress control
  fixedLength(0x000e, 8), // ARI
  fixedLength(0x000f, 8), // ATS
  fixedLength(0x0010, 0x40), // SR-IOV
  fixedLength(0x0013, 16), // PRI
  fixedLength(0x0017, 12, (b, at) => b.u8(at + 5, b.bytes[at + 5]! & ~0x06)), // TPH, ST table not in the capability
  fixedLength(0x0018, 8), // LTR
  fixedLength(0x001b, 8), // PASID
  fixedLength(0x001e, 16), // L1 PM Substates
  fixedLength(0x001f, 12), // PTM
  {
    id: 0x0023, // DVSEC: length in bits 31:20 of +4
    shape: (b, at, choice) => {
      const length = 0x0c + 4 * (choice % 8)
      b.u16(at + 6, (b.bytes[at + 6]! & 0x0f) | (length << 4))
      return length
    },
  },
]

/** A generated image and the capabilities placed in it (offset, ID, length), in chain order. */
export interface GeneratedFunction {
  readonly bytes: Uint8Array
  readonly capabilities: ReadonlyArray<{ readonly offset: number; readonly id: number; readonly length: number }>
}

const pick = (list: readonly Placed[], max: number) =>
  fc.uniqueArray(fc.nat({ max: list.length - 1 }), { maxLength: max }).map((ix) => ix.map((i) => list[i]!))

/** Register contents: bytes from a small seeded generator (xorshift32); shrinking them buys nothing. */
export const noise = (seed: number, size: number): Uint8Array => {
  const bytes = new Uint8Array(size)
  let x = seed | 1
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    bytes[i] = x & 0xff
  }
  return bytes
}

/** A valid endpoint (256 or 4096 bytes) with random capabilities and register contents. */
export const configImage = (constraints: ConfigImageConstraints = {}): fc.Arbitrary<GeneratedFunction> => {
  const size = constraints.size ?? 'any'
  return fc
    .record({
      extended: size === 'any' ? fc.boolean() : fc.constant(size === 4096),
      standard: pick(STANDARD, Math.min(4, constraints.maxStandard ?? 4)),
      ext: pick(EXTENDED, Math.min(8, constraints.maxExtended ?? 8)),
      gaps: fc.array(fc.nat({ max: 3 }), { minLength: 16, maxLength: 16 }),
      choices: fc.array(fc.nat({ max: 255 }), { minLength: 16, maxLength: 16 }),
      seed: fc.integer(),
    })
    .map(({ extended, standard, ext, gaps, choices, seed }) => {
      const size = extended ? 4096 : 256
      const b = writer(noise(seed, size))
      b.u16(0x06, (b.bytes[0x06]! | 0x10) & 0xff | (b.bytes[0x07]! << 8)).u8(0x0e, 0x00).u8(0x34, 0)
      // BAR 5 cannot start a 64-bit BAR: it has no register after it for the upper half.
      if ((b.bytes[0x24]! & 0x1) === 0) b.u8(0x24, b.bytes[0x24]! & ~0x04)
      // Vendor ID 0xFFFF is no vendor: what an absent function (or a VF) reads.
      if (b.bytes[0]! === 0xff && b.bytes[1]! === 0xff) b.u8(0x00, 0xfe)
      const capabilities: Array<{ offset: number; id: number; length: number }> = []
      const chain = extended ? [fixedLength(0x10, 0x3c, (img, at) => img.u16(at + 2, 0x0002)), ...standard] : standard
      let at = 0x40
      let previous = 0x34
      chain.forEach((cap, i) => {
        at += 4 * gaps[i]!
        if (at + 24 > 0x100) return
        const length = cap.shape(b, at, choices[i]!)
        if (at + length > 0x100) return
        b.u8(previous, at).u8(at, cap.id).u8(at + 1, 0)
        capabilities.push({ offset: at, id: cap.id, length })
        previous = at + 1
        at = (at + length + 3) & ~3
      })
      if (extended) {
        at = 0x100
        let header = -1
        b.u32(0x100, 0)
        ext.forEach((cap, i) => {
          if (header >= 0) at += 4 * gaps[8 + i]!
          const length = cap.shape(b, at, choices[8 + i]!)
          if (header >= 0) b.u16(header + 2, (b.bytes[header + 2]! & 0x0f) | (at << 4))
          b.ecap(at, cap.id, 1, 0)
          capabilities.push({ offset: at, id: cap.id, length })
          header = at
          at = (at + length + 3) & ~3
        })
      }
      return { bytes: b.bytes, capabilities }
    })
}

/**
 * Layouts with hostile raw byte runs, for property tests and the fuzzer: a derived layout with
 * runs added anywhere (the header, extended space, a capability's body, over its header, past
 * its end), some of them planting what a capability list is made of (a header with a registry
 * ID, a next pointer aimed at a planted header). Values are not valid layouts: each must be
 * refused, or build into a function whose walk lists exactly the layout's capabilities.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { walkCapabilities } from '../capability/walk.js'
import { build } from '../layout/build.js'
import { ownedBits } from '../layout/owned-bits.js'
import type { FunctionLayout, LayoutCapability, RawBytes } from '../layout/function-layout.js'
import type { ConfigImageConstraints } from './config-image.js'
import { functionLayout } from './index.js'

/** One run to add: where it goes, and its bytes. */
export type Edit =
  | { readonly kind: 'header'; readonly at: number; readonly bytes: readonly number[] }
  | { readonly kind: 'unclaimed'; readonly at: number; readonly bytes: readonly number[] }
  | { readonly kind: 'capability'; readonly pick: number; readonly at: number; readonly bytes: readonly number[] }
  | { readonly kind: 'plant'; readonly pick: number; readonly where: number; readonly id: number }

/** IDs worth planting: ones a judgement would care about (PASID, PRI, ATS, MSI, MSI-X, vendor-specific). */
const PLANTED_EXTENDED = [0x1b, 0x13, 0x0f, 0x0b, 0x01]
const PLANTED_STANDARD = [0x05, 0x11, 0x09, 0x01]

const bytes = fc.array(fc.nat({ max: 0xff }), { minLength: 1, maxLength: 8 })

/** One hostile run: in the header, in extended space, in a capability (over its header or past its end too), or a planted capability. */
export const rawRunEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('header' as const), at: fc.nat({ max: 0x3f }), bytes }),
  fc.record({ kind: fc.constant('unclaimed' as const), at: fc.integer({ min: 0x40, max: 0xfff }), bytes }),
  fc.record({ kind: fc.constant('capability' as const), pick: fc.nat(), at: fc.nat({ max: 0x48 }), bytes }),
  fc.record({ kind: fc.constant('plant' as const), pick: fc.nat(), where: fc.nat(), id: fc.nat({ max: 4 }) }),
)

const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]
const addRun = (runs: RawBytes, at: number, b: readonly number[]): RawBytes => [...runs, { at, bytes: [...b] }]

/**
 * Plants a capability header in free space of the capability's list and aims the capability's
 * next pointer at it through its raw bytes: the way a hostile source host would show a guest a
 * capability the layout does not list.
 */
const plant = (l: FunctionLayout, pick: number, where: number, id: number): FunctionLayout => {
  if (l.capabilities.length === 0) return l
  const target = l.capabilities[pick % l.capabilities.length]!
  const extended = target.space === 'extended'
  const [low, high] = extended ? [0x100, l.size - 8] : [0x40, 0xf8]
  if (high < low) return l
  const at = low + 4 * (where % ((high - low) / 4 + 1))
  const header = extended ? le32(((1 << 16) | PLANTED_EXTENDED[id % PLANTED_EXTENDED.length]!) >>> 0) : [PLANTED_STANDARD[id % PLANTED_STANDARD.length]!, 0]
  // An extended header's bytes 2–3: version (bits 19:16), then the next pointer (bits 31:20).
  const pointer = extended ? [((target.version ?? 0) & 0xf) | ((at & 0xf) << 4), (at >>> 4) & 0xff] : [at]
  const capabilities = l.capabilities.map((c): LayoutCapability => (c === target ? { ...c, bytes: addRun(c.bytes, extended ? 2 : 1, pointer) } : c))
  return { ...l, capabilities, unclaimed: addRun(l.unclaimed, at, header) }
}

/** `l` with the run `e` added. */
export const applyRawRunEdit = (l: FunctionLayout, e: Edit): FunctionLayout => {
  switch (e.kind) {
    case 'header':
      return { ...l, header: { ...l.header, bytes: addRun(l.header.bytes, e.at, e.bytes) } }
    case 'unclaimed':
      return { ...l, unclaimed: addRun(l.unclaimed, e.at % l.size, e.bytes) }
    case 'capability': {
      if (l.capabilities.length === 0) return l
      const target = l.capabilities[e.pick % l.capabilities.length]!
      return { ...l, capabilities: l.capabilities.map((c) => (c === target ? { ...c, bytes: addRun(c.bytes, e.at % (c.length + 8), e.bytes) } : c)) }
    }
    case 'plant':
      return plant(l, e.pick, e.where, e.id)
  }
}

/**
 * Runs that fill only free bits (bits no structure or field owns, in bytes no run holds yet):
 * what a vendor's registers look like, each in the list its offset belongs to.
 */
const freeRuns = (l: FunctionLayout, picks: readonly number[], values: readonly number[]): FunctionLayout => {
  const built = build(l)
  if (E.isLeft(built)) return l
  const config = built.right.config
  const owned = ownedBits(config, walkCapabilities(config)).bits
  const free: number[] = []
  for (let at = 0; at < config.size; at++) if (owned[at] !== 0xff && (config.bytes[at]! & ~owned[at]!) === 0) free.push(at)
  if (free.length === 0) return l
  return [...new Set(picks.map((p) => free[p % free.length]!))].reduce((acc, at, k): FunctionLayout => {
    const freeBits = ~owned[at]! & 0xff
    // The value's free bits, or at least the lowest free bit.
    const value = values[k % values.length]! & freeBits || freeBits & -freeBits
    const c = acc.capabilities.find((x) => at >= x.offset && at < x.offset + x.length)
    if (at < 0x40) return { ...acc, header: { ...acc.header, bytes: addRun(acc.header.bytes, at, [value]) } }
    if (c === undefined) return { ...acc, unclaimed: addRun(acc.unclaimed, at, [value]) }
    return { ...acc, capabilities: acc.capabilities.map((x) => (x === c ? { ...x, bytes: addRun(x.bytes, at - x.offset, [value]) } : x)) }
  }, l)
}

/**
 * A derived layout with raw runs added (defaults as `configImage`, 4 KiB images): 1–4 hostile
 * runs, or 1–4 runs in free bits only (so some values build and the walk can be compared).
 */
export const layoutWithRawRuns = (constraints: ConfigImageConstraints = {}): fc.Arbitrary<FunctionLayout> =>
  fc.oneof(
    fc.tuple(functionLayout({ size: 4096, ...constraints }), fc.array(rawRunEdit, { minLength: 1, maxLength: 4 })).map(([l, edits]) => edits.reduce(applyRawRunEdit, l)),
    fc
      .tuple(functionLayout({ size: 4096, ...constraints }), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.array(fc.integer({ min: 1, max: 0xff }), { minLength: 1, maxLength: 4 }))
      .map(([l, picks, values]) => freeRuns(l, picks, values)),
  )

/**
 * A function prepared once for any number of judgements: its walk, semantic image, BAR layout
 * and digest. Judging a pair of prepared functions only compares them.
 */
import { Buffer } from 'node:buffer'
import * as crypto from 'node:crypto'
import { createHash } from 'node:crypto'
import { type Walk, walkCapabilities } from '../capability/walk.js'
import type { ConfigSpace } from '../config-space/config-space.js'
import type { DeclaredBars, FunctionDump } from '../dump/function-dump.js'
import type { Resource } from '../dump/sysfs-resource.js'
import { layoutSkeleton, type OptionalByte } from './layout-skeleton.js'
import type { Obligation } from './obligation-plan.js'
import { type FieldInstance, type SemanticImage, semanticImageOf } from './semantic-image.js'

/** The last resource line that describes the function itself: BARs 0–5, ROM 6, VF BARs 7–12. */
const LAST_LAYOUT_RESOURCE = 12

export interface BarLayout {
  /** False when no sizes are known (a dump without a sysfs `resource` file). */
  readonly known: boolean
  /** BARs, ROM and VF BARs (sysfs resource lines 0–12). */
  readonly resources: readonly Resource[]
  /** A canonical text of the above, for digests and quick equality. */
  readonly canonical: string
}

export interface PreparedFunction {
  readonly _tag: 'PreparedFunction'
  /** How messages name the function: its device address, else its file. */
  readonly name: string
  readonly config: ConfigSpace
  readonly walk: Walk
  readonly semantic: SemanticImage
  readonly bars: BarLayout
  /** For a function built from a layout: the BARs it declares (see FunctionDump). */
  readonly declaredBars: DeclaredBars | null
  /** SHA-256 (hex) of the semantic image and BAR layout: equal digests, equal layouts. */
  readonly digest: string
  /** Names the layout skeleton (chain, field tables): equal keys, equal structure and masks. */
  readonly skeletonKey: string
  /** For each byte, the index (in `walk.capabilities`) of the capability holding it, or -1. */
  readonly owner: Int16Array
  /** The obligations the layout implies, all `held`; judgements fill in the others. */
  readonly obligations: readonly Obligation[]
  /** Bytes with optional writable bits (writable only where implemented), in offset order. */
  readonly optional: readonly OptionalByte[]
}

/** The BAR layout of a function whose sizes no file gave (most dumps): one value for all. */
const UNKNOWN_BARS: BarLayout = Object.freeze({ known: false, resources: Object.freeze([]), canonical: 'bars:unknown' })

const barLayout = (resources: readonly Resource[] | null): BarLayout => {
  if (resources === null) return UNKNOWN_BARS
  const own = resources.filter((r) => r.index <= LAST_LAYOUT_RESOURCE)
  const canonical = `bars:${own.map((r) => `${r.index}=${r.kind}/${r.size}/${r.prefetchable ? 'p' : '-'}${r.is64Bit ? '64' : '32'}`).join(',')}`
  return { known: true, resources: own, canonical }
}

/**
 * The canonical digest of a semantic image and BAR layout: SHA-256 over a header line, the
 * read-only values, then (offset as 16-bit little-endian, write mask, write-1-to-clear mask)
 * for each byte with a non-zero mask. Masks are sparse, so this hashes about a third of the
 * packed image and still determines it.
 */
export const semanticDigest = (semantic: SemanticImage, bars: BarLayout, maskEncoding: Uint8Array): string => {
  const header = `vpci-semantic/1 ${semantic.size} ${bars.canonical}\n`
  if (oneShot === undefined) return createHash('sha256').update(header).update(semantic.packed.subarray(0, semantic.size)).update(maskEncoding).digest('hex')
  // The same bytes in one buffer, hashed in one call (a hash object per function costs as much as the hashing).
  const n = Buffer.byteLength(header, 'utf8') + semantic.size + maskEncoding.length
  if (digestScratch.length < n) digestScratch = Buffer.allocUnsafe(Math.max(2 * n, 16384))
  let at = digestScratch.write(header, 0, 'utf8')
  digestScratch.set(semantic.packed.subarray(0, semantic.size), at)
  at += semantic.size
  digestScratch.set(maskEncoding, at)
  return oneShot('sha256', digestScratch.subarray(0, at + maskEncoding.length), 'hex')
}

/** `crypto.hash` where the runtime has it (Node 20.12 and later), else undefined. */
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'hex') => string }).hash
let digestScratch = Buffer.allocUnsafe(16384)

const fieldsByRegisterCache = new WeakMap<PreparedFunction, ReadonlyMap<number, readonly FieldInstance[]>>()

/** The function's field instances by absolute register offset, to attribute a differing byte. */
export const fieldsByRegister = (f: PreparedFunction): ReadonlyMap<number, readonly FieldInstance[]> => {
  let map = fieldsByRegisterCache.get(f)
  if (map === undefined) {
    const built = new Map<number, FieldInstance[]>()
    for (const field of f.semantic.fields) {
      const list = built.get(field.offset)
      if (list === undefined) built.set(field.offset, [field])
      else list.push(field)
    }
    map = built
    fieldsByRegisterCache.set(f, map)
  }
  return map
}

/** Walks and prepares a function read from a dump. */
export const prepareFunction = (dump: FunctionDump): PreparedFunction => {
  const walk = walkCapabilities(dump.config)
  const skeleton = layoutSkeleton(dump.config, walk)
  const semantic = semanticImageOf(dump.config, skeleton)
  const bars = barLayout(dump.resources?.entries ?? null)
  return {
    _tag: 'PreparedFunction',
    name: dump.device ?? dump.file,
    config: dump.config,
    walk,
    semantic,
    bars,
    declaredBars: dump.declaredBars ?? null,
    digest: semanticDigest(semantic, bars, skeleton.maskEncoding),
    skeletonKey: skeleton.key,
    owner: skeleton.owner,
    obligations: skeleton.obligations,
    optional: skeleton.optional,
  }
}

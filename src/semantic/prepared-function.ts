/**
 * A function prepared once for any number of judgements: its walk, semantic image, BAR layout
 * and digest. Judging a pair of prepared functions only compares them.
 */
import { createHash } from 'node:crypto'
import { type Walk, walkCapabilities } from '../capability/walk.js'
import type { ConfigSpace } from '../config-space/config-space.js'
import type { FunctionDump } from '../dump/function-dump.js'
import type { Resource } from '../dump/sysfs-resource.js'
import { type FieldInstance, type SemanticImage, semanticImage } from './semantic-image.js'

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
  /** SHA-256 (hex) of the semantic image and BAR layout: equal digests, equal layouts. */
  readonly digest: string
  /** Field instances by absolute register offset, to attribute a differing byte. */
  readonly fieldsByRegister: ReadonlyMap<number, readonly FieldInstance[]>
}

const barLayout = (resources: readonly Resource[] | null): BarLayout => {
  if (resources === null) return { known: false, resources: [], canonical: 'bars:unknown' }
  const own = resources.filter((r) => r.index <= LAST_LAYOUT_RESOURCE)
  const canonical = `bars:${own.map((r) => `${r.index}=${r.kind}/${r.size}/${r.prefetchable ? 'p' : '-'}${r.is64Bit ? '64' : '32'}`).join(',')}`
  return { known: true, resources: own, canonical }
}

/** The canonical digest of a semantic image and BAR layout. */
export const semanticDigest = (semantic: SemanticImage, bars: BarLayout): string =>
  createHash('sha256').update(`vpci-semantic/1 ${semantic.size} ${bars.canonical}\n`).update(semantic.packed).digest('hex')

const byRegister = (fields: readonly FieldInstance[]): Map<number, FieldInstance[]> => {
  const map = new Map<number, FieldInstance[]>()
  for (const f of fields) {
    const list = map.get(f.offset)
    if (list === undefined) map.set(f.offset, [f])
    else list.push(f)
  }
  return map
}

/** Walks and prepares a function read from a dump. */
export const prepareFunction = (dump: FunctionDump): PreparedFunction => {
  const walk = walkCapabilities(dump.config)
  const semantic = semanticImage(dump.config, walk)
  const bars = barLayout(dump.resources?.entries ?? null)
  return {
    _tag: 'PreparedFunction',
    name: dump.device ?? dump.file,
    config: dump.config,
    walk,
    semantic,
    bars,
    digest: semanticDigest(semantic, bars),
    fieldsByRegister: byRegister(semantic.fields),
  }
}

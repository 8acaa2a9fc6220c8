/**
 * A host function whose config space the host carries (an image with its resources, or a
 * layout), prepared for judgement with no file to read; and a key equal for equal contents, so
 * hosts that embed the same device model share one prepared function, as hosts naming the same
 * dump file do.
 */
import { createHash } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import { build } from '../layout/build.js'
import type { LayoutError } from '../layout/layout-error.js'
import { layoutToFile } from '../layout/layout-yaml.js'
import { type PreparedFunction, prepareFunction } from '../semantic/prepared-function.js'
import type { HostFunctionSource } from './host-spec.js'

export type EmbeddedSource = Extract<HostFunctionSource, { kind: 'image' | 'inline-layout' }>

/** True for a source the host carries (no file to load). */
export const isEmbedded = (source: HostFunctionSource): source is EmbeddedSource => source.kind === 'image' || source.kind === 'inline-layout'

/** Equal for sources that prepare to the same function. */
export const embeddedKey = (source: EmbeddedSource): string => {
  const hash = createHash('sha256')
  if (source.kind === 'image') {
    hash.update(`image ${source.config.size} ${JSON.stringify(source.name)}\n`).update(source.config.bytes as Uint8Array)
    hash.update(source.resources === null ? 'resources unknown' : source.resources.entries.map((r) => `${r.index} ${r.kind} ${r.size} ${r.prefetchable} ${r.is64Bit}`).join('\n'))
  } else hash.update(`layout\n${JSON.stringify(layoutToFile(source.layout))}`)
  return `${source.kind}:${hash.digest('hex')}`
}

const id16 = (b: ArrayLike<number>, at: number): string => ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8)).toString(16).padStart(4, '0')

/**
 * The function an embedded source describes, named as the image's name says (the device or file
 * it was read from, as a host file's function would be), else `embedded image VVVV:DDDD`; a
 * layout's function by the layout's name.
 */
export const prepareEmbedded = (source: EmbeddedSource): E.Either<readonly LayoutError[], PreparedFunction> => {
  if (source.kind === 'image') {
    const b = source.config.bytes
    return E.right(prepareFunction({ file: source.name ?? `embedded image ${id16(b, 0)}:${id16(b, 2)}`, device: null, description: null, config: source.config, resources: source.resources }))
  }
  const built = build(source.layout)
  return E.isLeft(built) ? built : E.right(prepareFunction(built.right))
}

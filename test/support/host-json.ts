/**
 * A host spec as canonical JSON, to compare hosts read from different forms: images as hex,
 * sizes as decimal strings, layouts in the layout file's shape, pools as their ranges.
 */
import { hexOf } from '../../src/decode/hex-bytes.js'
import type { HostSpec } from '../../src/host/host-spec.js'
import { layoutToFile } from '../../src/layout/layout-yaml.js'

export const hostJsonText = (h: HostSpec): string =>
  JSON.stringify(
    {
      ...h,
      functions: h.functions.map((f) => ({
        ...f,
        source: f.source.kind === 'image' ? { ...f.source, config: hexOf(f.source.config.bytes) } : f.source.kind === 'inline-layout' ? { kind: f.source.kind, layout: layoutToFile(f.source.layout) } : f.source,
      })),
    },
    (_, v) => (typeof v === 'bigint' ? v.toString() : v),
  )

/** As `hostJsonText`, parsed (for deep comparisons). */
export const hostJson = (h: HostSpec): unknown => JSON.parse(hostJsonText(h))

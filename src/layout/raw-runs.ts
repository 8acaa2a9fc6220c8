/**
 * Where a layout's raw byte runs may go. A capability's runs fill its body (after its header,
 * before its end), the header's runs the config header, the unclaimed runs what lies outside
 * the header, every capability and the extended list's first dword. In each byte a run may set
 * only bits no structure or field owns (`ownedBits`), and no byte belongs to two runs. So raw
 * bytes can never write a capability, a next pointer, or a value the judgements read by field:
 * what the guest sees of the layout's structure is exactly what it lists.
 */
import { lookupCapability, unknownCapabilityName } from '../capability/registry.js'
import type { Walk } from '../capability/walk.js'
import type { ConfigSpace } from '../config-space/config-space.js'
import type { FunctionLayout, RawBytes } from './function-layout.js'
import { type LayoutError, type LayoutPath, layoutError, MAX_LAYOUT_ERRORS, moreLayoutErrors, renderPath } from './layout-error.js'
import { capabilityHeaderLength, EXTENDED_HEAD, HEADER_END, ownedBits } from './owned-bits.js'

const hex = (n: number): string => `0x${n.toString(16)}`

interface RunList {
  readonly path: LayoutPath
  readonly base: number
  readonly runs: RawBytes
  /** Why absolute offset `at` is not this list's to fill, or null when it is. */
  readonly outside: (at: number) => string | null
}

/** Every raw run of `layout` that reaches outside its region, over owned bits, or over another run's byte. */
export const rawRunErrors = (layout: FunctionLayout, config: ConfigSpace, walk: Walk): LayoutError[] => {
  const size = config.size
  const owned = ownedBits(config, walk)
  const inCapability = (at: number): number => layout.capabilities.findIndex((c) => at >= c.offset && at < c.offset + c.length)
  const lists: RunList[] = [
    {
      path: ['header', 'bytes'],
      base: 0,
      runs: layout.header.bytes,
      outside: (at) => (at >= 0 && at < HEADER_END ? null : `${hex(at)} is outside the config header (0x0–0x3f)`),
    },
    ...layout.capabilities.map(
      (c, i): RunList => ({
        path: ['capabilities', i, 'bytes'],
        base: c.offset,
        runs: c.bytes,
        outside: (at) =>
          at < c.offset + capabilityHeaderLength(c)
            ? `+${hex(at - c.offset)} is the capability's header (ID, version, next pointer), which the layout's list writes`
            : at >= c.offset + c.length || at >= size
              ? `+${hex(at - c.offset)} is past the capability's end (${c.length} bytes)`
              : null,
      }),
    ),
    {
      path: ['unclaimed'],
      base: 0,
      runs: layout.unclaimed,
      outside: (at) => {
        if (at < HEADER_END) return `${hex(at)} is in the config header; give header bytes under header.bytes`
        if (at >= size) return `${hex(at)} is past the end of the ${size}-byte config space`
        if (at >= EXTENDED_HEAD[0] && at < EXTENDED_HEAD[1]) return `${hex(at)} is the first extended capability header, where the extended list starts`
        const i = inCapability(at)
        if (i < 0) return null
        const c = layout.capabilities[i]!
        const name = lookupCapability(c.space, c.id)?.name ?? unknownCapabilityName(c.space, c.id)
        return `${hex(at)} is inside capabilities[${i}] (${name} at ${hex(c.offset)}); give its bytes there`
      },
    },
  ]
  const errors: LayoutError[] = []
  let unlisted = 0
  /** Lists the first MAX_LAYOUT_ERRORS, counts the rest without making them (a run per byte of 4 MiB is 10^5 defects). */
  const report = (make: () => LayoutError): void => {
    if (errors.length < MAX_LAYOUT_ERRORS) errors.push(make())
    else unlisted++
  }
  const claimedBy = new Int32Array(size).fill(-1)
  const claimants: LayoutPath[] = []
  for (const list of lists) {
    list.runs.forEach((run, k) => {
      const path = [...list.path, k]
      const id = claimants.push(path) - 1
      for (let j = 0; j < run.bytes.length; j++) {
        const at = list.base + run.at + j
        const value = run.bytes[j]! & 0xff
        const outside = list.outside(at)
        if (outside !== null) {
          report(() => layoutError('RAW_OUT_OF_PLACE', [...path, 'at'], `byte ${j} of this run: ${outside}`))
          return
        }
        const other = claimedBy[at]!
        if (other >= 0) {
          report(() => layoutError('RAW_OVERLAP', [...path, 'at'], `${hex(at)} is also written by ${renderPath(claimants[other]!)}: a byte has one source`))
          return
        }
        const bits = owned.bits[at]!
        if (bits === 0xff || (value & bits) !== 0) {
          report(() =>
            layoutError('RAW_OVER_FIELD', [...path, 'hex'], `byte ${j} of this run (${hex(at)} = ${hex(value)}) writes ${owned.ownerOf(at, value & bits)}; raw bytes may fill only bits no header, pointer or field holds (set fields by name)`),
          )
          return
        }
        claimedBy[at] = id
      }
    })
  }
  if (unlisted > 0) errors.push(moreLayoutErrors(unlisted, 'raw-run errors'))
  return errors
}

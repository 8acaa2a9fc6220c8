/**
 * State translation: the values the guest wrote (the writable bits of the source's virtual
 * config image) moved through the offset map to where the destination's physical function
 * holds them, refused wherever a set bit is not writable there. Emulated capabilities and the
 * header are the VMM's own state and are not written to the device.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { ConfigSpace } from '../config-space/config-space.js'
import { hex, type Reason } from '../proof/reason.js'
import type { OptionalByte } from '../semantic/layout-skeleton.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'
import { type UnprovenStateOptions, unprovenState } from '../proof/unproven-state.js'
import { writeMask } from '../semantic/semantic-image.js'
import type { OffsetMapping } from './realize.js'

export interface StateWrite {
  /** Where on the destination's physical function. */
  readonly offset: number
  /** The value to write, and the bits of it that carry state. */
  readonly value: number
  readonly mask: number
  /** The virtual offset it came from. */
  readonly virtualOffset: number
}

export interface Translation {
  readonly writes: readonly StateWrite[]
  /** Optional bits assumed writable on the destination (`assumeImplemented`): STATE_UNPROVEN warnings. */
  readonly warnings: readonly Reason[]
}

/**
 * The writes that put `image`'s state (a config image laid out as `virtual`, the layout's
 * prepared function) onto `destination` through `map`, or every reason it cannot: a
 * STATE_NOT_WRITABLE reason for every byte whose set state bits the destination cannot hold,
 * and a STATE_UNPROVEN one for every register whose set optional bits (writable only where
 * implemented) the destination reads as 0 — unless `assumeImplemented`, which makes those
 * warnings.
 */
export const translate = (
  image: ConfigSpace,
  virtual: PreparedFunction,
  map: readonly OffsetMapping[],
  destination: PreparedFunction,
  options: UnprovenStateOptions = {},
): E.Either<readonly Reason[], Translation> => {
  const vmask = writeMask(virtual.semantic)
  const pmask = writeMask(destination.semantic)
  const writes: StateWrite[] = []
  const refused: Reason[] = []
  for (const m of map) {
    if (m.backing === 'emulated' || m.physicalOffset === null) continue
    for (let k = 0; k < m.length; k++) {
      const v = m.virtualOffset + k
      const p = m.physicalOffset + k
      const state = (image.bytes[v] ?? 0) & (vmask[v] ?? 0)
      if ((vmask[v] ?? 0) === 0) continue
      const writable = pmask[p] ?? 0
      if (state & ~writable) {
        refused.push({
          code: 'STATE_NOT_WRITABLE',
          severity: 'error',
          capability: m.capability,
          field: null,
          offset: v,
          length: 1,
          source: state,
          destination: writable,
          message: `${m.capability}: the source's state at ${hex(v)} (${hex(state)}) has bits the destination cannot hold at ${hex(p)} (writable bits ${hex(writable)})`,
        })
        continue
      }
      writes.push({ offset: p, value: state, mask: vmask[v]! & writable, virtualOffset: v })
    }
  }
  const physicalAt = (o: OptionalByte): number | null => {
    for (const m of map) {
      if (m.backing === 'passthrough' && m.physicalOffset !== null && o.at >= m.virtualOffset && o.at < m.virtualOffset + m.length) return m.physicalOffset + (o.at - m.virtualOffset)
    }
    return null
  }
  const unproven = unprovenState(image, virtual.optional, destination, physicalAt, options)
  refused.push(...unproven.filter((r) => r.severity === 'error'))
  return refused.length > 0 ? E.left(refused) : E.right({ writes, warnings: unproven })
}

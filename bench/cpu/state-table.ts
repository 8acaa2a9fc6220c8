/**
 * Migration state decoding (issue 15, item 4), CPU time: a state of 8 functions (two instance
 * types) and 4,096 PASID bindings, against protobufjs's plain decode of the same bytes (its
 * reflection decoder). Warm: layouts checked before are known (a host decodes many VMs of few
 * instance types; target at most 1.3×). Cold: the layout caches emptied first, both instance
 * types checked and built (target at most 2×).
 */
import * as E from 'fp-ts/lib/Either.js'
import { clearLayoutCache, decodeMigrationState } from '../../src/state/state-codec.js'
import { interleave, table } from './interleave.js'
import { plainDecoder, stateBytes } from './scenarios.js'

const ok = (bytes: Uint8Array): number => {
  const r = decodeMigrationState(bytes)
  if (E.isLeft(r)) throw new Error('bench state must decode')
  return r.right.functions.length
}

export const stateTable = (): void => {
  const bytes = stateBytes(8, 4096)
  const plain = plainDecoder()
  table(
    `decode a state of 8 functions and 4,096 PASID bindings (${bytes.length.toLocaleString('en')} bytes)`,
    interleave(
      [
        { name: 'baseline: protobufjs plain decode (reflection)', run: () => plain(bytes), times: 40 },
        { name: 'decodeMigrationState, warm', run: () => ok(bytes), times: 40 },
        {
          name: 'decodeMigrationState, cold (layout caches emptied first)',
          run: () => {
            clearLayoutCache()
            return ok(bytes)
          },
          times: 40,
        },
      ],
      21,
    ),
  )
}

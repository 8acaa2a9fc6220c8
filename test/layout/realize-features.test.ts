/**
 * `features` fields compare as unsigned bit sets (DESIGN.md §3: destination bits ⊇ source bits),
 * including 32-bit registers whose bit 31 is set. SR-IOV's Supported Page Sizes (+0x1c) is one:
 * bit n means a page size of 2^(n+12) bytes, and a function may support all of them.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { derive } from '../../src/layout/derive.js'
import { realize } from '../../src/layout/realize.js'
import { preparedImage, preparedReal } from '../support/prepared.js'
import { sharedCorpusPresent } from '../support/shared-corpus.js'

describe('features fields are unsigned', () => {
  it.skipIf(!sharedCorpusPresent)('a PF supporting the 8 TiB page size (Supported Page Sizes bit 31) backs its own layout, and not one asking for a size it lacks', () => {
    const pf = preparedReal('qemu-nvme-sriov-pf-vfs-off')
    const sriov = pf.walk.capabilities.find((c) => c.space === 'extended' && c.id === 0x10)!
    const bytes = Uint8Array.from(pf.config.bytes)
    bytes[sriov.offset + 0x1f]! |= 0x80
    const all = preparedImage(bytes, 'pf with bit 31')
    const layout = derive(all)
    if (E.isLeft(layout)) throw new Error(JSON.stringify(layout.left))
    const own = realize(layout.right, all)
    if (E.isLeft(own)) throw new Error(JSON.stringify(own.left))
    expect(own.right.reasons.filter((r) => r.severity === 'error')).toEqual([])
    // The unmodified PF lacks bit 31: the layout asks for a page size it does not support.
    const lacking = realize(layout.right, preparedImage(Uint8Array.from(pf.config.bytes), 'pf'))
    if (E.isLeft(lacking)) throw new Error(JSON.stringify(lacking.left))
    expect(lacking.right.reasons.filter((r) => r.severity === 'error').map((r) => [r.code, r.field])).toEqual([['FIELD_FEATURES', 'supportedPageSizes']])
  })
})

/**
 * State translation through an offset map: the guest's writable state lands at the physical
 * offsets, and state the destination cannot hold is refused.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { build } from '../../src/layout/build.js'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { type OffsetMapping, realize } from '../../src/layout/realize.js'
import { translate } from '../../src/layout/translate.js'
import { prepareFunction } from '../../src/semantic/prepared-function.js'
import { readCorpusText } from '../support/repo-corpus.js'
import { preparedCorpus } from '../support/prepared.js'

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left))
  return e.right
}
const layout = right(decodeLayout(readCorpusText('layouts/accelerator-v1.yaml'), 'a.yaml'))
const virtual = prepareFunction(right(build(layout)))
const hostA = preparedCorpus('families/accelerator/v1-host-a.lspci')
// The guest's view on the source: the V1 device on host B, whose guest enabled MSI-X with
// Function Mask (0x83 = 0xc0) and PASID execute + privileged (0x156 = 0x07).
const source = preparedCorpus('families/accelerator/v1-host-b.lspci').config

describe('translate', () => {
  it('moves the guest\'s writable state to the destination\'s offsets (identity map here)', () => {
    const map = right(realize(layout, hostA)).offsetMap!
    const { writes } = right(translate(source, virtual, map, hostA))
    expect(writes.find((w) => w.offset === 0x83)).toEqual({ offset: 0x83, value: 0xc0, mask: 0xc0, virtualOffset: 0x83 })
    // PASID is emulated at 0xff8 in the layout: its control is the VMM's state, not written.
    expect(writes.some((w) => w.virtualOffset >= 0xff8)).toBe(false)
    // Read-only bits never travel: MSI-X Table Size (0x82) has no write.
    expect(writes.some((w) => w.offset === 0x82 && w.mask !== 0)).toBe(false)
  })

  it('follows a moved capability to its physical offset', () => {
    // A physical function like the layout but with MSI-X at 0xa0 (a V2 firmware that moved it).
    const movedLayout = { ...layout, capabilities: layout.capabilities.map((c) => (c.offset === 0x80 ? { ...c, offset: 0xa0 } : c)) }
    const moved = prepareFunction(right(build(movedLayout)))
    const map = right(realize(layout, moved)).offsetMap!
    expect(map.find((m) => m.virtualOffset === 0x80)?.physicalOffset).toBe(0xa0)
    const { writes } = right(translate(source, virtual, map, moved))
    expect(writes.find((w) => w.virtualOffset === 0x83)).toEqual({ offset: 0xa3, value: 0xc0, mask: 0xc0, virtualOffset: 0x83 })
  })

  it('refuses state the destination cannot hold there, naming the byte', () => {
    // Map the ATS control (virtual 0x14c–0x14f, Enable at bit 15) onto the read-only PRI capacity.
    const wrong: OffsetMapping[] = [{ space: 'extended', capability: 'Address Translation Service', virtualOffset: 0x148, physicalOffset: 0x158, length: 8, backing: 'passthrough' }]
    const result = translate(source, virtual, wrong, hostA)
    expect(E.isLeft(result) && result.left.map((r) => [r.code, r.offset])).toEqual([['STATE_NOT_WRITABLE', 0x14f]])
  })
})

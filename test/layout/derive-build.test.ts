/**
 * derive and build on the real dumps: a derived layout builds into a function that re-derives
 * to the same layout, keeps every exposed capability at its offset with its bytes, and hides
 * exactly what the policy hides.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { build } from '../../src/layout/build.js'
import { derive } from '../../src/layout/derive.js'
import type { FunctionLayout } from '../../src/layout/function-layout.js'
import { prepareFunction } from '../../src/semantic/prepared-function.js'
import { readOnlyBytes } from '../../src/semantic/semantic-image.js'
import { preparedReal } from '../support/prepared.js'
import { pfOption } from '../support/real-vf.js'
import { realDumpNames, sharedCorpusPresent } from '../support/shared-corpus.js'

/** What a re-derivation cannot know: the backing of each capability and what was hidden. */
const comparable = (l: FunctionLayout) => ({ ...l, hidden: [], capabilities: l.capabilities.map((c) => ({ ...c, backing: 'passthrough' })) })

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left))
  return e.right
}

/** Dumps with nothing to derive (SOURCES.md): all 0xff, and a header type of 0x7f. */
const UNREADABLE = new Set(['genesys-gl9755-all-ones', 'nvidia-gf108-hda-powered-off'])

describe.skipIf(!sharedCorpusPresent)('derive → build → derive on every real dump', () => {
  const names = realDumpNames().filter((n) => !UNREADABLE.has(n))

  it.each(names)('%s', (name) => {
    const physical = preparedReal(name)
    for (const policy of ['kernel', 'qemu', 'none'] as const) {
      const layout = right(derive(physical, { policy, ...pfOption(name) }))
      const rebuilt = prepareFunction(right(build(layout)))
      const again = right(derive(rebuilt, { policy: 'none', pasid: 'none', name: layout.name }))
      expect(comparable(again)).toEqual(comparable(layout))
    }
  })

  it.each(names)('%s: build(derive(P)) keeps every exposed capability at its offset with its read-only bytes', (name) => {
    const physical = preparedReal(name)
    const layout = right(derive(physical, { policy: 'kernel', pasid: 'none', ...pfOption(name) }))
    const built = prepareFunction(right(build(layout)))
    // Writable and write-1-to-clear bits are state, reset in a derived layout; the rest is the device's.
    const [b, p] = [readOnlyBytes(built.semantic), readOnlyBytes(physical.semantic)]
    for (const c of layout.capabilities) {
      const body = c.offset + (c.space === 'standard' ? 2 : 4)
      expect(Array.from(b.subarray(body, c.offset + c.length))).toEqual(Array.from(p.subarray(body, c.offset + c.length)))
      expect(built.config.bytes[c.offset]).toBe(physical.config.bytes[c.offset]) // the ID; next pointers follow the exposed chain
    }
  })

  it('the dumps with nothing to derive are refused, saying why', () => {
    for (const name of UNREADABLE) {
      const result = derive(preparedReal(name))
      expect(E.isLeft(result) && result.left.map((e) => e.code)).toEqual(['NOT_A_FUNCTION'])
    }
  })
})

describe.skipIf(!sharedCorpusPresent)('hiding policies hide exactly their capabilities', () => {
  // shared/REFERENCE.md: vfio-pci hides PASID, Secondary PCIe, PMUX, DPC, L1SS, PTM, DLF, PL 16/32
  // GT/s, NPEM, DOE and IDs it does not know; QEMU also drops SR-IOV and ARI.
  const KERNEL = new Set([0x1b, 0x19, 0x1a, 0x1d, 0x1e, 0x1f, 0x25, 0x26, 0x2a, 0x29, 0x2e])
  const QEMU = new Set([...KERNEL, 0x10, 0x0e, 0x00])

  it.each([
    ['intel-adl-peg-rootport-460d', 'kernel'],
    ['intel-cxl-0d93-dvsec', 'kernel'],
    ['intel-cxl-0d93-dvsec', 'qemu'],
    ['samsung-pm174x-nvme', 'qemu'],
    ['intel-dsa-spr-0b25', 'none'],
  ] as const)('%s under %s', (name, policy) => {
    const physical = preparedReal(name)
    const layout = right(derive(physical, { policy, pasid: 'none' }))
    const expected = physical.walk.capabilities.filter(
      (c) => c.space === 'extended' && (policy === 'none' ? false : (policy === 'qemu' ? QEMU : KERNEL).has(c.id) || c.id > 0x31),
    )
    expect(layout.hidden.map((h) => h.offset)).toEqual(expected.map((c) => c.offset))
    expect(layout.capabilities.length + layout.hidden.length).toBe(physical.walk.capabilities.length)
  })
})

/**
 * Realizability, the V1/V2 judgement: the accelerator family against instance type A, and
 * properties over the real dumps (derive, then move, remove, lower or clear on the physical side).
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { lookupCapability } from '../../src/capability/registry.js'
import { build } from '../../src/layout/build.js'
import { derive } from '../../src/layout/derive.js'
import type { FunctionLayout } from '../../src/layout/function-layout.js'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { realize } from '../../src/layout/realize.js'
import { prepareFunction, type PreparedFunction } from '../../src/semantic/prepared-function.js'
import { readCorpusText } from '../support/repo-corpus.js'
import { preparedCorpus, preparedReal } from '../support/prepared.js'
import { pfOption } from '../support/real-vf.js'
import { realDumpNames, sharedCorpusPresent } from '../support/shared-corpus.js'

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left))
  return e.right
}
const typeA = right(decodeLayout(readCorpusText('layouts/accelerator-v1.yaml'), 'accelerator-v1.yaml'))
const errors = (r: ReturnType<typeof realize>) => right(r).reasons.filter((x) => x.severity === 'error')

describe('instance type A on the accelerator family', () => {
  it.each(['v1-host-a', 'v1-host-b'])('V1 on %s: realizable, every passthrough capability at its own offset, PASID emulated', (host) => {
    const r = right(realize(typeA, preparedCorpus(`families/accelerator/${host}.lspci`)))
    expect(r.compatible).toBe(true)
    expect(r.offsetMap!.map((m) => [m.virtualOffset, m.physicalOffset, m.backing])).toEqual([
      [0x40, 0x40, 'passthrough'],
      [0x80, 0x80, 'passthrough'],
      [0x90, 0x90, 'passthrough'],
      [0x100, 0x100, 'passthrough'],
      [0x148, 0x148, 'passthrough'],
      [0x158, 0x158, 'passthrough'],
      [0x168, 0x168, 'passthrough'],
      [0xff8, null, 'emulated'],
    ])
    // The serial number is passed through: a warning that the layout should virtualize it.
    expect(r.reasons.filter((x) => x.code === 'FIELD_INSTANCE').map((x) => x.field)).toEqual(['serialLow', 'serialHigh'])
  })

  it('V2 (PASID width 16, PRI capacity 256) cannot back a layout that exposes width 20 and 512 page requests', () => {
    const found = errors(realize(typeA, preparedCorpus('families/accelerator/v2-host-c.lspci')))
    expect(found.map((x) => [x.code, x.capability, x.field, x.source, x.destination])).toEqual([
      ['FIELD_CAPACITY', 'Page Request Interface', 'outstandingPageRequestCapacity', 512, 256],
      ['FIELD_CAPACITY', 'Process Address Space ID', 'maxPasidWidth', 20, 16],
    ])
  })

  it('an emulated PASID with no physical PASID anywhere is refused, saying a VF needs its PF', () => {
    const noPasid = preparedCorpus('functions/conventional-256.lspci')
    const layout: FunctionLayout = { ...typeA, identity: { ...typeA.identity } }
    const found = errors(realize(layout, noPasid))
    expect(found.find((x) => x.code === 'CAP_MISSING' && x.capability === 'Process Address Space ID')?.message).toContain('for a VF, give its PF')
    // Given a PF with PASID, the emulated capability stands on it.
    const withPf = errors(realize(layout, noPasid, { pf: preparedCorpus('families/accelerator/v1-host-a.lspci') }))
    expect(withPf.some((x) => x.capability === 'Process Address Space ID')).toBe(false)
  })
})

const UNREADABLE = new Set(['genesys-gl9755-all-ones', 'nvidia-gf108-hda-powered-off'])

/**
 * A physical function built from `layout` changed by `edit`; the property is skipped when the
 * change cannot exist (it changes a length the fields determine, such as a link width).
 */
const physicalFrom = (layout: FunctionLayout, edit: (l: FunctionLayout) => FunctionLayout): PreparedFunction => {
  const built = build(edit(layout))
  fc.pre(E.isRight(built))
  return prepareFunction((built as E.Right<Parameters<typeof prepareFunction>[0]>).right)
}

describe.skipIf(!sharedCorpusPresent)('realizability properties on the real dumps', () => {
  const names = realDumpNames().filter((n) => !UNREADABLE.has(n))

  it.each(names)('%s: realize(derive(P), P) succeeds with the identity map', (name) => {
    const p = preparedReal(name)
    const r = right(realize(right(derive(p, pfOption(name))), p, pfOption(name)))
    expect(errors(E.right(r))).toEqual([])
    for (const m of r.offsetMap!) if (m.backing === 'passthrough') expect(m.physicalOffset).toBe(m.virtualOffset)
  })

  const extended = names.filter((n) => preparedReal(n).walk.capabilities.filter((c) => c.space === 'extended' && lookupCapability('extended', c.id)?.length._tag === 'Fixed').length > 0)

  it('moving an extended capability to free space keeps the layout realizable, mapped to the new offset', () => {
    fc.assert(
      fc.property(fc.constantFrom(...extended), fc.nat(), (name, pick) => {
        const layout = right(derive(preparedReal(name), { policy: 'none', pasid: 'none', ...pfOption(name) }))
        const movable = layout.capabilities.filter((c) => c.space === 'extended' && lookupCapability('extended', c.id)?.length._tag === 'Fixed')
        const moved = movable[pick % movable.length]!
        const taken = layout.capabilities.filter((c) => c.space === 'extended' && c !== moved).map((c) => [c.offset, c.offset + c.length] as const)
        const target = [0xf00, 0xe00, 0xd00, 0xc00].find((t) => t !== 0x100 && taken.every(([s, e]) => t + moved.length <= s || t >= e) && layout.unclaimed.every((u) => u.at + u.bytes.length <= t || u.at >= t + moved.length))
        fc.pre(target !== undefined && moved.offset !== 0x100)
        const physical = physicalFrom(layout, (l) => ({ ...l, capabilities: l.capabilities.map((c) => (c === moved ? { ...c, offset: target! } : c)) }))
        const r = right(realize(layout, physical))
        expect(errors(E.right(r))).toEqual([])
        expect(r.offsetMap!.find((m) => m.virtualOffset === moved.offset)?.physicalOffset).toBe(target)
      }),
      { numRuns: 60 },
    )
  })

  /** Layout capabilities with a non-zero field of `rule`, as (capability index, field key). */
  const candidates = (layout: FunctionLayout, p: PreparedFunction, rule: 'capacity' | 'features') =>
    layout.capabilities.flatMap((c, i) =>
      Object.entries(c.fields)
        .filter(([key, v]) => v > 0 && p.semantic.fields.some((f) => f.capability?.offset === c.offset && f.spec.key === key && f.spec.rule === rule && f.spec.access !== 'RW'))
        .map(([key]) => [i, key] as const),
    )

  for (const [rule, code, change] of [
    ['capacity', 'FIELD_CAPACITY', (v: number) => v - 1],
    ['features', 'FIELD_FEATURES', (v: number) => v & (v - 1)],
  ] as const) {
    it(`lowering a ${rule} field on the physical side is refused with ${code} naming that field`, () => {
      const pairs = names.flatMap((name) => {
        const p = preparedReal(name)
        const layout = right(derive(p, { policy: 'none', pasid: 'none', ...pfOption(name) }))
        return candidates(layout, p, rule).map(([i, key]) => ({ layout, i, key }))
      })
      fc.assert(
        fc.property(fc.constantFrom(...pairs), ({ layout, i, key }) => {
          const physical = physicalFrom(layout, (l) => ({
            ...l,
            capabilities: l.capabilities.map((c, k) => (k === i ? { ...c, fields: { ...c.fields, [key]: change(c.fields[key]!) } } : c)),
          }))
          const found = errors(realize(layout, physical))
          expect(found).toContainEqual(expect.objectContaining({ code, field: key, offset: expect.any(Number) }))
        }),
        { numRuns: 80 },
      )
    })
  }

  it('removing a capability on the physical side is refused with CAP_MISSING naming it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.nat(), (name, pick) => {
        const layout = right(derive(preparedReal(name), { policy: 'none', pasid: 'none', ...pfOption(name) }))
        fc.pre(layout.capabilities.length > 0)
        const gone = layout.capabilities[pick % layout.capabilities.length]!
        const physical = physicalFrom(layout, (l) => ({ ...l, capabilities: l.capabilities.filter((c) => c !== gone) }))
        const found = errors(realize(layout, physical))
        expect(found).toContainEqual(expect.objectContaining({ code: 'CAP_MISSING', offset: gone.offset, capability: lookupCapability(gone.space, gone.id)?.name ?? expect.any(String) }))
      }),
      { numRuns: 80 },
    )
  })
})

describe.skipIf(!sharedCorpusPresent)('capabilities of one ID but different structures', () => {
  it('DVSECs pair by vendor and DVSEC ID (the registry\'s identifying fields), not by position', () => {
    // intel-adl-pmt-467d has Intel DVSECs with IDs 2, 3, 4 at 0x100, 0x110, 0x120 (16 bytes each).
    // A physical function with the first two swapped can still back the layout, crosswise.
    const layout = right(derive(preparedReal('intel-adl-pmt-467d'), { policy: 'none', pasid: 'none' }))
    // Swap the two and keep chain order = address order (the extended list starts at 0x100).
    const moved = layout.capabilities.map((c) => (c.offset === 0x100 ? { ...c, offset: 0x110 } : c.offset === 0x110 ? { ...c, offset: 0x100 } : c))
    const swapped = prepareFunction(right(build({ ...layout, capabilities: [...moved].sort((a, b) => a.offset - b.offset) })))
    const r = right(realize(layout, swapped))
    expect(r.reasons.filter((x) => x.severity === 'error')).toEqual([])
    expect(r.offsetMap!.filter((m) => m.space === 'extended').map((m) => [m.virtualOffset, m.physicalOffset])).toEqual([
      [0x100, 0x110],
      [0x110, 0x100],
      [0x120, 0x120],
    ])
  })
})

describe('build refuses a chain it cannot make', () => {
  it('an extended capability at 0x100 placed last in list order cuts the others off, and each is named', () => {
    // The list starts the extended chain at ATS (0x148), so build writes the placeholder at 0x100
    // pointing there; then AER, last in the list, takes 0x100 with next 0 and ends the chain.
    const layout = right(decodeLayout(readCorpusText('layouts/accelerator-v1.yaml'), 'a.yaml'))
    const standard = layout.capabilities.filter((c) => c.space === 'standard')
    const ext = layout.capabilities.filter((c) => c.space === 'extended')
    const result = build({ ...layout, capabilities: [...standard, ...ext.slice(1), ext[0]!] })
    const unreachable = E.isLeft(result) ? result.left.filter((e) => e.code === 'NOT_REACHABLE').map((e) => e.path[1]) : []
    expect(unreachable).toEqual(ext.slice(1).map((_, k) => standard.length + k))
  })
})

/**
 * `updateLayout`: re-deriving over an edited layout keeps the file's contract and brings in what
 * the hardware gained. The oracle is the corpus NIC family (corpus/README.md): V2 firmware moved
 * PCI Express 0x60 → 0x48 and MSI-X 0x50 → 0x90 and added PASID (0x180) and PRI (0x188).
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { build } from '../../src/layout/build.js'
import { derive } from '../../src/layout/derive.js'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { realize } from '../../src/layout/realize.js'
import { updateLayout } from '../../src/layout/update-layout.js'
import { prepareFunction } from '../../src/semantic/prepared-function.js'
import { corpusDump, readCorpusText } from '../support/repo-corpus.js'

const layout = (name: string) => {
  const l = decodeLayout(readCorpusText(name), name)
  if (E.isLeft(l)) throw new Error(`${name} decodes`)
  return l.right
}
const derived = (dump: string) => {
  const l = derive(prepareFunction(corpusDump(dump)))
  if (E.isLeft(l)) throw new Error(`${dump} derives`)
  return l.right
}

describe('updateLayout', () => {
  it('N1 re-derived on V2 hardware keeps its offsets (the contract) and adds what V2 gained', () => {
    const n1 = layout('layouts/nic-v1.yaml')
    const { layout: updated, changes } = updateLayout(n1, derived('families/nic/v2.lspci'))
    const at = (id: number) => updated.capabilities.find((c) => c.space === 'standard' && c.id === id)?.offset
    expect(at(0x10)).toBe(0x60) // PCI Express stays where the guest has it
    expect(at(0x11)).toBe(0x50) // MSI-X too
    expect(changes).toContain('added Page Request Interface at 0x188, new on the physical function')
    expect(updated.name).toBe(n1.name)
    expect(updated.persona).toEqual(n1.persona)
    expect(E.isRight(build(updated))).toBe(true)
    // V2 can still back the updated layout (MSI-X and PCI Express moved behind it).
    const r = realize(updated, prepareFunction(corpusDump('families/nic/v2.lspci')))
    expect(E.isRight(r) && r.right.compatible).toBe(true)
  })

  it('N2 re-derived on V1 hardware drops the passed-through PRI V1 lacks and keeps the emulated vPASID', () => {
    const n2 = layout('layouts/nic-v2.yaml')
    const { layout: updated, changes } = updateLayout(n2, derived('families/nic/v1.lspci'))
    expect(changes).toContain('dropped Page Request Interface at 0x188: the physical function no longer has it')
    expect(updated.capabilities.some((c) => c.id === 0x13)).toBe(false)
    expect(updated.capabilities.find((c) => c.id === 0x1b)?.backing).toBe('emulated')
  })

  it('a layout updated with its own derivation is unchanged', () => {
    const d = derived('functions/pasid-ats-pri-endpoint.lspci')
    expect(updateLayout(d, d)).toEqual({ layout: d, changes: [] })
  })
})

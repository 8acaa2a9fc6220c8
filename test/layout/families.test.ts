/**
 * The team's device families against their layouts: the expected verdicts of corpus/README.md,
 * each argued from how the fixtures were built (corpus/make-fixtures.mjs).
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { decodePersonaMatrix } from '../../src/layout/persona.js'
import { realize } from '../../src/layout/realize.js'
import { readCorpusText } from '../support/repo-corpus.js'
import { preparedCorpus } from '../support/prepared.js'

const layout = (name: string) => {
  const l = decodeLayout(readCorpusText(`layouts/${name}.yaml`), name)
  if (E.isLeft(l)) throw new Error(JSON.stringify(l.left))
  return l.right
}
const judge = (name: string, physical: string) => {
  const r = realize(layout(name), preparedCorpus(`families/${physical}.lspci`))
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
  return r.right
}

describe('NIC: V2 firmware moved MSI-X and PCI Express and added PASID/PRI', () => {
  it('the V1 layout runs on V2, with MSI-X and PCI Express mapped to their new offsets', () => {
    // V1: PM 0x40 → MSI-X 0x50 → PCIe 0x60. V2: PM 0x40 → PCIe 0x48 → MSI-X 0x90, the same
    // 16-vector table in BAR2; extended capabilities unchanged below 0x180.
    const r = judge('nic-v1', 'nic/v2')
    expect(r.reasons.filter((x) => x.severity === 'error')).toEqual([])
    expect(r.offsetMap!.map((m) => [m.capability, m.virtualOffset, m.physicalOffset])).toEqual([
      ['Power Management', 0x40, 0x40],
      ['MSI-X', 0x50, 0x90],
      ['PCI Express', 0x60, 0x48],
      ['Advanced Error Reporting', 0x100, 0x100],
      ['Alternative Routing-ID Interpretation', 0x140, 0x140],
      ['Address Translation Service', 0x148, 0x148],
    ])
  })

  it('the V2 layout is refused on V1: no PRI to pass through, no PASID for the emulated vPASID', () => {
    const r = judge('nic-v2', 'nic/v1')
    expect(r.compatible).toBe(false)
    expect(r.reasons.filter((x) => x.severity === 'error').map((x) => [x.code, x.capability, x.offset])).toEqual([
      ['CAP_MISSING', 'Page Request Interface', 0x188],
      ['CAP_MISSING', 'Process Address Space ID', 0xff8],
    ])
  })

  it('each layout runs on its own version', () => {
    expect(judge('nic-v1', 'nic/v1').compatible).toBe(true)
    expect(judge('nic-v2', 'nic/v2').compatible).toBe(true)
  })
})

describe('accelerator: V2 has a smaller PASID width and PRI capacity', () => {
  it('the V1 layout (instance type A) is refused on V2, naming both capacities', () => {
    expect(judge('accelerator-v1', 'accelerator/v2-host-c').reasons.filter((x) => x.severity === 'error').map((x) => x.field)).toEqual([
      'outstandingPageRequestCapacity',
      'maxPasidWidth',
    ])
  })
})

describe('accelerator the other way: the V2 layout on V1 hardware', () => {
  it('fits on capacities (V1 has more of both) but is refused by persona: V1\'s driver speaks stream 1 only', () => {
    const matrix = decodePersonaMatrix(readCorpusText('personas.yaml'), 'personas.yaml')
    if (E.isLeft(matrix)) throw new Error(JSON.stringify(matrix.left))
    const r = realize(layout('accelerator-v2'), preparedCorpus('families/accelerator/v1-host-a.lspci'), { personas: matrix.right })
    if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
    expect(r.right.reasons.filter((x) => x.severity === 'error').map((x) => x.code)).toEqual(['PERSONA_STREAM'])
  })
})

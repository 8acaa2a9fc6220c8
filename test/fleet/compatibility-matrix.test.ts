/**
 * compatibilityMatrix agrees cell by cell with `realize` run pairwise (the oracle: the same
 * function, called once per pair, its name the cell's), and judges each device model once: a
 * fleet of 300 hosts over 20 models costs 20 class judgements, whatever the number of hosts.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { compatiblePair, functionLayout, physicalFunction } from '../../src/arbitraries/index.js'
import { compatibilityMatrix, type MatrixFunction, type MatrixLayout } from '../../src/fleet/compatibility-matrix.js'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { decodePersonaMatrix, type PersonaMatrix } from '../../src/layout/persona.js'
import { realize } from '../../src/layout/realize.js'
import { prepareFunction } from '../../src/semantic/prepared-function.js'
import { deviceModels, fleet } from '../support/fleet.js'
import { readCorpusText } from '../support/repo-corpus.js'
import { preparedReal } from '../support/prepared.js'
import { sharedCorpusPresent } from '../support/shared-corpus.js'
import { derive } from '../../src/layout/derive.js'

const corpusLayouts = (): MatrixLayout[] =>
  ['accelerator-v1', 'accelerator-v2', 'nic-v1', 'nic-v2'].map((name) => {
    const l = decodeLayout(readCorpusText(`layouts/${name}.yaml`), name)
    if (E.isLeft(l)) throw new Error(name)
    return { name, layout: l.right }
  })

const personas = (): PersonaMatrix => {
  const m = decodePersonaMatrix(readCorpusText('personas.yaml'), 'personas.yaml')
  if (E.isLeft(m)) throw new Error('personas')
  return m.right
}

/** The oracle: realize on one pair, the function named as the matrix names it. */
const pairwise = (l: MatrixLayout, f: MatrixFunction, matrix?: PersonaMatrix) => {
  const r = realize(l.layout, { ...f.function, name: f.name }, {
    ...(f.pf === undefined ? {} : { pf: f.pf }),
    ...(matrix === undefined ? {} : { personas: matrix }),
    ...(f.persona === undefined || f.persona === null ? {} : { destinationPersona: f.persona }),
  })
  if (E.isLeft(r)) throw new Error('a corpus layout did not build')
  const first = r.right.reasons.find((x) => x.severity === 'error') ?? r.right.reasons[0] ?? null
  return { compatible: r.right.compatible, reason: first, errors: r.right.reasons.filter((x) => x.severity === 'error').length, warnings: r.right.reasons.filter((x) => x.severity === 'warning').length, offsetMap: r.right.offsetMap }
}

const expectAgrees = (layouts: readonly MatrixLayout[], functions: readonly MatrixFunction[], matrix?: PersonaMatrix): void => {
  const m = compatibilityMatrix(layouts, functions, matrix === undefined ? {} : { personas: matrix })
  layouts.forEach((l, i) => functions.forEach((f, k) => expect(m.cells[i]![k], `${l.name} on ${f.name}`).toEqual(pairwise(l, f, matrix))))
}

describe('compatibilityMatrix', () => {
  it('agrees with realize on every pair of the corpus layouts and the fleet\'s 20 device models, with and without personas', () => {
    const functions = deviceModels().map((m) => ({ name: m.function.name, function: m.function, persona: m.persona }))
    expectAgrees(corpusLayouts(), functions)
    expectAgrees(corpusLayouts(), functions, personas())
  })

  it('judges each device class once: 300 hosts of 20 models cost 20 judgements, and their cells name each host\'s function', () => {
    const hosts = fleet({ hosts: 300, seed: 7 })
    const functions: MatrixFunction[] = hosts.flatMap((h) => h.functions.map((f) => ({ name: `${h.name}/${f.address}`, function: f.function, persona: f.persona })))
    expect(functions.length).toBeGreaterThan(1000)
    const models = new Set(functions.map((f) => f.function))
    const m = compatibilityMatrix(corpusLayouts(), functions)
    expect(m.classesJudged).toBe(models.size)
    expect(models.size).toBeLessThanOrEqual(20)
    // Spot-check cells against the oracle: every 37th function.
    corpusLayouts().forEach((l, i) => functions.forEach((f, k) => (k % 37 === 0 ? expect(m.cells[i]![k]).toEqual(pairwise(l, f)) : undefined)))
  })

  it('judges functions of one model loaded apart (equal digests) once too', () => {
    const copies: MatrixFunction[] = [0, 1, 2].map((k) => {
      const f = deviceModels()[0]!.function
      return { name: `copy ${k}`, function: prepareFunction({ file: `copy ${k}`, device: null, description: null, config: f.config, resources: null }) }
    })
    expect(new Set(copies.map((c) => c.function)).size).toBe(3)
    expect(compatibilityMatrix(corpusLayouts(), copies).classesJudged).toBe(1)
  })

  it('agrees with realize on generated layouts and functions', () => {
    fc.assert(
      fc.property(fc.array(functionLayout(), { minLength: 1, maxLength: 3 }), fc.array(physicalFunction(), { minLength: 1, maxLength: 4 }), (ls, fs) => {
        const layouts = ls.map((layout, k) => ({ name: `layout ${k}`, layout }))
        const functions = fs.map((f, k) => ({ name: `function ${k}`, function: prepareFunction(f) }))
        expectAgrees(layouts, [...functions, ...functions])
      }),
      { numRuns: 40, seed: 1402 },
    )
  })

  it('functions that differ only in migrated state (a writable bit) are one class, and realize agrees on both', () => {
    let shared = 0
    fc.assert(
      fc.property(functionLayout(), compatiblePair(), (layout, pair) => {
        const functions = [pair.source, pair.destination].map((f, k) => ({ name: `side ${k}`, function: prepareFunction(f) }))
        const m = compatibilityMatrix([{ name: 'l', layout }], functions)
        if (m.classesJudged === 1) shared++
        expectAgrees([{ name: 'l', layout }], functions)
      }),
      { numRuns: 40, seed: 1403 },
    )
    expect(shared).toBeGreaterThan(20)
  })
})

describe.skipIf(!sharedCorpusPresent)('compatibilityMatrix on real dumps', () => {
  it('agrees with realize on layouts derived from real functions against real functions (same models on other machines among them)', () => {
    const names = ['amd-navi23-gpu-sysA', 'amd-navi23-gpu-sysB', 'amd-fiji-gpu', 'intel-haswell-ep-rootport-2f02-a', 'intel-haswell-ep-rootport-2f02-b', 'intel-haswell-ep-rootport-2f03', 'qemu-nvme-sriov-pf-vfs-off', 'qemu-nvme-sriov-pf-vfs-on', 'qemu-nvme-sriov-pf', 'broadcom-bcm5719-fn0', 'broadcom-bcm5719-fn1']
    const functions = names.map((n) => ({ name: n, function: preparedReal(n) }))
    const layouts = ['amd-navi23-gpu-sysA', 'intel-haswell-ep-rootport-2f02-a', 'qemu-nvme-sriov-pf-vfs-on', 'broadcom-bcm5719-fn0'].map((n) => {
      const l = derive(preparedReal(n))
      if (E.isLeft(l)) throw new Error(n)
      return { name: n, layout: l.right }
    })
    expectAgrees(layouts, functions)
    // The same model on two machines backs its layout on both.
    const m = compatibilityMatrix(layouts, functions)
    expect(m.cells[0]!.slice(0, 2).map((c) => c.compatible)).toEqual([true, true])
    expect(m.cells[1]!.slice(3, 5).map((c) => c.compatible)).toEqual([true, true])
  })
})

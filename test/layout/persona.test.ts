/**
 * Personas: the destination's variant driver must accept a migration stream version the source
 * speaks, within the same device family. Expected verdicts follow corpus/personas.yaml.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { checkPersona, decodePersonaMatrix, personaOf, sharedStream } from '../../src/layout/persona.js'
import { realize } from '../../src/layout/realize.js'
import { vpci } from '../support/cli.js'
import { corpusPath, readCorpusText } from '../support/repo-corpus.js'
import { preparedCorpus } from '../support/prepared.js'

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left))
  return e.right
}
const matrix = right(decodePersonaMatrix(readCorpusText('personas.yaml'), 'personas.yaml'))
const persona = (family: string, streams: number[]) => ({ family, hardwareVersion: 'V', firmware: '1', migrationStreams: streams })

describe('persona checks', () => {
  it('the matrix reads, and finds personas by identity', () => {
    expect(matrix).toHaveLength(4)
    expect(personaOf(matrix, { vendorId: 0x1234, deviceId: 0x5b01, revisionId: 2 })?.migrationStreams).toEqual([2, 3])
    expect(personaOf(matrix, { vendorId: 0x1234, deviceId: 0x5b01, revisionId: 9 })).toBeNull()
  })

  it('a shared stream version is enough; the highest shared one is used', () => {
    expect(sharedStream(persona('nic', [1, 2]), persona('nic', [2, 3]))).toBe(2)
    expect(checkPersona(persona('nic', [1, 2]), persona('nic', [2, 3]))).toEqual([])
  })

  it.each([
    ['no stream in common', persona('nic', [1]), persona('nic', [2, 3]), 'error', 'no migration stream version in common'],
    ['another family', persona('nic', [1]), persona('gpu', [1]), 'error', "another device family's variant driver"],
    ['destination unknown to the matrix', persona('nic', [1]), null, 'warning', 'not in the persona matrix'],
  ] as const)('%s', (_, source, destination, severity, text) => {
    const reasons = checkPersona(source, destination)
    expect(reasons.map((r) => [r.code, r.severity])).toEqual([['PERSONA_STREAM', severity]])
    expect(reasons[0]!.message).toContain(text)
  })

  it('realize: the NIC V1 layout (streams 1, 2) on V2 hardware (2, 3) passes; the accelerator V1 (1) on V2 (2) does not', () => {
    const nic = right(decodeLayout(readCorpusText('layouts/nic-v1.yaml'), 'nic-v1.yaml'))
    expect(right(realize(nic, preparedCorpus('families/nic/v2.lspci'), { personas: matrix })).reasons.filter((r) => r.code === 'PERSONA_STREAM')).toEqual([])
    const acc = right(decodeLayout(readCorpusText('layouts/accelerator-v1.yaml'), 'a.yaml'))
    const found = right(realize(acc, preparedCorpus('families/accelerator/v2-host-c.lspci'), { personas: matrix })).reasons.filter((r) => r.code === 'PERSONA_STREAM')
    expect(found.map((r) => r.severity)).toEqual(['error'])
  })

  it('vpci check LAYOUT PHYSICAL --personas FILE', async () => {
    const ok = await vpci('check', corpusPath('layouts/nic-v1.yaml'), corpusPath('families/nic/v2.lspci'), '--personas', corpusPath('personas.yaml'))
    expect(ok.code).toBe(0)
    const bad = await vpci('check', corpusPath('layouts/accelerator-v1.yaml'), corpusPath('families/accelerator/v2-host-c.lspci'), '--personas', corpusPath('personas.yaml'))
    expect(bad.code).toBe(1)
    expect(bad.stdout).toContain('PERSONA_STREAM')
  })
})

describe('persona matrix entries naming a subsystem', () => {
  // The accelerator V1 (corpus/families/accelerator/v1-host-a.lspci) is subsystem 1234:0001.
  const entry = (subsystemId: number, streams: number[]) =>
    `  - { vendorId: 0x1234, deviceId: 0x5a01, revisionId: 1, subsystemVendorId: 0x1234, subsystemId: ${subsystemId}, family: vpci-example-accelerator, hardwareVersion: V1, firmware: "1.0", migrationStreams: [${streams.join(', ')}] }\n`
  const matrixOf = (entries: string) => right(decodePersonaMatrix(`apiVersion: vpci/v1\nkind: PersonaMatrix\npersonas:\n${entries}`, 'm.yaml'))
  const layout = right(decodeLayout(readCorpusText('layouts/accelerator-v1.yaml'), 'accelerator-v1.yaml'))
  const codes = (entries: string) => right(realize(layout, preparedCorpus('families/accelerator/v1-host-a.lspci'), { personas: matrixOf(entries) })).reasons.filter((r) => r.code === 'PERSONA_STREAM').map((r) => r.severity)

  it('realize finds the entry of the physical function\'s subsystem', () => {
    expect(codes(entry(1, [1]))).toEqual([])
    expect(codes(entry(1, [2]))).toEqual(['error'])
  })

  it('an entry for another subsystem matches nothing; a generic entry loses to one naming the subsystem', () => {
    expect(codes(entry(2, [1]))).toEqual(['warning'])
    const generic = `  - { vendorId: 0x1234, deviceId: 0x5a01, revisionId: 1, family: vpci-example-accelerator, hardwareVersion: V1, firmware: "1.0", migrationStreams: [2] }\n`
    expect(codes(generic + entry(1, [1]))).toEqual([])
    expect(personaOf(matrixOf(generic + entry(1, [1])), { vendorId: 0x1234, deviceId: 0x5a01, revisionId: 1 })?.migrationStreams).toEqual([2])
  })
})

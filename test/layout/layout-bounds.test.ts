/**
 * Values fit their registers: a number wider than the register it fills is refused with its
 * path and line, never truncated by `build` (widths from the PCI Local Bus and PCIe specs:
 * Vendor ID 16 bits, Revision ID 8, Class Code 24, extended capability version 4; a BAR or ROM
 * decodes a power of two). And the JSON Schema refuses what the decoder refuses: every bad file
 * in corpus/layouts/bad/ and generated layouts with one defect each go through both.
 */
import { readdirSync } from 'node:fs'
import Ajv2020 from 'ajv/dist/2020.js'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { FieldSpec } from '../../src/capability/field.js'
import { lookupCapability } from '../../src/capability/registry.js'
import { build } from '../../src/layout/build.js'
import { renderPath } from '../../src/layout/layout-error.js'
import { functionLayoutJsonSchema } from '../../src/layout/layout-schema.js'
import { decodeLayout, layoutFromData } from '../../src/layout/layout-yaml.js'
import { corpusPath, readCorpusText } from '../support/repo-corpus.js'

const A = readCorpusText('layouts/accelerator-v1.yaml')
const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(functionLayoutJsonSchema())

describe('values fit their registers', () => {
  it.each([
    ['vendorId: 0x1234', 'vendorId: 0x12345', 'identity.vendorId'],
    ['revisionId: 1', 'revisionId: 256', 'identity.revisionId'],
    ['classCode: 0x120000', 'classCode: 0x1000000', 'identity.classCode'],
    ['subsystemId: 0x1', 'subsystemId: 0x10000', 'identity.subsystemId'],
    ['vendorId: 0x1234', 'vendorId: 0xffff', 'identity.vendorId'],
    ['    id: ats\n    version: 1', '    id: ats\n    version: 16', 'capabilities[4].version'],
    ['migrationStreams:\n    - 1', 'migrationStreams:\n    - 0x100000000', 'persona.migrationStreams[0]', 'WRONG_TYPE'],
    ['    size: null', '    size: 3000', 'bars[0].size'],
    ['    size: null', '    size: 8', 'bars[0].size'],
    ['rom: null', 'rom:\n  size: 0x100000000', 'rom.size'],
  ].map(([find, replace, path, code]) => [find!, replace!, path!, code ?? 'VALUE_TOO_WIDE'] as const))('%s → %s is refused at %s, with its line', (find, replace, path, code) => {
    const text = A.replace(find, replace)
    expect(text).not.toBe(A)
    const r = decodeLayout(text, 'a.yaml')
    if (E.isRight(r)) throw new Error('decoded')
    const error = r.left.find((e) => renderPath(e.path) === path)
    // Stream versions are the persona codec's (a uint32 in every format), so a shape error.
    expect(error, JSON.stringify(r.left)).toMatchObject({ code, line: lineOf(text, replace.split('\n').pop()!) })
  })

  it('build refuses a layout made in memory rather than truncate it', () => {
    const a = decodeLayout(A, 'a.yaml')
    if (E.isLeft(a)) throw new Error(JSON.stringify(a.left))
    const wide = build({ ...a.right, identity: { ...a.right.identity, vendorId: 0x12345 } })
    expect(E.isLeft(wide) && wide.left.map((e) => [e.code, renderPath(e.path)])).toEqual([['VALUE_TOO_WIDE', 'identity.vendorId']])
  })
})

/** Files that are not YAML a schema could see (the decoder refuses them before any shape). */
const NOT_YAML = new Set(['yaml-syntax.yaml', 'alias-bomb.yaml'])
/** Defects between two entries (overlapping capabilities, unclaimed bytes inside one), which JSON Schema cannot express: the decoder's alone. */
const DECODER_ONLY = new Set(['overlap.yaml', 'unclaimed-in-capability.yaml'])

describe('the JSON Schema refuses what the decoder refuses', () => {
  const bad = readdirSync(corpusPath('layouts/bad')).filter((f) => f.endsWith('.yaml') && !NOT_YAML.has(f))

  it.each(bad)('bad/%s: the decoder refuses it, and so does the schema unless the defect relates two entries', (file) => {
    const text = readCorpusText(`layouts/bad/${file}`)
    expect(E.isLeft(decodeLayout(text, file))).toBe(true)
    expect(validate(parse(text))).toBe(DECODER_ONLY.has(file))
  })

  /** One defect in one entry, as an operator or a hostile writer would make it. */
  const registerOf = (space: 'standard' | 'extended', id: string): readonly FieldSpec[] => {
    const entry = lookupCapability(space, space === 'standard' ? { express: 0x10, msix: 0x11, pm: 0x01 }[id]! : { aer: 0x01, ats: 0x0f, pri: 0x13, dsn: 0x03, pasid: 0x1b }[id]!)!
    return entry.fields as readonly FieldSpec[]
  }
  type Data = Record<string, any>
  const defects: ReadonlyArray<readonly [string, (d: Data, n: number) => void]> = [
    ['identity past its width', (d, n) => void (d.identity[['vendorId', 'deviceId', 'revisionId', 'classCode', 'subsystemVendorId', 'subsystemId'][n % 6]!] = [0x10000, 0x10000, 0x100, 0x1000000, 0x10000, 0x10000][n % 6]! + (n % 1000))],
    ['a number written as a string', (d, n) => void (d.identity[['vendorId', 'deviceId', 'revisionId'][n % 3]!] = '0x10')],
    ['a negative or fractional number', (d, n) => void (d.capabilities[n % d.capabilities.length].offset = n % 2 ? -4 : 64.5)],
    ['a misaligned offset', (d, n) => void (d.capabilities[n % d.capabilities.length].offset += 1 + (n % 3))],
    ['an offset outside its list', (d, n) => void (d.capabilities[n % d.capabilities.length].offset = [0x30, 0x1000, 0x3c][n % 3])],
    ['a version past 4 bits', (d, n) => void (d.capabilities[3 + (n % 5)].version = 16 + (n % 100))],
    ['a version on a standard capability', (d, n) => void (d.capabilities[n % 3].version = 1)],
    ['an unknown capability key', (d, n) => void (d.capabilities[n % d.capabilities.length].id = 'page-request')],
    ['an ID past its list\'s width', (d, n) => void (d.capabilities[n % 3].id = 0x100 + n % 0xff)],
    ['an unknown field', (d, n) => void (d.capabilities[n % d.capabilities.length].fields = { ...d.capabilities[n % d.capabilities.length].fields, colour: 1 })],
    [
      'a field value past its width',
      (d, n) => {
        const narrowOf = (c: Data) => registerOf(c.space, c.id).filter((f) => f.hi - f.lo < 31)
        const withNarrow = d.capabilities.filter((c: Data) => narrowOf(c).length > 0)
        const c = withNarrow[n % withNarrow.length]
        const narrow = narrowOf(c)
        const f = narrow[n % narrow.length]!
        c.fields = { ...c.fields, [f.key]: 2 ** (f.hi - f.lo + 1) }
      },
    ],
    ['raw bytes over a capability header', (d, n) => void (d.capabilities[n % d.capabilities.length].bytes = [{ at: n % 2, hex: 'ff' }])],
    ['raw bytes in a fully described capability', (d) => void (d.capabilities[1].bytes = [{ at: 3, hex: '80' }])],
    ['a header field the layout says elsewhere', (d, n) => void (d.header.fields[['vendorId', 'capabilitiesPointer', 'bar0Address', 'romEnable'][n % 4]!] = 1)],
    ['header bytes over a register', (d, n) => void (d.header.bytes = [{ at: [0x00, 0x04, 0x06, 0x10, 0x34, 0x3c][n % 6], hex: '01' }])],
    ['unclaimed bytes in the header or the extended head', (d, n) => void (d.unclaimed = [{ at: [0x10, 0x100, 0x102][n % 3], hex: 'aa' }])],
    ['malformed hex', (d, n) => void (d.unclaimed = [{ at: 0x800, hex: ['zz', 'f', '', 'ff,ee'][n % 4] }])],
    ['a BAR number past 5', (d, n) => void (d.bars[0].index = 6 + (n % 10))],
    ['a BAR size no BAR decodes', (d, n) => void (d.bars[0].size = [3000, 8, '0x300', '12345'][n % 4])],
    ['a ROM size no ROM BAR decodes', (d, n) => void (d.rom = { size: [1024, 3000, 2 ** 32 * 2][n % 3] })],
    ['a stream past 32 bits', (d, n) => void (d.persona.migrationStreams = [2 ** 32 + n])],
    ['a hidden capability outside its list', (d, n) => void (d.hidden = [n % 2 ? { space: 'standard', id: 0x100 } : { space: 'extended', id: 'pasid', offset: 0x1000 }])],
    ['an unknown key', (d, n) => void (d[['colour', 'Size', 'capability'][n % 3]!] = 1)],
    ['a size that is no config space', (d, n) => void (d.size = [512, 64, 4095][n % 3])],
  ]

  it('generated layouts with one defect each: both refuse', () => {
    fc.assert(
      fc.property(fc.constantFrom(...defects), fc.nat({ max: 100_000 }), ([, defect], n) => {
        const data = parse(A) as Data
        defect(data, n)
        expect(E.isLeft(layoutFromData(JSON.parse(JSON.stringify(data))))).toBe(true)
        expect(validate(data)).toBe(false)
      }),
      { numRuns: 600 },
    )
  })

  it('the unchanged layout passes both', () => {
    expect(E.isRight(layoutFromData(parse(A)))).toBe(true)
    expect(validate(parse(A)), JSON.stringify(validate.errors)).toBe(true)
  })
})

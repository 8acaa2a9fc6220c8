/**
 * Layout files: every malformed file in corpus/layouts/bad gives the right error at the right
 * path and line (the line is found by searching the file for the edited text, not taken from
 * the decoder); derived layouts of every real dump encode, decode and build back to themselves;
 * comments survive a load/edit/save cycle.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { build } from '../../src/layout/build.js'
import { derive } from '../../src/layout/derive.js'
import { renderPath } from '../../src/layout/layout-error.js'
import { decodeLayout, encodeLayout } from '../../src/layout/layout-yaml.js'
import { readCorpusText } from '../support/repo-corpus.js'
import { preparedReal } from '../support/prepared.js'
import { pfOption } from '../support/real-vf.js'
import { realDumpNames, sharedCorpusPresent } from '../support/shared-corpus.js'

const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length

describe('malformed layout files', () => {
  it.each([
    ['wrong-type.yaml', 'WRONG_TYPE', 'capabilities[0].offset', 'offset: forty'],
    ['unknown-capability.yaml', 'UNKNOWN_CAPABILITY', 'capabilities[5].id', 'id: page-request'],
    ['overlap.yaml', 'OVERLAP', 'capabilities[5].offset', 'offset: 0x14c'],
    ['offset-out-of-range.yaml', 'OFFSET_OUT_OF_RANGE', 'capabilities[1].offset', 'offset: 0x30'],
    ['offset-misaligned.yaml', 'OFFSET_MISALIGNED', 'capabilities[2].offset', 'offset: 0x92'],
    ['length-does-not-fit.yaml', 'LENGTH_DOES_NOT_FIT', 'capabilities[7].length', 'offset: 0xffc'],
    ['unknown-field.yaml', 'UNKNOWN_FIELD', 'capabilities[0].fields.functionLevelReset', 'functionLevelReset: 1'],
    ['value-too-wide.yaml', 'VALUE_TOO_WIDE', 'capabilities[7].fields.maxPasidWidth', 'maxPasidWidth: 40'],
    ['unknown-key.yaml', 'UNKNOWN_KEY', 'identity.colour', 'colour: blue'],
    ['wrong-kind.yaml', 'WRONG_KIND', 'kind', 'kind: HostLayout'],
    ['yaml-syntax.yaml', 'YAML_SYNTAX', '', 'vendorId: ['],
    ['identity-too-wide.yaml', 'VALUE_TOO_WIDE', 'identity.vendorId', 'vendorId: 0x12345'],
    ['version-too-wide.yaml', 'VALUE_TOO_WIDE', 'capabilities[4].version', 'version: 16'],
    ['rom-size.yaml', 'VALUE_TOO_WIDE', 'rom.size', 'size: 3000'],
    ['raw-over-pointer.yaml', 'RAW_OUT_OF_PLACE', 'capabilities[4].bytes[0].at', '- at: 2'],
    ['raw-over-field.yaml', 'RAW_OVER_FIELD', 'header.bytes[0].hex', 'hex: "c0"'],
    ['unclaimed-in-capability.yaml', 'RAW_OUT_OF_PLACE', 'unclaimed[0].at', '- at: 0x44'],
  ])('%s: %s at %s', (file, code, path, edited) => {
    const text = readCorpusText(`layouts/bad/${file}`)
    const result = decodeLayout(text, file)
    if (E.isRight(result)) throw new Error(`${file} decoded`)
    const error = result.left.find((e) => e.code === code)
    expect(error, JSON.stringify(result.left)).toBeDefined()
    expect(renderPath(error!.path)).toBe(path)
    expect(error!.file).toBe(file)
    // Where the defect is: the edited line; for a length the file does not state, the line of
    // the entry's first key (one above the edited offset); for an unclosed flow sequence, the
    // line after it opens, where the parser finds a key it cannot accept.
    const expectedLine =
      code === 'LENGTH_DOES_NOT_FIT' ? lineOf(text, edited) - 1 : code === 'YAML_SYNTAX' ? lineOf(text, edited) + 1 : lineOf(text, edited)
    expect(error!.line).toBe(expectedLine)
    expect(error!.line).toBeGreaterThan(0)
  })

  it('an alias bomb is refused with a typed error, not expanded (2^30 nodes if it were)', () => {
    const result = decodeLayout(readCorpusText('layouts/bad/alias-bomb.yaml'), 'alias-bomb.yaml')
    expect(E.isLeft(result) && result.left.map((e) => [e.code, e.file])).toEqual([['YAML_SYNTAX', 'alias-bomb.yaml']])
    expect(E.isLeft(result) && result.left[0]!.message).toMatch(/alias/i)
  })
})

describe('the team layout file', () => {
  it('accelerator-v1.yaml decodes, names its persona and emulates PASID at 0xff8', () => {
    const result = decodeLayout(readCorpusText('layouts/accelerator-v1.yaml'), 'accelerator-v1.yaml')
    if (E.isLeft(result)) throw new Error(JSON.stringify(result.left))
    expect(result.right.persona).toEqual({ family: 'vpci-example-accelerator', hardwareVersion: 'V1', firmware: '1.0', migrationStreams: [1] })
    expect(result.right.capabilities.find((c) => c.id === 0x1b)).toMatchObject({ offset: 0xff8, backing: 'emulated' })
  })

  it('comments survive a load, edit and save', () => {
    const text = readCorpusText('layouts/accelerator-v1.yaml').replace('  revisionId: 1', '  revisionId: 1 # V1 silicon')
    const layout = decodeLayout(text, 'a.yaml')
    if (E.isLeft(layout)) throw new Error(JSON.stringify(layout.left))
    const edited = { ...layout.right, name: 'accelerator-v1-edited' }
    const saved = encodeLayout(edited, text)
    expect(saved).toContain('# Instance type A')
    expect(saved).toContain('revisionId: 1 # V1 silicon')
    expect(saved).toContain('name: accelerator-v1-edited')
    const again = decodeLayout(saved, 'a.yaml')
    expect(E.isRight(again) && again.right).toEqual(edited)
  })
})

describe.skipIf(!sharedCorpusPresent)('derived layouts of every real 4 KiB dump encode and decode to themselves', () => {
  const UNREADABLE = new Set(['genesys-gl9755-all-ones', 'nvidia-gf108-hda-powered-off'])
  const names = realDumpNames().filter((n) => !UNREADABLE.has(n) && preparedReal(n).config.size === 4096)

  it.each(names)('%s', (name) => {
    const derived = derive(preparedReal(name), { policy: 'kernel', ...pfOption(name) })
    if (E.isLeft(derived)) throw new Error(JSON.stringify(derived.left))
    const decoded = decodeLayout(encodeLayout(derived.right), `${name}.yaml`)
    if (E.isLeft(decoded)) throw new Error(JSON.stringify(decoded.left))
    expect(decoded.right).toEqual(derived.right)
    expect(E.isRight(build(decoded.right))).toBe(true)
  })
})

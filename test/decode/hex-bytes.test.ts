/**
 * Hex text and bytes, hand-derived cases; and the state JSON mirror refusing a digest with an odd
 * number of digits (it used to drop the last one).
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { bytesOfHex, hexOf } from '../../src/decode/hex-bytes.js'
import { migrationStateFromJson } from '../../src/state/state-json.js'
import { readCorpusText } from '../support/repo-corpus.js'

describe('hex bytes', () => {
  it('encodes two lower-case digits per byte, with the separator asked for', () => {
    expect(hexOf(Uint8Array.of(0x0a, 0xff, 0x00))).toBe('0aff00')
    expect(hexOf([0x12, 0x34], ' ')).toBe('12 34')
  })
  it('decodes compact and spaced text, and refuses anything that is not whole hex pairs', () => {
    expect(bytesOfHex('0aFF00')).toEqual(Uint8Array.of(0x0a, 0xff, 0x00))
    expect(bytesOfHex(' 0a  ff\n00 ', true)).toEqual(Uint8Array.of(0x0a, 0xff, 0x00))
    expect(bytesOfHex('0af')).toBeNull()
    expect(bytesOfHex('0g')).toBeNull()
    expect(bytesOfHex('0a f', true)).toBeNull()
  })
  it('the old state JSON mirror refuses a semantic digest with an odd number of digits', () => {
    const json = JSON.parse(readCorpusText('state/vm-17-schema-v1.json')) as { functions: Array<{ semanticDigest: string }> }
    json.functions[0]!.semanticDigest += '0'
    const r = migrationStateFromJson(json)
    expect(E.isLeft(r) && r.left.map((e) => e.path)).toContainEqual(['functions', 0, 'semanticDigest'])
  })
})

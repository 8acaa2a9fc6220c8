/**
 * Reading lspci hex dump text: the forms lspci prints, and every malformed input refused with a
 * typed error naming file, line and offset. Expected lines and offsets come from how each file
 * in corpus/bad-input was made (corpus/make-fixtures.mjs).
 */
import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { listLspciDevices, readLspciText } from '../../src/dump/lspci-text.js'
import { readDump } from '../../src/dump/read-dump.js'
import { corpusDump, readCorpusBytes, readCorpusText } from '../support/repo-corpus.js'
import { readRealDump, readRealVvv, sharedCorpusPresent } from '../support/shared-corpus.js'

const errorsOf = (name: string) => {
  const r = readDump(readCorpusBytes(name), name)
  if (E.isRight(r)) throw new Error(`${name} was read, but must be refused`)
  return r.left
}

describe('malformed dumps are refused with where and why', () => {
  it.each([
    ['non-hex-byte.lspci', { code: 'NON_HEX_BYTE', line: 4, offset: 0x22, column: 11, text: 'zz' }],
    ['truncated-line.lspci', { code: 'LINE_LENGTH', line: 6, offset: 0x40, count: 12 }],
    ['offsets-out-of-order.lspci', { code: 'OFFSET_OUT_OF_ORDER', line: 6, offset: 0x50, expected: 0x40 }],
    ['offset-duplicate.lspci', { code: 'OFFSET_DUPLICATE', line: 7, offset: 0x40, firstLine: 6 }],
    ['cut-short.lspci', { code: 'DUMP_LENGTH', line: 9, length: 128 }],
    ['unrecognised-line.lspci', { code: 'UNRECOGNISED_LINE', line: 1, text: '$ sudo lspci -xxx -s 03:00.0' }],
    ['beyond-4096.lspci', { code: 'BEYOND_4096', line: 258, offset: 0x1000 }],
    ['two-devices.lspci', { code: 'SEVERAL_DEVICES', line: null, devices: ['03:00.0', '00:1c.0'] }],
    ['binary-300.bin', { code: 'WRONG_SIZE', line: null, size: 300 }],
    ['empty.lspci', { code: 'EMPTY', line: null }],
  ])('%s', (name, expected) => {
    const errors = errorsOf(`bad-input/${name}`)
    expect(errors[0]).toMatchObject({ file: `bad-input/${name}`, ...expected })
  })

  it('collects every error, not the first only', () => {
    // Rows 0x00, 0x10, 0x50: the last row makes it 0x60 = 96 bytes, no config space size.
    const text = ['00: 86 80 zz 10', '10: 00 00', '50: 00'].join('\n')
    const r = readLspciText(text, 'x')
    expect(E.isLeft(r) && r.left.map((e) => [e.code, e.line])).toEqual([
      ['NON_HEX_BYTE', 1],
      ['LINE_LENGTH', 1],
      ['LINE_LENGTH', 2],
      ['OFFSET_OUT_OF_ORDER', 3],
      ['LINE_LENGTH', 3],
      ['DUMP_LENGTH', 3],
    ])
  })

  it('a file without any hex line says how to make one', () => {
    const r = readLspciText('01:00.0 Ethernet controller: Example\n\tSubsystem: Example\n', 'x')
    expect(E.isLeft(r) && r.left.map((e) => e.code)).toEqual(['NO_DUMP'])
  })
})

describe('the forms lspci prints', () => {
  const reference = corpusDump('functions/conventional-256.lspci').config.bytes

  it('without the device line', () => {
    const text = readCorpusText('functions/conventional-256.lspci').split('\n').slice(1).join('\n')
    const r = readLspciText(text, 'x')
    expect(E.isRight(r) && r.right.device).toBe(null)
    expect(E.isRight(r) && Array.from(r.right.config.bytes)).toEqual(Array.from(reference))
  })

  it('with CRLF line ends and indentation', () => {
    const text = readCorpusText('functions/conventional-256.lspci').split('\n').map((l) => `  ${l}`).join('\r\n')
    const r = readLspciText(text, 'x')
    expect(E.isRight(r) && Array.from(r.right.config.bytes)).toEqual(Array.from(reference))
  })

  it('64 bytes (lspci -x)', () => {
    const text = readCorpusText('functions/conventional-256.lspci').split('\n').slice(0, 5).join('\n')
    const r = readLspciText(text, 'x')
    expect(E.isRight(r) && r.right.config.size).toBe(64)
  })

  it.skipIf(!sharedCorpusPresent)('with lspci -vvv decode lines interleaved (as lspci -vvv -xxxx prints)', () => {
    const name = 'intel-dsa-spr-0b25'
    const dump = new TextDecoder().decode(readRealDump(name)).split('\n')
    const decode = readRealVvv(name).split('\n').slice(1).filter((l) => l.startsWith('\t'))
    const text = [dump[0], ...decode, ...dump.slice(1)].join('\n')
    const plain = readDump(readRealDump(name), name)
    const mixed = readLspciText(text, name)
    expect(decode.length).toBeGreaterThan(20)
    expect(E.isRight(mixed) && E.isRight(plain) && Array.from(mixed.right.config.bytes)).toEqual(
      E.isRight(plain) && Array.from(plain.right.config.bytes),
    )
  })

  it('several devices: --device picks one, with or without the PCI domain', () => {
    const text = readCorpusText('bad-input/two-devices.lspci')
    expect(listLspciDevices(text)).toEqual(['03:00.0', '00:1c.0'])
    const picked = readLspciText(text, 'x', { device: '0000:00:1c.0' })
    expect(E.isRight(picked) && picked.right.config.size).toBe(4096)
    expect(E.isRight(picked) && picked.right.device).toBe('00:1c.0')
    const missing = readLspciText(text, 'x', { device: '05:00.0' })
    expect(E.isLeft(missing) && missing.left[0]).toMatchObject({ code: 'DEVICE_NOT_FOUND', devices: ['03:00.0', '00:1c.0'] })
  })

  it('errors in a device that was not picked do not matter', () => {
    const text = `${readCorpusText('bad-input/truncated-line.lspci')}\n\n${readCorpusText('functions/type1-root-port.lspci')}`
    expect(E.isRight(readLspciText(text, 'x', { device: '00:1c.0' }))).toBe(true)
  })
})

describe('rows as lspci prints them and rows spaced otherwise read the same bytes', () => {
  // The oracle is the bytes themselves, written out as hex rows by hand here (two spellings).
  const rows = (bytes: Uint8Array, spell: (hex: string) => string, gap: string): string =>
    Array.from({ length: bytes.length / 16 }, (_, r) => {
      const cells = Array.from(bytes.subarray(r * 16, r * 16 + 16), (b) => spell(b.toString(16).padStart(2, '0')))
      return `${(r * 16).toString(16).padStart(r * 16 < 0x100 ? 2 : 3, '0')}:${gap}${cells.join(gap)}`
    }).join('\n')

  it('any image, canonical and upper-case tab-spaced', () => {
    fc.assert(
      fc.property(fc.constantFrom(64, 256, 4096).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })), (bytes) => {
        for (const text of [rows(bytes, (h) => h, ' '), rows(bytes, (h) => h.toUpperCase(), '\t '), rows(bytes, (h) => h, '  ')]) {
          const read = readLspciText(`${text}\n`, 'x')
          expect(E.isRight(read) && Array.from(read.right.config.bytes)).toEqual(Array.from(bytes))
        }
      }),
      { numRuns: 60 },
    )
  })
})

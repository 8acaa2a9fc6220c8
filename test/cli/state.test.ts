/**
 * `vpci state decode|encode`: the golden state to ProtoJSON (as Python's json_format wrote it) and
 * back, byte for byte; the old mirror still read, with one deprecation line; bad JSON refused at
 * its path, exit 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { vpci } from '../support/cli.js'
import { corpusPath, readCorpusText } from '../support/repo-corpus.js'

const GOLDEN = 'state/vm-17-n2-schema-v1'

describe('vpci state', () => {
  it('decode prints ProtoJSON (the golden json_format wrote); encode writes the same bytes back, silently', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpci-state-'))
    const decoded = await vpci('state', 'decode', corpusPath(`${GOLDEN}.pb`))
    expect(decoded.code).toBe(0)
    expect(JSON.parse(decoded.stdout)).toEqual(JSON.parse(readCorpusText(`${GOLDEN}.protojson.json`)))
    writeFileSync(join(dir, 's.json'), decoded.stdout)
    const encoded = await vpci('state', 'encode', join(dir, 's.json'), '-o', join(dir, 's.pb'))
    expect([encoded.code, encoded.stderr]).toEqual([0, ''])
    expect(Buffer.compare(readFileSync(join(dir, 's.pb')), readFileSync(corpusPath(`${GOLDEN}.pb`)))).toBe(0)
  })

  it('encode reads the old JSON mirror to the same bytes, with one deprecation line on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpci-state-'))
    const encoded = await vpci('state', 'encode', corpusPath(`${GOLDEN}.json`), '-o', join(dir, 's.pb'))
    expect(encoded.code).toBe(0)
    expect(encoded.stderr).toMatch(/^vpci: warning: .*vm-17-n2-schema-v1\.json .*old JSON mirror.*; it will not be read after v0\.2\n$/)
    expect(Buffer.compare(readFileSync(join(dir, 's.pb')), readFileSync(corpusPath(`${GOLDEN}.pb`)))).toBe(0)
  })

  it('bad input: exit 2, one line with the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpci-state-'))
    const json = JSON.parse(readCorpusText(`${GOLDEN}.protojson.json`))
    json.functions[1].layout.capabilities[0].offset = 0x41
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(json))
    const r = await vpci('state', 'encode', join(dir, 'bad.json'), '-o', join(dir, 'x.pb'))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/bad\.json: functions\[1\]\.layout\.capabilities\[0\]\.offset: 0x41 is not dword-aligned/)
    writeFileSync(join(dir, 'garbage.pb'), new Uint8Array([0x1a, 0x80, 0x80, 0x80, 0x80, 0x08]))
    const g = await vpci('state', 'decode', join(dir, 'garbage.pb'))
    expect(g.code).toBe(2)
    expect(g.stderr.split('\n')).toHaveLength(2)
  })

  it('encode: a null function, a string of stream versions, an unknown field, junk base64 are bad input (exit 2, the path), not an internal error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpci-state-'))
    const json = JSON.parse(readCorpusText(`${GOLDEN}.protojson.json`))
    const cases: Array<[unknown, RegExp]> = [
      [{ ...json, functions: [null] }, /: functions\[0\]: null is not a list element/],
      [{ ...json, functions: [{ ...json.functions[0], persona: { ...json.functions[0].persona, migrationStreams: '1' } }] }, /: functions\[0\]\.persona\.migrationStreams: expected an array, got "1"/],
      [{ ...json, functions: 'none' }, /: functions: expected an array/],
      [{ ...json, vmNam: 'x' }, /: vmNam: unknown field "vmNam"/],
      [{ ...json, functions: [{ ...json.functions[0], configImage: '%%%%' }] }, /: functions\[0\]\.configImage: expected bytes as base64/],
      [null, /: expected /],
    ]
    for (const [content, message] of cases) {
      writeFileSync(join(dir, 'in.json'), JSON.stringify(content))
      const r = await vpci('state', 'encode', join(dir, 'in.json'), '-o', join(dir, 'out.pb'))
      // Every error on its own line, each naming the file.
      expect(r.code).toBe(2)
      for (const line of r.stderr.trimEnd().split('\n')) expect(line).toMatch(/^vpci: .*in\.json: /)
      expect(r.stderr).toMatch(message)
    }
  })
})

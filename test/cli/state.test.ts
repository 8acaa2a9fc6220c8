/**
 * `vpci state decode|encode`: the golden fixture to JSON and back, byte for byte.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { vpci } from '../support/cli.js'
import { corpusPath, readCorpusText } from '../support/repo-corpus.js'

describe('vpci state', () => {
  it('decode prints the JSON mirror; encode writes the same bytes back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpci-state-'))
    const decoded = await vpci('state', 'decode', corpusPath('state/vm-17-schema-v1.pb'))
    expect(decoded.code).toBe(0)
    expect(JSON.parse(decoded.stdout)).toEqual(JSON.parse(readCorpusText('state/vm-17-schema-v1.json')))
    writeFileSync(join(dir, 's.json'), decoded.stdout)
    const encoded = await vpci('state', 'encode', join(dir, 's.json'), '-o', join(dir, 's.pb'))
    expect(encoded.code).toBe(0)
    expect(Buffer.compare(readFileSync(join(dir, 's.pb')), readFileSync(corpusPath('state/vm-17-schema-v1.pb')))).toBe(0)
  })

  it('bad input: exit 2, one line with the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpci-state-'))
    const json = JSON.parse(readCorpusText('state/vm-17-schema-v1.json'))
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

  it('encode: a null function or a string of stream versions is bad input (exit 2, the path), not an internal error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpci-state-'))
    const json = JSON.parse(readCorpusText('state/vm-17-n2-schema-v1.json'))
    const cases: Array<[unknown, RegExp]> = [
      [{ ...json, functions: [null] }, /: functions\[0\]: expected .*, got null/],
      [{ ...json, functions: [{ ...json.functions[0], persona: { ...json.functions[0].persona, migrationStreams: '1' } }] }, /: functions\[0\]\.persona\.migrationStreams: expected Array/],
      [{ ...json, functions: 'none' }, /: functions: expected Array/],
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

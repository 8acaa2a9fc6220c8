/**
 * Reports and errors are bounded: a check with 10^5 reasons prints the first 100 and a count
 * (all with --all) instead of running for minutes; errors are listed one per line, capped the
 * same way; every line printed is bounded in length with control characters escaped.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeMigrationState, encodeMigrationState } from '../../src/state/state-codec.js'
import { vpci } from '../support/cli.js'
import { hostFolder } from '../support/host-folder.js'
import { corpusPath, readCorpusBytes, readCorpusText } from '../support/repo-corpus.js'

const N = 100_000
/** Reasons and errors shown per list without --all. */
const REASON_LIMIT = 100

/** vm-17 with its PASIDs replaced by `n` empty delegated bindings (function "", PASID 0), as a hostile source host may send. */
const emptyBindingsState = (n: number): string => {
  const s = decodeMigrationState(readCorpusBytes('state/vm-17-n2-schema-v1.pb'))
  if (E.isLeft(s)) throw new Error('the golden state decodes')
  const pasid = { mode: 'delegated', functions: s.right.pasid!.functions, bindings: Array.from({ length: n }, () => ({ function: '', pasid: 0 })) }
  const path = join(mkdtempSync(join(tmpdir(), 'vpci-report-')), 'empty-bindings.pb')
  writeFileSync(path, encodeMigrationState({ ...s.right, wire: undefined, pasid } as never))
  return path
}

describe(`vpci check on a state with ${N} empty PASID bindings`, () => {
  it('is refused with the first 100 errors and a count of the rest, in bounded time and output', { timeout: 60_000 }, async () => {
    const state = emptyBindingsState(N)
    const r = await vpci('check', state, hostFolder())
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(REASON_LIMIT + 1)
    expect(lines[0]).toMatch(/^vpci: .*empty-bindings\.pb: pasid\.bindings\[0\]/)
    // The decoder counts what it does not list, so the count is exact and --all has nothing more to list.
    expect(lines.at(-1)).toMatch(/^vpci: … and \d+ more errors$/)
  })
})

describe('errors: every one listed, on its own line, capped, bounded and escaped', () => {
  const tmpFile = (name: string, text: string): string => {
    const path = join(mkdtempSync(join(tmpdir(), 'vpci-errors-')), name)
    writeFileSync(path, text)
    return path
  }

  it('a layout with three mistakes gives three lines, each with file, line and path', async () => {
    const text = readCorpusText('layouts/accelerator-v1.yaml').replace(/^metadata:\n {2}name: (.*)$/m, 'metadata:\n  name: $1\n  colour: red\n  shape: round\n  size: 3')
    const path = tmpFile('three.yaml', text)
    const r = await vpci('build', path)
    expect(r.code).toBe(2)
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    for (const [i, key] of ['colour', 'shape', 'size'].entries()) expect(lines[i]).toMatch(new RegExp(`^vpci: .*three\\.yaml:\\d+: metadata\\.${key}: unknown key "${key}"`))
  })

  it('a thousand mistakes: the first 100 lines and a count; --all lists all; --json gives the same as one object', async () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `  k${i}: ${i}`).join('\n')
    const path = tmpFile('many.yaml', readCorpusText('layouts/accelerator-v1.yaml').replace(/^metadata:\n {2}name: (.*)$/m, `metadata:\n  name: $1\n${keys}`))
    const r = await vpci('build', path)
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(REASON_LIMIT + 1)
    expect(lines.at(-1)).toBe('vpci: … and 900 more errors (--all lists them)')
    const all = await vpci('check', path, corpusPath('families/accelerator/v1-host-a.lspci'), '--all')
    expect(all.stderr.trimEnd().split('\n')).toHaveLength(1000)
    const json = await vpci('build', path, '--json')
    const parsed = JSON.parse(json.stderr)
    expect([parsed.errors.length, parsed.omitted]).toEqual([REASON_LIMIT, 900])
    expect(parsed.errors[0]).toMatchObject({ path: 'metadata.k0', code: 'UNKNOWN_KEY' })
  })

  it('--device with terminal escapes is echoed escaped; a 10,000-character name is cut to one bounded line', async () => {
    const r = await vpci('caps', corpusPath('functions/conventional-256.lspci'), '--device', '\u001b[31mred\u0007')
    expect(r.code).toBe(2)
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/)
    expect(r.stderr).toContain('no device \\x1b[31mred\\x07')
    const long = await vpci('caps', corpusPath('functions/conventional-256.lspci'), '--device', 'x'.repeat(10_000))
    expect(long.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(long.stderr.trimEnd().length).toBeLessThanOrEqual(300 + 'vpci: '.length)
  })
})

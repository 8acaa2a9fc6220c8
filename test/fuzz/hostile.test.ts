/**
 * Hostile inputs are refused with typed errors before any work proportional to what they claim:
 * a protobuf length prefix of 2^31, a YAML alias bomb (each level quadruples the last), a
 * 100 MB file given as a dump (refused from its size, unread), nesting thousands deep. Then every
 * reproducer the fuzzer ever saved (corpus/fuzz/<target>/*.bin) replayed through its target.
 */
import { readdirSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { runOne } from '../../fuzz/fuzz.js'
import { TARGETS } from '../../fuzz/targets.js'
import type { CliIo } from '../../src/cli/io.js'
import { run } from '../../src/cli/run.js'
import { MAX_DUMP_BYTES, readDump } from '../../src/dump/read-dump.js'
import { decodeHostFile } from '../../src/host/host-file.js'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { decodePersonaMatrix } from '../../src/layout/persona.js'
import { decodeHostPasid } from '../../src/pasid/pasid-files.js'
import { decodeMigrationState } from '../../src/state/state-codec.js'
import { corpusPath } from '../support/repo-corpus.js'

const aliasBomb = (levels: number): string => {
  let yaml = 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n'
  for (let l = 1; l < levels; l++) yaml += `a${l}: &a${l} [*a${l - 1}, *a${l - 1}, *a${l - 1}, *a${l - 1}, *a${l - 1}, *a${l - 1}, *a${l - 1}, *a${l - 1}, *a${l - 1}]\n`
  return yaml
}

describe('hostile inputs', () => {
  it('a YAML alias bomb (9^12 nodes if expanded) is refused by every YAML decoder', () => {
    const bomb = aliasBomb(12)
    const layout = decodeLayout(`apiVersion: vpci/v1\nkind: FunctionLayout\n${bomb}`, 'bomb.yaml')
    expect(E.isLeft(layout) && layout.left[0]!.code).toBe('YAML_SYNTAX')
    expect(E.isLeft(decodeHostFile(bomb))).toBe(true)
    expect(E.isLeft(decodeHostPasid(bomb))).toBe(true)
    expect(E.isLeft(decodePersonaMatrix(bomb, 'bomb.yaml'))).toBe(true)
    // The host decoder says why: too many aliases.
    const host = decodeHostFile(bomb)
    expect(E.isLeft(host) && host.left[0]!.message).toMatch(/alias/i)
  })

  it('a protobuf length prefix of 2^31 is refused without reading past the bytes it has', () => {
    // Field 3 (functions), wire type 2, length 2^31, then nothing.
    const r = decodeMigrationState(Uint8Array.of(0x1a, 0x80, 0x80, 0x80, 0x80, 0x08))
    expect(E.isLeft(r) && r.left[0]!.message).toMatch(/not a vpci.migration.v1.MigrationState/)
  })

  it('a 100 MB dump is refused by size: the reader never parses it, the CLI never reads it', async () => {
    const big = new Uint8Array(100 * 1024 * 1024).fill(0x30)
    const r = readDump(big, 'big.lspci')
    expect(E.isLeft(r) && r.left[0]).toMatchObject({ code: 'TOO_LARGE', size: big.length, limit: MAX_DUMP_BYTES, file: 'big.lspci' })
    let stderr = ''
    const io: CliIo = {
      out: () => undefined,
      err: (t) => void (stderr += t),
      stat: async () => ({ isDirectory: false, size: big.length }),
      readFile: async () => {
        throw new Error('the CLI read a file it should have refused by size')
      },
      readDir: async () => [],
      writeFile: async () => undefined,
      errIsTty: false,
    }
    for (const argv of [['caps', 'big.lspci'], ['check', 'big.lspci', 'big.lspci'], ['state', 'decode', 'big.pb'], ['filter', 'big.pb', 'host.yaml']]) {
      stderr = ''
      expect(await run(argv, io)).toBe(2)
      expect(stderr.trim().split('\n')).toHaveLength(1)
    }
  })

  it('YAML nesting 5,000 deep is refused or read, never a stack overflow', () => {
    const deep = `apiVersion: vpci/v1\nkind: Host\nmetadata: { name: x }\nfunctions: ${'['.repeat(5000)}${']'.repeat(5000)}\n`
    expect(() => decodeHostFile(deep)).not.toThrow()
    expect(E.isLeft(decodeHostFile(deep))).toBe(true)
  })
})

const FUZZ_DIR = corpusPath('fuzz')
const reproducers = TARGETS.flatMap((t) => (existsSync(join(FUZZ_DIR, t.name)) ? readdirSync(join(FUZZ_DIR, t.name)).filter((f) => f.endsWith('.bin')).map((f) => [t.name, f] as const) : []))

describe(`fuzz reproducers (${reproducers.length} in corpus/fuzz)`, () => {
  it('every saved reproducer names a known target', () => {
    const dirs = existsSync(FUZZ_DIR) ? readdirSync(FUZZ_DIR).filter((d) => !d.includes('.')) : []
    expect(dirs.filter((d) => !TARGETS.some((t) => t.name === d))).toEqual([])
  })
  it.each(reproducers)('%s/%s passes', async (name, file) => {
    const failed = await runOne(TARGETS.find((t) => t.name === name)!, new Uint8Array(readFileSync(join(FUZZ_DIR, name, file))))
    expect(failed).toBeNull()
  })
})

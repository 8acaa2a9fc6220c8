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
import { decodeMigrationState, MAX_STATE_BYTES } from '../../src/state/state-codec.js'
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

  it('a 100 MB dump is refused by size: the reader never parses it, the CLI reads at most the limit and one byte more', async () => {
    const big = new Uint8Array(100 * 1024 * 1024).fill(0x30)
    const r = readDump(big, 'big.lspci')
    expect(E.isLeft(r) && r.left[0]).toMatchObject({ code: 'TOO_LARGE', size: big.length, limit: MAX_DUMP_BYTES, file: 'big.lspci' })
    let stderr = ''
    const asked: number[] = []
    const io: CliIo = {
      out: () => undefined,
      err: (t) => void (stderr += t),
      read: async (_path, max) => {
        asked.push(max)
        return E.right(big.subarray(0, max))
      },
      writeFile: async () => undefined,
      outIsTty: false,
      errIsTty: false,
    }
    for (const [argv, limit] of [[['caps', 'big.lspci'], MAX_DUMP_BYTES], [['check', 'big.lspci', 'big.lspci'], MAX_STATE_BYTES], [['state', 'decode', 'big.pb'], MAX_STATE_BYTES], [['filter', 'big.pb', 'host.yaml'], MAX_STATE_BYTES]] as const) {
      stderr = ''
      asked.length = 0
      expect(await run(argv, io)).toBe(2)
      // One line per file it read (check reads both before deciding what they are).
      const lines = stderr.trim().split('\n')
      expect(lines).toHaveLength(argv[0] === 'check' ? 2 : 1)
      for (const line of lines) expect(line).toMatch(/^vpci: big\.(lspci|pb): larger than \d+ bytes/)
      expect(Math.max(...asked)).toBe(limit + 1)
    }
  })

  it('YAML nesting 5,000 deep is refused or read, never a stack overflow', () => {
    const deep = `apiVersion: vpci/v1\nkind: Host\nmetadata: { name: x }\nfunctions: ${'['.repeat(5000)}${']'.repeat(5000)}\n`
    expect(() => decodeHostFile(deep)).not.toThrow()
    expect(E.isLeft(decodeHostFile(deep))).toBe(true)
  })

  it('JSON nesting 10^4 deep where a value goes is bad input (exit 2, the path), never a stack overflow: the old state mirror, a PASID state, a certificate', async () => {
    const deep = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`
    const mirror = readFileSync(corpusPath('state/vm-17-n2-schema-v1.json'), 'utf8').replace('"vmName": "vm-17"', `"vmName": ${deep}`)
    const pasid = readFileSync(corpusPath('pasid/vm-enqcmd.json'), 'utf8').replace('"mode": "global-split"', `"mode": ${deep}`)
    const certificate = `{ "kind": "vpci/migration-certificate", "assumptions": ${deep} }`
    for (const [argv, file, where] of [
      [['state', 'encode', 'F', '-o', 'out.pb'], mirror, 'vmName[0][0]'],
      [['remap', 'F', '--host', corpusPath('pasid/host-b.yaml')], pasid, 'mode[0][0]'],
      [['state', 'create', '--vm', 'v', '--function', `00:05.0=${corpusPath('layouts/accelerator-v1.yaml')}`, '--pasid', 'F', '-o', 'out.pb'], pasid, 'mode[0][0]'],
      [['check', corpusPath('state/vm-17-n2-schema-v1.pb'), corpusPath('hosts/host-good.yaml'), '--root', corpusPath(''), '--verify', 'F'], certificate, 'assumptions[0][0]'],
    ] as const) {
      let stderr = ''
      const io: CliIo = {
        out: () => undefined,
        err: (t) => void (stderr += t),
        read: async (path, max) => E.right((path === 'F' ? new TextEncoder().encode(file) : new Uint8Array(readFileSync(path))).subarray(0, max)),
        writeFile: async () => undefined,
        outIsTty: false,
        errIsTty: false,
      }
      expect([argv[0], await run([...argv], io)]).toEqual([argv[0], 2])
      expect(stderr).toMatch(new RegExp(`F: (not a migration certificate: )?${where.replace(/[[\]]/g, '\\$&')}`))
      expect(stderr).toContain('nested deeper than 64 levels')
    }
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

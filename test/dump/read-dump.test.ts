/**
 * Format detection and binary/sysfs input: a binary config read as binary, text as text, and
 * sizes no config space has refused. BAR sizes from sysfs `resource` lines are derived by hand
 * from the kernel's `start end flags` format (size = end − start + 1).
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { MAX_DUMP_BYTES, readDump, readSysfsFunction } from '../../src/dump/read-dump.js'
import { readSysfsResource } from '../../src/dump/sysfs-resource.js'
import { corpusDump, readCorpusBytes, readCorpusText } from '../support/repo-corpus.js'

describe('format detection', () => {
  const text = corpusDump('functions/pasid-ats-pri-endpoint.lspci')

  it('a binary config file reads to the same bytes as its lspci text', () => {
    const bin = readDump(readCorpusBytes('sysfs/0000:5a:00.0/config'), 'config')
    expect(E.isRight(bin) && Array.from(bin.right.config.bytes)).toEqual(Array.from(text.config.bytes))
  })

  it.each([64, 256, 4096])('binary of %i bytes, even all 0xff, is binary', (size) => {
    const r = readDump(new Uint8Array(size).fill(0xff), 'x')
    expect(E.isRight(r) && r.right.config.size).toBe(size)
  })

  it.each([1, 63, 65, 255, 257, 4095, 4097, 8192])('binary of %i bytes is refused naming the size', (size) => {
    const r = readDump(new Uint8Array(size), 'cfg')
    expect(E.isLeft(r) && r.left).toEqual([{ file: 'cfg', line: null, offset: null, code: 'WRONG_SIZE', size }])
  })

  it('input larger than any dump is refused without being scanned', () => {
    const r = readDump(new Uint8Array(MAX_DUMP_BYTES + 1), 'huge')
    expect(E.isLeft(r) && r.left[0]).toMatchObject({ code: 'TOO_LARGE', size: MAX_DUMP_BYTES + 1 })
  })
})

describe('sysfs device folders', () => {
  it('BAR and ROM sizes come from resource', () => {
    const r = readSysfsFunction(
      { config: readCorpusBytes('sysfs/0000:5a:00.0/config'), resource: readCorpusText('sysfs/0000:5a:00.0/resource') },
      'sysfs/0000:5a:00.0',
    )
    if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
    expect(r.right.device).toBe('0000:5a:00.0')
    const entries = r.right.resources?.entries ?? []
    expect(entries).toHaveLength(13)
    // 0xfe000000..0xfe3fffff = 4 MiB; flags 0x14220c: MEM (0x200), PREFETCH (0x2000), MEM_64 (0x100000)
    expect(entries[0]).toEqual({ index: 0, kind: 'memory', size: 4n << 20n, prefetchable: true, is64Bit: true })
    expect(entries[1]).toMatchObject({ kind: 'unused', size: 0n })
    // 0xfe400000..0xfe40ffff = 64 KiB ROM; flags 0x46200: MEM, PREFETCH, READONLY (0x4000)
    expect(entries[6]).toMatchObject({ index: 6, kind: 'memory', size: 64n << 10n, prefetchable: true, is64Bit: false })
  })

  it('an I/O BAR', () => {
    const r = readSysfsResource('0x000000000000e000 0x000000000000e01f 0x0000000000040101\n', 'resource')
    expect(E.isRight(r) && r.right.entries[0]).toEqual({ index: 0, kind: 'io', size: 32n, prefetchable: false, is64Bit: false })
  })

  it('every malformed resource line is reported with its line', () => {
    const r = readSysfsResource('0x0 0x0 0x0\nnonsense\n0x10 0x0f 0x200\n', 'dev/resource')
    expect(E.isLeft(r) && r.left.map((e) => [e.code, e.file, e.line])).toEqual([
      ['RESOURCE_LINE', 'dev/resource', 2],
      ['RESOURCE_LINE', 'dev/resource', 3],
    ])
  })

  it('an empty config file is refused', () => {
    const r = readSysfsFunction({ config: new Uint8Array(0) }, 'dev')
    expect(E.isLeft(r) && r.left[0]).toMatchObject({ code: 'EMPTY', file: 'dev/config' })
  })
})

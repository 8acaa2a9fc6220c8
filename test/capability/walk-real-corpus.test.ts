/**
 * The walkers against lspci: for every real dump in ../shared/corpus/real, the capability list
 * (space, offset, ID, extended version, in chain order) equals what `lspci -F DUMP -vvv`
 * (pciutils 3.9.0) printed in the `.vvv` file beside it.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { walkCapabilities } from '../../src/capability/walk.js'
import { readDump } from '../../src/dump/read-dump.js'
import { readRealDump, readRealVvv, realDumpNames, realDumpPath, sharedCorpusPresent } from '../support/shared-corpus.js'
import { lspciCapabilities } from '../support/lspci-vvv.js'

const names = realDumpNames()

describe.skipIf(!sharedCorpusPresent)('capability walk agrees with lspci -vvv on every real dump', () => {
  it('finds all 98 dumps', () => {
    expect(names.length).toBe(98)
  })

  it.each(names)('%s', (name) => {
    const dump = readDump(readRealDump(name), realDumpPath(name))
    if (E.isLeft(dump)) throw new Error(JSON.stringify(dump.left))
    const walk = walkCapabilities(dump.right.config)
    const ours = walk.capabilities.map((c) => ({ space: c.space, offset: c.offset, id: c.id, version: c.version }))
    const theirs = lspciCapabilities(readRealVvv(name))
    expect(ours.map((c) => [c.space, c.offset, c.version])).toEqual(theirs.map((c) => [c.space, c.offset, c.version]))
    ours.forEach((c, i) => expect(theirs[i]!.ids, `${theirs[i]!.text}`).toContain(c.id))
  })
})

describe.skipIf(!sharedCorpusPresent)('walk problems on the real dumps', () => {
  // SOURCES.md names the deliberate edge cases: two functions that read all 0xff (one still
  // shows a non-0xff byte, so its header type reads 0x7f), and an RS690 host bridge whose
  // extended space aliases bytes 0–255 without a capability list. Every other dump is clean.
  const EXPECTED: Record<string, readonly string[]> = {
    'genesys-gl9755-all-ones': ['ALL_ONES'],
    'nvidia-gf108-hda-powered-off': ['UNKNOWN_HEADER_TYPE'],
    'amd-rs690-hostbridge-broken-ecaps': ['EXTENDED_IGNORED'],
  }
  it.each(names)('%s', (name) => {
    const dump = readDump(readRealDump(name), name)
    if (E.isLeft(dump)) throw new Error(JSON.stringify(dump.left))
    expect(walkCapabilities(dump.right.config).problems.map((p) => p.code)).toEqual(EXPECTED[name] ?? [])
  })
})

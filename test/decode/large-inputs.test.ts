/**
 * Large inventories (issue 12, item 5): a host file of 4×10^5 PASID ranges (6 MB) and a layout
 * file of 4 MiB of raw runs are read without the YAML library's document model (about 250
 * bytes of memory per byte of text: the host took 1.6 GB), and large or hostile lists never
 * crash a decoder. No timings here: `bench/large-inputs.bench.ts` measures them. What is asserted
 * is the work done (the library's parser called or not) and the decoded facts.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it, vi } from 'vitest'
import * as yaml from 'yaml'
import { issueHostYaml, issueLayoutYaml, largeHostYaml } from '../../bench/fixtures/large-inputs.js'
import { FULL_YAML_LIMIT } from '../../src/decode/yaml-data.js'
import { decodeHostFile } from '../../src/host/host-file.js'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { sharedStream } from '../../src/layout/persona.js'
import { decodeHostPasid } from '../../src/pasid/pasid-files.js'
import { decodeMigrationState } from '../../src/state/state-codec.js'
import { corpusPath } from '../support/repo-corpus.js'

vi.mock('yaml', async (original) => {
  const actual = await original<typeof import('yaml')>()
  return { ...actual, parseDocument: vi.fn(actual.parseDocument) }
})
const parseDocument = vi.mocked(yaml.parseDocument)

const DUMP = corpusPath('families/nic/v2.lspci')

describe('a host file of 4×10^5 PASID ranges', () => {
  const text = issueHostYaml(DUMP)

  it('is over 6 MB, read whole without the YAML document model', () => {
    expect(text.length).toBeGreaterThan(6_000_000)
    parseDocument.mockClear()
    const host = decodeHostFile(text)
    expect(parseDocument).not.toHaveBeenCalled()
    expect(E.isRight(host)).toBe(true)
    if (E.isLeft(host)) return
    const pasid = host.right.pasid!
    // Every range is two or three PASIDs with a gap of one after it, so none merges: 4×10^5 ranges, plus PASID 0 per pool.
    const ranges = [pasid.global, ...pasid.functions.map((f) => f.pool)].reduce((n, p) => n + p.ranges.length / 3 - 1, 0)
    expect(ranges).toBe(400_000)
    expect(host.right.functions).toHaveLength(65)
  })

  it('one range past its pool anywhere in it is refused with its path and line', () => {
    const at = text.indexOf('[2, 3]', text.indexOf('allocated: [[2, 3]', text.length / 2))
    const bad = `${text.slice(0, at)}[2, 70000]${text.slice(at + '[2, 3]'.length)}`
    const host = decodeHostFile(bad)
    expect(E.isLeft(host)).toBe(true)
    if (E.isRight(host)) return
    const line = bad.slice(0, at).split('\n').length
    const index = (bad.slice(0, at).match(/^ {4}- \{ id:/gm) ?? []).length - 1
    expect(host.left.map((e) => [e.path.join('.'), e.line])).toContainEqual([`pasid.functions.${index}.allocated.0`, line])
    expect(host.left.find((e) => e.path.join('.') === `pasid.functions.${index}.allocated.0`)!.message).toMatch(/reaches past the pool's 16-bit width/)
  })

  it('the PASID side alone (vpci remap --host) is read without the document model too', () => {
    parseDocument.mockClear()
    expect(E.isRight(decodeHostPasid(text))).toBe(true)
    expect(parseDocument).not.toHaveBeenCalled()
  })

  it('past 1 MiB only plain YAML is read: an anchor is refused with its line and column, small files still take it', () => {
    const anchored = text.replace('  split: 64', '  split: &s 64')
    parseDocument.mockClear()
    const big = decodeHostFile(anchored)
    expect(parseDocument).not.toHaveBeenCalled()
    expect(E.isLeft(big) && big.left.map((e) => [e.line, e.message.replace(/:.*\(/, ' (')])).toEqual([[anchored.slice(0, anchored.indexOf('&s')).split('\n').length, 'an indicator the plain style does not use (anchor, alias, tag, block scalar, ...) (column 10)']])
    const small = largeHostYaml({ ranges: 100, functions: 2, dump: DUMP }).replace('  split: 64', '  split: &s 64')
    expect(small.length).toBeLessThan(FULL_YAML_LIMIT)
    expect(E.isRight(decodeHostFile(small))).toBe(true)
    expect(parseDocument).toHaveBeenCalledTimes(1)
  })
})

describe('a layout file of 4 MiB of raw runs', () => {
  const text = issueLayoutYaml()

  it('is read without the YAML document model', () => {
    expect(text.length).toBeGreaterThan(4_000_000)
    parseDocument.mockClear()
    const layout = decodeLayout(text, 'many-raw-runs.yaml')
    expect(parseDocument).not.toHaveBeenCalled()
    // Whether repeated offsets are accepted is the layout checks' business; it is read either way.
    // Refused, it lists at most 100 raw-run errors and counts the rest in one entry (not 10^5 objects).
    const runs = E.isRight(layout) ? layout.right.unclaimed.length : layout.left.reduce((n, e) => n + (e.omitted ?? 1), 0)
    expect(runs).toBeGreaterThan(100_000)
    if (E.isLeft(layout)) expect(layout.left.filter((e) => e.code.startsWith('RAW_')).length).toBeLessThanOrEqual(100)
  })

  it('with an unknown key in every run: every error listed with its line, no stack overflow', () => {
    const bad = text.replaceAll('hex:', 'hx:')
    const layout = decodeLayout(bad, 'many-raw-runs.yaml')
    expect(E.isLeft(layout)).toBe(true)
    if (E.isRight(layout)) return
    const unknown = layout.left.filter((e) => e.code === 'UNKNOWN_KEY')
    const runs = (bad.match(/hx:/g) ?? []).length
    expect(unknown).toHaveLength(runs)
    expect(unknown[runs - 1]!.line).toBe(bad.split('\n').length - 1)
  })
})

describe('long persona stream lists', () => {
  it('the shared stream of 200,000 listed versions is found without a stack overflow', () => {
    const persona = (streams: number[]) => ({ family: 'f', hardwareVersion: 'V1', firmware: '1', migrationStreams: streams })
    expect(sharedStream(persona(Array.from({ length: 200_000 }, (_, i) => (i % 2 === 0 ? 3 : 5))), persona([3, 5, 9]))).toBe(5)
  })
})

describe('a migration state listing 2×10^5 functions', () => {
  it('with no guest addresses: refused with an error per function, without a stack overflow', () => {
    const n = 200_000
    // schema_version 1, then n empty AssignedFunction messages (field 3, length 0): 400 KB.
    const bytes = new Uint8Array(2 + 2 * n)
    bytes.set([0x08, 0x01])
    for (let i = 0; i < n; i++) bytes.set([0x1a, 0x00], 2 + 2 * i)
    const wire = decodeMigrationState(bytes)
    expect(E.isLeft(wire) && wire.left.filter((e) => e.path.join('.').endsWith('guestAddress')).length).toBe(n)
  })
})

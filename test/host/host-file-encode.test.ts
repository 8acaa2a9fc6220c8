/**
 * Host files written by `encodeHostFile` (what `vpci host decode` writes): read back by
 * `decodeHostFile` as the same host, in the plain style the reader takes at any size, however
 * many functions and ranges, whatever characters its strings hold (the fuzzer's `host-pb` target
 * found both: a host of 5×10^4 functions overflowed the stack, its lines spread into one call's
 * arguments; and a persona string with a quote, escaped as JSON does, stopped the plain reader in
 * a file over 1 MiB). The generated hosts'
 * round trip is the `hostSpec` arbitrary's contract (test/arbitraries/contract.test.ts).
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { parsePlainYaml } from '../../src/decode/plain-yaml.js'
import { FULL_YAML_LIMIT } from '../../src/decode/yaml-data.js'
import { decodeHostFile } from '../../src/host/host-file.js'
import { encodeHostFile } from '../../src/host/host-file-encode.js'
import type { HostSpec } from '../../src/host/host-spec.js'
import { pasidRanges } from '../../src/pasid/pasid-ranges.js'
import type { PasidWidth } from '../../src/pasid/pasid.js'
import { decodeHostMessage, encodeHostMessage } from '../../src/state/host-codec.js'
import { hostJson } from '../support/host-json.js'

const many = (functions: number, ranges: number): HostSpec => ({
  name: 'many',
  functions: Array.from({ length: functions }, (_, k) => ({ address: `f${k}`, source: { kind: 'dump', path: 'nic.lspci' }, persona: null, pf: k === 0 ? null : 'f0', free: k % 2 === 0 })),
  pasid: {
    iommuWidth: 20 as PasidWidth,
    cpuTranslation: true,
    split: null,
    global: pasidRanges(20 as PasidWidth, Array.from({ length: ranges }, (_, k) => [3 * k + 1, 3 * k + 3] as const)),
    functions: [],
  },
})

describe('host files written from hosts', () => {
  it('strings with quotes, backslashes, controls and any character, in a file over 1 MiB (read in plain style only): read back the same', () => {
    const odd = ['say "hi"', 'back\\slash', 'two\nlines\ttab', 'smile \u{1f600}', 'line\u2028sep', 'del\u007f nbsp\u00a0', 'bom\ufeff', 'lone \ud800', "it's"]
    const host: HostSpec = {
      ...many(odd.length, 100_000),
      name: odd.join(' | '),
      functions: odd.map((s, k) => ({ address: s, source: { kind: 'sysfs', path: s }, persona: { family: s, hardwareVersion: s, firmware: s, migrationStreams: [k] }, pf: null, free: true })),
    }
    const text = encodeHostFile(host)
    expect(text.length).toBeGreaterThan(FULL_YAML_LIMIT)
    const back = decodeHostFile(text)
    expect(E.isRight(back) && JSON.stringify(hostJson(back.right))).toBe(JSON.stringify(hostJson(host)))
  })

  it('notes of any text (what a scan read from a hostile tree) stay comments: the file reads back the same host, in plain style, schema line first', () => {
    const odd = ['two\nlines', 'key: value', '- item', '"quoted" #hash', 'tab\there', 'ctl\u0000\u001b[31m', 'line\u2028sep', 'bom\ufeff', 'lone \ud800', 'smile \u{1f600}']
    const host = many(odd.length, 10)
    const text = encodeHostFile({ ...host, note: odd, functionNotes: odd.map((n) => [n, n]), pasidNote: odd })
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=https://vpci-migrate.dev/schema/host.schema.json')
    expect(E.isRight(parsePlainYaml(text))).toBe(true)
    const back = decodeHostFile(text)
    expect(E.isRight(back) && JSON.stringify(hostJson(back.right))).toBe(JSON.stringify(hostJson(host)))
  })

  it('5×10^4 functions and 10^4 ranges: written in plain style, read back the same, through the message too', () => {
    const host = many(50_000, 10_000)
    const text = encodeHostFile(host)
    expect(E.isRight(parsePlainYaml(text))).toBe(true)
    // Compared as JSON text: a deep comparison of 5×10^4 records is the test's own slowest part.
    const expected = JSON.stringify(hostJson(host))
    const back = decodeHostFile(text)
    expect(E.isRight(back) && JSON.stringify(hostJson(back.right)) === expected).toBe(true)
    const message = decodeHostMessage(encodeHostMessage(host))
    expect(E.isRight(message) && JSON.stringify(hostJson(message.right)) === expected).toBe(true)
  })
})

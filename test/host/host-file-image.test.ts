/**
 * Host files that carry their functions' images (`image: {config, resource}`, what `vpci host
 * scan --embed` writes): the bytes and BARs come back exactly, and a malformed image is refused
 * at its path, not at load time.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { encodeHostFile } from '../../src/host/encode-host-file.js'
import { decodeHostFile } from '../../src/host/host-file.js'
import { readCorpusText } from '../support/repo-corpus.js'

const config = Uint8Array.from({ length: 256 }, (_, i) => (i * 37) & 0xff)
const RESOURCE = '0x00000000fe000000 0x00000000fe3fffff 0x000000000014220c\n'

const host = (image: string): string => `apiVersion: vpci/v1
kind: Host
metadata: { name: h }
functions:
  - address: "0000:01:00.0"
${image}
`

describe('host files with embedded images', () => {
  it('round trip: the bytes and the resource text come back', () => {
    const text = encodeHostFile({ name: 'h', pasid: null, functions: [{ address: '0000:01:00.0', source: { kind: 'image', config, resource: RESOURCE }, persona: null, pf: null, free: true }] })
    const spec = decodeHostFile(text)
    if (E.isLeft(spec)) throw new Error(JSON.stringify(spec.left))
    expect(spec.right.functions[0]!.source).toEqual({ kind: 'image', config, resource: RESOURCE })
  })

  // Found by the sysfs-tree fuzz target (corpus/fuzz/sysfs-tree/): an empty resource file was written as a
  // block of one blank line, which read back as a line that is not a resource line.
  it.each(['', '0x0 0x0 0x0', '0x00000000fe000000 0x00000000fe3fffff 0x000000000014220c\r\n', ' 0x1 0x2 0x3\n'])('a resource file of any text round-trips exactly: %j', (resource) => {
    const text = encodeHostFile({ name: 'h', pasid: null, functions: [{ address: '0000:01:00.0', source: { kind: 'image', config, resource }, persona: null, pf: null, free: true }] })
    const spec = decodeHostFile(text)
    expect(E.isRight(spec) && spec.right.functions[0]!.source).toEqual({ kind: 'image', config, resource })
  })

  it.each([
    ['300 bytes', `    image:\n      config: "${'00 '.repeat(300)}"`, 'functions.0.image.config', '300 bytes; a config space is 64, 256 or 4096'],
    ['not hex', '    image:\n      config: "0g 00"', 'functions.0.image.config', 'expected hex bytes'],
    ['a resource that is not one', `    image:\n      config: "${'00 '.repeat(64)}"\n      resource: "BAR0 4 MiB"`, 'functions.0.image.resource', 'line 1: not a sysfs resource line (0xSTART 0xEND 0xFLAGS)'],
    ['an image and a dump', `    dump: x.lspci\n    image:\n      config: "${'00 '.repeat(64)}"`, 'functions.0', 'give exactly one of dump, sysfs, layout or image (got dump, image)'],
    ['an unknown key in the image', `    image:\n      config: "${'00 '.repeat(64)}"\n      bars: []`, 'functions.0.image.bars', 'unknown key "bars"; expected one of: config, resource'],
  ])('refuses %s at its path', (_, image, path, message) => {
    const r = decodeHostFile(host(image))
    expect(E.isLeft(r) && r.left.map((e) => [e.path.join('.'), e.message])).toEqual([[path, message]])
  })

  it('the embedded corpus host decodes to images of 4096 bytes with their BARs', () => {
    const spec = decodeHostFile(readCorpusText('hosts/host-embedded.yaml'))
    if (E.isLeft(spec)) throw new Error(JSON.stringify(spec.left))
    expect(spec.right.functions.map((f) => (f.source.kind === 'image' ? [f.source.config.length, f.source.resource?.split('\n')[0]] : null))).toEqual([
      [4096, '0x00000000fe000000 0x00000000fe3fffff 0x000000000014220c'],
      [4096, '0x00000000f8000000 0x00000000f9ffffff 0x000000000014220c'],
    ])
  })
})

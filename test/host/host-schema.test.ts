/**
 * The shipped JSON Schemas of host files and PASID state files: each is the one the code exports,
 * accepts every example the repository ships and every file vpci writes (scanned hosts, embedded
 * or not; generated PASID states), and refuses the shape errors an editor should flag — each of
 * which the decoder refuses too.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Ajv2020 from 'ajv/dist/2020.js'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { buildTree } from '../../corpus/sysfs-trees/make-sysfs-tree.mjs'
import * as arb from '../../src/arbitraries/index.js'
import { nodeSysfsReader } from '../../src/capture/node-sysfs-reader.js'
import { scanHost } from '../../src/capture/scan-host.js'
import { scannedHostFile } from '../../src/capture/scanned-host.js'
import { encodeHostFile } from '../../src/host/host-file-encode.js'
import { decodeHostFile } from '../../src/host/host-file.js'
import { hostJsonSchema } from '../../src/host/host-schema.js'
import { functionLayoutJsonSchema } from '../../src/layout/layout-schema.js'
import { decodePasidState, encodePasidState } from '../../src/pasid/pasid-files.js'
import { pasidStateJsonSchema } from '../../src/pasid/pasid-state-schema.js'
import { corpusPath, readCorpusText } from '../support/repo-corpus.js'

// An inline layout refers to the layout file's schema, shipped beside it.
const hostSchema = new Ajv2020({ allErrors: true }).addSchema(functionLayoutJsonSchema()).compile(hostJsonSchema())
const pasidSchema = new Ajv2020({ allErrors: true }).compile(pasidStateJsonSchema())

describe('host file JSON Schema', () => {
  it('the file shipped in schema/ is the exported schema (npm run schema:generate)', () => {
    expect(JSON.parse(readFileSync(corpusPath('../schema/host.schema.json'), 'utf8'))).toEqual(hostJsonSchema())
  })

  it.each(['hosts/host-good.yaml', 'hosts/host-no-translation.yaml', 'hosts/host-split-low.yaml', 'hosts/host-v2-accelerator.yaml', 'hosts/host-embedded.yaml', 'hosts/host-mixed.yaml', 'hosts/host-mixed-embedded.yaml', 'pasid/host-b.yaml'])('accepts %s', (file) => {
    expect(hostSchema(parse(readCorpusText(file))), JSON.stringify(hostSchema.errors)).toBe(true)
  })

  it('accepts the host files vpci host scan writes, with paths and with embedded images', async () => {
    const { sys, cpuinfo } = buildTree(mkdtempSync(join(tmpdir(), 'vpci-schema-')), 'lab')
    const scan = await scanHost(nodeSysfsReader, { root: sys, cpuinfo })
    if (E.isLeft(scan)) throw new Error(JSON.stringify(scan.left))
    for (const embed of [false, true]) {
      const text = encodeHostFile(scannedHostFile(scan.right, { embed }))
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=https://vpci-migrate.dev/schema/host.schema.json')
      expect(hostSchema(parse(text)), JSON.stringify(hostSchema.errors)).toBe(true)
    }
  })

  const good = parse(readCorpusText('hosts/host-good.yaml'))
  const fn = good.functions[0]
  /** A 64-byte image as lspci rows. */
  const ROWS = ['00', '10', '20', '30'].map((at) => `${at}: ${'00 '.repeat(15)}00`)
  it.each([
    ['an unknown key', { ...good, pasdi: {} }],
    ['two sources', { ...good, functions: [{ ...fn, sysfs: '/sys/bus/pci/devices/0000:5a:00.0' }] }],
    ['no source', { ...good, functions: [{ address: fn.address }] }],
    ['no address', { ...good, functions: [{ dump: fn.dump }] }],
    ['an image that is not hex', { ...good, functions: [{ address: fn.address, image: { config: [`00: zz${' 00'.repeat(15)}`, ...ROWS.slice(1)] } }] }],
    ['an image of 80 bytes', { ...good, functions: [{ address: fn.address, image: { config: [...ROWS, '40: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00'] } }] }],
    ['an image as spaced hex text', { ...good, functions: [{ address: fn.address, image: { config: '00 01' } }] }],
    ['an image with an unknown key', { ...good, functions: [{ address: fn.address, image: { config: ROWS, bars: [] } }] }],
    ['an image with the old resource text', { ...good, functions: [{ address: fn.address, image: { config: ROWS, resource: '0x0 0x0 0x0\n' } }] }],
    ['a resource of no kind', { ...good, functions: [{ address: fn.address, image: { config: ROWS, resources: [{ index: 0, kind: 'bar', size: 0, prefetchable: false, is64Bit: false }] } }] }],
    ['a resource without its size', { ...good, functions: [{ address: fn.address, image: { config: ROWS, resources: [{ index: 0, kind: 'memory', prefetchable: false, is64Bit: false }] } }] }],
    ['an inline layout of another kind', { ...good, functions: [{ address: fn.address, layout: { apiVersion: 'vpci/v1', kind: 'Host' } }] }],
    ['an IOMMU 21 bits wide', { ...good, pasid: { ...good.pasid, iommuWidth: 21 } }],
    ['a PASID function without its width', { ...good, pasid: { ...good.pasid, functions: [{ ...good.pasid.functions[0], capabilityWidth: undefined }] } }],
  ])('refuses %s, as the decoder does', (_, value) => {
    const json = JSON.parse(JSON.stringify(value))
    expect(hostSchema(json)).toBe(false)
    expect(E.isLeft(decodeHostFile(JSON.stringify(json)))).toBe(true)
  })
})

describe('PASID state JSON Schema', () => {
  it('the file shipped in schema/ is the exported schema', () => {
    expect(JSON.parse(readFileSync(corpusPath('../schema/pasid-state.schema.json'), 'utf8'))).toEqual(pasidStateJsonSchema())
  })

  it.each(['pasid/vm-enqcmd.json', 'pasid/vm-global-per-function.json'])('accepts %s', (file) => {
    expect(pasidSchema(JSON.parse(readCorpusText(file))), JSON.stringify(pasidSchema.errors)).toBe(true)
  })

  it('accepts every generated PASID state as vpci writes it', () => {
    fc.assert(
      fc.property(arb.pasidState(), (s) => {
        expect(pasidSchema(JSON.parse(encodePasidState(s))), JSON.stringify(pasidSchema.errors)).toBe(true)
      }),
      { numRuns: 200, seed: 7 },
    )
  })

  const split = JSON.parse(readCorpusText('pasid/vm-enqcmd.json'))
  const bound = JSON.parse(readCorpusText('pasid/vm-global-per-function.json'))
  it.each([
    ['a misspelt mode', { ...split, mode: 'global_split' }],
    ['global-split without locals', { ...split, locals: undefined }],
    ['global-split without its split', { ...split, split: undefined }],
    ['a bound mode without bindings', { ...bound, bindings: undefined }],
    ['a width of 21', { ...split, functions: [{ ...split.functions[0], capability: { ...split.functions[0].capability, width: 21 } }] }],
    ['a binding without its PASID', { ...bound, bindings: [{ function: bound.bindings[0].function }] }],
    ['a PASID of 2^20', { ...split, locals: [{ local: 1 << 20, functions: ['00:05.0'] }] }],
    ['a function without enqcmd', { ...split, functions: [{ id: '00:05.0', capability: split.functions[0].capability }] }],
  ])('refuses %s, as the decoder does', (_, value) => {
    const json = JSON.parse(JSON.stringify(value))
    expect(pasidSchema(json)).toBe(false)
    expect(E.isLeft(decodePasidState(JSON.stringify(json)))).toBe(true)
  })
})

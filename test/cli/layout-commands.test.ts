/**
 * `vpci derive`, `vpci build` and `vpci check LAYOUT PHYSICAL`: what they write, their exit
 * codes, and their one-line errors.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { readDump } from '../../src/dump/read-dump.js'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { vpci } from '../support/cli.js'
import { corpusPath, readCorpusText } from '../support/repo-corpus.js'

const layoutFile = corpusPath('layouts/accelerator-v1.yaml')
const tmp = () => mkdtempSync(join(tmpdir(), 'vpci-'))

describe('vpci derive', () => {
  it('writes a layout file that decodes, hiding PASID and emulating it at 0xff8', async () => {
    const r = await vpci('derive', corpusPath('functions/pasid-ats-pri-endpoint.lspci'))
    expect(r.code).toBe(0)
    const layout = decodeLayout(r.stdout, 'stdout')
    if (E.isLeft(layout)) throw new Error(JSON.stringify(layout.left))
    expect(layout.right.hidden).toEqual([{ space: 'extended', id: 0x1b, offset: 0x150 }])
    expect(layout.right.capabilities.at(-1)).toMatchObject({ id: 0x1b, offset: 0xff8, backing: 'emulated' })
  })

  it('--policy none --pasid none -o FILE', async () => {
    const file = join(tmp(), 'l.yaml')
    const r = await vpci('derive', corpusPath('functions/pasid-ats-pri-endpoint.lspci'), '--policy', 'none', '--pasid', 'none', '-o', file)
    expect([r.code, r.stdout]).toEqual([0, ''])
    const layout = decodeLayout(readFileSync(file, 'utf8'), file)
    expect(E.isRight(layout) && layout.right.hidden).toEqual([])
  })

  it('--usable bounds where the vPASID may go', async () => {
    const r = await vpci('derive', corpusPath('functions/pasid-ats-pri-endpoint.lspci'), '--usable', '0x400-0x500')
    const layout = decodeLayout(r.stdout, 'stdout')
    expect(E.isRight(layout) && layout.right.capabilities.at(-1)?.offset).toBe(0x4f8)
  })

  it.each([
    [['derive', corpusPath('functions/pasid-ats-pri-endpoint.lspci'), '--usable', '0x500-0x400'], /--usable takes ranges like/],
    [['derive', corpusPath('functions/pasid-ats-pri-endpoint.lspci'), '--policy', 'vmware'], /--policy takes kernel, qemu or none/],
    [['derive', corpusPath('functions/pasid-ats-pri-endpoint.lspci'), '--pasid', '0x14a'], /pasid: cannot place the vPASID capability at 0x14a: not dword-aligned/],
    [['derive', corpusPath('broken/beyond-image-64.lspci')], /was read as 64 bytes/],
  ])('%j: exit 2, one line', async (argv, message) => {
    const r = await vpci(...argv)
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')).toHaveLength(2)
    expect(r.stderr).toMatch(message)
  })
})

describe('vpci build', () => {
  it('lspci text that reads back to the layout\'s image', async () => {
    const r = await vpci('build', layoutFile)
    expect(r.code).toBe(0)
    const dump = readDump(new TextEncoder().encode(r.stdout), 'built')
    expect(E.isRight(dump) && dump.right.config.size).toBe(4096)
    // The emulated PASID is presented at 0xff8: its header dword (ID 0x1b, version 1, last in the chain).
    expect(E.isRight(dump) && Array.from(dump.right.config.bytes.subarray(0xff8, 0xffc))).toEqual([0x1b, 0x00, 0x01, 0x00])
  })

  it('--format binary -o FILE writes the raw 4096 bytes', async () => {
    const file = join(tmp(), 'config')
    const r = await vpci('build', layoutFile, '--format', 'binary', '-o', file)
    expect(r.code).toBe(0)
    expect(readFileSync(file)).toHaveLength(4096)
  })

  it('a malformed layout: exit 2 with file, line and path', async () => {
    const r = await vpci('build', corpusPath('layouts/bad/offset-misaligned.yaml'))
    expect(r.code).toBe(2)
    const line = readCorpusText('layouts/bad/offset-misaligned.yaml').split('\n').findIndex((l) => l.includes('offset: 0x92')) + 1
    expect(r.stderr).toBe(`vpci: ${corpusPath('layouts/bad/offset-misaligned.yaml')}:${line}: capabilities[2].offset: 0x92 is not dword-aligned\n`)
  })
})

describe('vpci check LAYOUT PHYSICAL', () => {
  it('V1 host: exit 0 with the offset map', async () => {
    const r = await vpci('check', layoutFile, corpusPath('families/accelerator/v1-host-b.lspci'), '--json')
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(Object.keys(json)).toEqual(['compatible', 'reasons', 'omittedReasons', 'certificate', 'offsetMap'])
    expect(json.offsetMap.map((m: { virtualOffset: number; physicalOffset: number | null }) => [m.virtualOffset, m.physicalOffset])).toContainEqual([0xff8, null])
  })

  it('V2 host: exit 1, naming the capacity fields', async () => {
    const r = await vpci('check', layoutFile, corpusPath('families/accelerator/v2-host-c.lspci'))
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^INCOMPATIBLE/)
    expect(r.stdout).toContain('Max PASID Width: the layout presents 20 bits, the physical function has 16 bits')
  })

  it('--pf without a layout is a usage error', async () => {
    const r = await vpci('check', corpusPath('families/accelerator/v1-host-a.lspci'), corpusPath('families/accelerator/v1-host-b.lspci'), '--pf', layoutFile)
    expect(r.code).toBe(2)
  })
})

/**
 * The fleet commands through the real CLI: `derive` with several functions (notes in the file
 * and on stderr, identity refused until named), `derive`'s quirk warnings (from the Linux tg3
 * register map: the BCM5719's bytes at 0x68–0xbf and 0xf4/0xfc are its registers; its byte 0x47
 * is explained by nothing), `matrix` in its three formats, `report` (the file and its path),
 * `check --vmm`'s usage, and `npm start`'s last line.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { matrixCsv } from '../../src/cli/render-matrix.js'
import { vpci } from '../support/cli.js'
import { CORPUS_ROOT, corpusPath } from '../support/repo-corpus.js'
import { realDumpPath, sharedCorpusPresent } from '../support/shared-corpus.js'

const accel = (n: string): string => corpusPath(`families/accelerator/${n}.lspci`)
const nic = (n: string): string => corpusPath(`families/nic/${n}.lspci`)
const layout = (n: string): string => corpusPath(`layouts/${n}.yaml`)

describe('vpci derive with several functions', () => {
  it('writes the common layout with what was given up as comments, and lists it on stderr', async () => {
    const r = await vpci('derive', accel('v1-host-a'), accel('v2-host-c'), '--identity', 'revisionId=0x01')
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n').slice(0, 5)).toEqual([
      '# Common layout of 2 functions (vpci derive): 5a:00.0, 17:00.0',
      '# Given up so that every function can back it:',
      '#   Revision ID 0x1 presented as named: 0x2 on 17:00.0',
      '#   Page Request Interface at 0x158, Outstanding Page Request Capacity lowered from 512 to 256: 256 on 17:00.0',
      '#   emulated Process Address Space ID at 0xff8, Max PASID Width lowered from 20 bits to 16 bits: 16 bits on 17:00.0',
    ])
    expect(r.stderr).toContain('vpci: note: Page Request Interface at 0x158, Outstanding Page Request Capacity lowered from 512 to 256: 256 on 17:00.0\n')
    // The file is a layout file like any other, and the V2 accelerator backs it.
    const l = decodeLayout(r.stdout, 'common.yaml')
    expect(E.isRight(l)).toBe(true)
    const dir = mkdtempSync(join(tmpdir(), 'vpci-fleet-'))
    const file = join(dir, 'common.yaml')
    expect((await vpci('derive', accel('v1-host-a'), accel('v2-host-c'), '--identity', 'revisionId=1', '-o', file)).code).toBe(0)
    expect((await vpci('check', file, accel('v2-host-c'))).code).toBe(0)
    expect((await vpci('check', file, accel('v1-host-b'))).code).toBe(0)
  })

  it('refuses functions whose identities differ until the one to present is named', async () => {
    const r = await vpci('derive', nic('v1'), nic('v2'))
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('vpci: identity.revisionId: Revision ID differs: 0x1 on 3b:00.0, 0x2 on 5e:00.0; name the one to present (--identity revisionId=0x1)\n')
    expect((await vpci('derive', nic('v1'), nic('v2'), '--identity', 'revision=1')).stderr).toContain('--identity takes FIELD=VALUE')
    expect((await vpci('derive', nic('v1'), nic('v2'), '--identity', 'revisionId=0x100')).stderr).toContain('does not fit the register (at most 0xff)')
    expect((await vpci('derive', nic('v1'), '--identity', 'revisionId=1')).stderr).toContain('--identity goes with several functions')
    expect((await vpci('derive', nic('v1'), nic('v2'), '--pf', nic('v1'))).stderr).toContain('--pf goes with one function')
  })
})

describe.skipIf(!sharedCorpusPresent)('vpci derive: bytes outside every capability', () => {
  it('warns for the BCM5719 bytes no quirk explains (0x47), not for its Tigon3 registers', async () => {
    const r = await vpci('derive', realDumpPath('broadcom-bcm5719-fn0'))
    expect(r.code).toBe(0)
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('vpci: warning:'))
    expect(warnings).toEqual([expect.stringContaining('0x47 reads 29 outside every capability, and no device quirk explains it')])
  })
})

describe('vpci matrix', () => {
  const args = ['--layouts', `${layout('nic-v1')},${layout('nic-v2')}`, '--functions', `${nic('v1')},${corpusPath('hosts/host-good.yaml')}`, ...CORPUS_ROOT]

  it('text: per layout, which functions back it and why the others do not', async () => {
    const r = await vpci('matrix', ...args)
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe('2 layouts × 3 functions: 3 of 6 cells back (3 device classes judged)')
    expect(r.stdout).toContain(`  REFUSED  ${nic('v1')}: CAP_MISSING [0x188]: the layout passes through Page Request Interface v1 at 0x188, but ${nic('v1')} has no Page Request Interface capability`)
    expect(r.stdout).toContain('  backs    host-good/0000:5e:00.0')
  })

  it('--json: every cell; --csv: one row per cell', async () => {
    const json = JSON.parse((await vpci('matrix', ...args, '--json')).stdout)
    expect(json.cells).toHaveLength(6)
    expect(json.classesJudged).toBe(3)
    expect(json.cells[0]).toMatchObject({ layout: layout('nic-v1'), function: nic('v1'), compatible: true })
    const csv = (await vpci('matrix', ...args, '--csv')).stdout.split('\r\n')
    expect(csv[0]).toBe('layout,function,compatible,errors,warnings,code,offset,reason')
    expect(csv).toHaveLength(8)
  })

  it('usage: both lists, and not both formats', async () => {
    expect((await vpci('matrix', '--layouts', layout('nic-v1'))).code).toBe(2)
    expect((await vpci('matrix', ...args, '--json', '--csv')).stderr).toContain('give --json or --csv, not both')
  })

  it('CSV fields a spreadsheet would run as formulas are escaped', () => {
    const cell = { compatible: false, reason: null, errors: 1, warnings: 0, offsetMap: null }
    const text = matrixCsv({ layouts: ['=HYPERLINK("x")'], functions: ['+cmd', 'a,b'], cells: [[cell, cell]], classesJudged: 1 })
    expect(text.split('\r\n').slice(1, 3)).toEqual(['"\'=HYPERLINK(""x"")",\'+cmd,false,1,0,,,', '"\'=HYPERLINK(""x"")","a,b",false,1,0,,,'])
  })
})

describe('vpci report', () => {
  it('writes the page and prints its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpci-report-'))
    const file = join(dir, 'r.html')
    const r = await vpci('report', layout('nic-v1'), nic('v2'), '-o', file)
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`report written to ${file}\n`)
    const html = readFileSync(file, 'utf8')
    expect(html).toContain('<strong>REALIZABLE</strong>')
    expect(html).toContain("default-src 'none'")
  })

  it('all three forms, and their usage errors', async () => {
    expect((await vpci('report', accel('v1-host-a'), accel('v2-host-c'))).stdout).toContain('<strong>INCOMPATIBLE</strong>')
    expect((await vpci('report', '--layouts', layout('nic-v1'), '--functions', nic('v1'))).stdout).toContain('✓ backs')
    expect((await vpci('report', accel('v1-host-a'))).code).toBe(2)
    expect((await vpci('report', layout('nic-v1'), nic('v2'), '--vmm', 'qemu-9.1')).stderr).toContain('--instance and --vmm go with two functions')
  })
})

describe('vpci check --vmm', () => {
  it('takes a known VMM and goes with two functions only', async () => {
    expect((await vpci('check', accel('v1-host-a'), accel('v1-host-b'), '--vmm', 'qemu-9.1')).code).toBe(0)
    expect((await vpci('check', accel('v1-host-a'), accel('v1-host-b'), '--vmm', 'qemu-8')).stderr).toBe('vpci: check: --vmm takes qemu-9.0 or qemu-9.1, not "qemu-8"\n')
    expect((await vpci('check', layout('nic-v1'), nic('v2'), '--vmm', 'qemu-9.1')).stderr).toBe('vpci: check: --vmm goes with two functions (SOURCE DESTINATION)\n')
  })
})

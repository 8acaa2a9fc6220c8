/**
 * `vpci check`: the JSON shape it promises, the verdict-first human output, exit codes, and the
 * certificate file.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { vpci } from '../support/cli.js'
import { corpusPath } from '../support/repo-corpus.js'

const v1a = corpusPath('families/accelerator/v1-host-a.lspci')
const v1b = corpusPath('families/accelerator/v1-host-b.lspci')
const v2 = corpusPath('families/accelerator/v2-host-c.lspci')

describe('vpci check', () => {
  it('--json prints exactly the promised shape; exit 1 when incompatible', async () => {
    const r = await vpci('check', v1a, v2, '--json')
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('')
    const json = JSON.parse(r.stdout)
    expect(Object.keys(json)).toEqual(['compatible', 'reasons', 'omittedReasons', 'certificate'])
    expect(json.omittedReasons).toBe(0)
    expect(json.compatible).toBe(false)
    for (const reason of json.reasons) {
      expect(Object.keys(reason)).toEqual(['code', 'severity', 'capability', 'field', 'offset', 'length', 'source', 'destination', 'message'])
    }
    // PASID capability register +0x04 bits 12:8: 20 on V1, 16 on V2.
    expect(json.reasons).toContainEqual({
      code: 'FIELD_CAPACITY',
      severity: 'error',
      capability: 'Process Address Space ID',
      field: 'maxPasidWidth',
      offset: 0x154,
      length: 2,
      source: 20,
      destination: 16,
      message:
        'Process Address Space ID v1 at 0x150, Max PASID Width: source 20 bits, destination 16 bits — the guest may hold PASIDs up to the source\'s width',
    })
    expect(json.certificate.kind).toBe('vpci/equivalence-certificate')
  })

  it('exit 0 when compatible; the human output gives the verdict first, then reasons by capability', async () => {
    const r = await vpci('check', v1a, v1b)
    expect(r.code).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toMatch(/^COMPATIBLE: .*v1-host-a\.lspci → .*v1-host-b\.lspci \(0 errors, 2 warnings\)$/)
    expect(lines[1]).toBe('  Device Serial Number:')
    expect(lines[2]).toMatch(/^ {4}warning FIELD_INSTANCE \[0x16c\+4\]: /)
    expect(lines[3]).toBe('  BARs:')
  })

  it('--instance refuse refuses differing serial numbers as QEMU does', async () => {
    const r = await vpci('check', v1a, v1b, '--instance', 'refuse')
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^INCOMPATIBLE/)
  })

  it('--certificate FILE writes the certificate', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vpci-')), 'cert.json')
    const r = await vpci('check', v1a, v1b, '--certificate', file)
    expect(r.code).toBe(0)
    const cert = JSON.parse(readFileSync(file, 'utf8'))
    expect(cert).toMatchObject({ kind: 'vpci/equivalence-certificate', version: 1, compatible: true, options: { instance: 'warn' } })
    expect(cert.source.digest).toMatch(/^[0-9a-f]{64}$/)
  })

  it('a sysfs folder brings BAR sizes, so the BAR warning goes', async () => {
    const folder = corpusPath('sysfs/0000:5a:00.0')
    const r = await vpci('check', folder, folder, '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).reasons).toEqual([])
  })

  it.each([
    [['check', v1a], /check takes SOURCE and DESTINATION/],
    [['check', v1a, corpusPath('bad-input/cut-short.lspci')], /cut-short\.lspci:9: dump holds 128 bytes/],
    [['check', v1a, v1b, '--instance', 'maybe'], /--instance takes warn or refuse/],
    [['check', v1a, v1b, '--certificate', '/nonexistent-dir/x.json'], /cannot write the certificate to \/nonexistent-dir\/x\.json/],
  ])('bad input %j: exit 2 and one line', async (argv, message) => {
    const r = await vpci(...argv)
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')).toHaveLength(2)
    expect(r.stderr).toMatch(message)
  })
})

/**
 * `vpci check`: the JSON shape it promises, the verdict-first human output, exit codes, and the
 * certificate file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { vpci } from '../support/cli.js'
import { CORPUS_ROOT, corpusPath } from '../support/repo-corpus.js'

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

/**
 * `vpci check ... --verify CERT` (issue 11, item 12): a saved certificate re-derived from the
 * command line, both kinds. Exit 0 it holds; 1 it does not, each mismatch named; 2 the file is
 * not a certificate of that kind. Tampered certificates are reported, never accepted, and never
 * end in an internal error.
 */
describe('vpci check --verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-verify-'))
  const write = (name: string, content: unknown): string => {
    const file = join(dir, name)
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content))
    return file
  }
  const STATE = corpusPath('state/vm-17-n2-schema-v1.pb')
  const HOST = corpusPath('hosts/host-good.yaml')

  it('an equivalence certificate holds when re-derived from the same functions and options; another pair or option does not', async () => {
    const file = join(dir, 'pair.json')
    expect((await vpci('check', v1a, v1b, '--certificate', file)).code).toBe(0)
    const holds = await vpci('check', v1a, v1b, '--verify', file)
    expect([holds.code, holds.stdout]).toEqual([0, `HOLDS: ${file} re-derived from ${v1a} and ${v1b}\n`])
    const other = await vpci('check', v1a, v2, '--verify', file)
    expect(other.code).toBe(1)
    expect(other.stdout).toMatch(/^DOES NOT HOLD: /)
    expect(other.stdout).toContain('  destination.name: the certificate has')
    expect(other.stdout).toContain('  destination.digest: the certificate has')
    // Made under --instance warn; the verifier asks for refuse.
    const refuse = await vpci('check', v1a, v1b, '--verify', file, '--instance', 'refuse', '--json')
    expect(refuse.code).toBe(1)
    expect(JSON.parse(refuse.stdout).mismatches.map((m: { what: string }) => m.what)).toEqual(expect.arrayContaining(['options.instance', 'compatible']))
  })

  it('a whole-VM certificate holds against the same state and host; another host does not', async () => {
    const file = join(dir, 'vm.json')
    expect((await vpci('check', STATE, HOST, '--certificate', file, ...CORPUS_ROOT)).code).toBe(0)
    expect((await vpci('check', STATE, HOST, '--verify', file, ...CORPUS_ROOT)).code).toBe(0)
    const gone = await vpci('check', STATE, corpusPath('hosts/host-split-low.yaml'), '--verify', file, '--json', ...CORPUS_ROOT)
    expect([gone.code, JSON.parse(gone.stdout)]).toEqual([1, { holds: false, mismatches: [{ what: 'verdict', certificate: '"compatible"', rederived: '"the host no longer takes the VM"' }], omittedMismatches: 0 }])
  })

  it('tampered certificates: changed digest, dropped obligation, changed option give 1 with the field named; index-keyed arrays, {}, garbage, the wrong kind give 2', async () => {
    const pair = join(dir, 'pair2.json')
    await vpci('check', v1a, v1b, '--certificate', pair)
    const cert = JSON.parse(readFileSync(pair, 'utf8'))
    const vm = join(dir, 'vm2.json')
    await vpci('check', STATE, HOST, '--certificate', vm, ...CORPUS_ROOT)
    const vmCert = JSON.parse(readFileSync(vm, 'utf8'))
    const pairCases: Array<[unknown, number, RegExp]> = [
      [{ ...cert, source: { ...cert.source, digest: '0'.repeat(64) } }, 1, /^ {2}source\.digest: /m],
      [{ ...cert, obligations: cert.obligations.slice(1) }, 1, /^ {2}obligations: the certificate has "\d+ entries", re-derived "\d+ entries"$/m],
      [{ ...cert, options: { ...cert.options, instance: 'refuse' } }, 1, /^ {2}options\.instance: /m],
      [{ ...cert, obligations: { ...cert.obligations } }, 2, /not an equivalence certificate: obligations: expected /],
      [{}, 2, /not an equivalence certificate: kind: missing/],
      ['{"kind": "vpci/equivalence-cert', 2, /not a certificate: not JSON/],
      [vmCert, 2, /not an equivalence certificate: kind: expected /],
    ]
    for (const [content, code, message] of pairCases) {
      const r = await vpci('check', v1a, v1b, '--verify', write('t.json', content))
      expect([r.code, `${r.stdout}${r.stderr}`]).toEqual([code, expect.stringMatching(message)])
      // Every problem on its own line, each naming the file.
      if (code === 2) for (const line of r.stderr.trimEnd().split('\n')) expect(line).toMatch(/^vpci: .*t\.json: not (a|an equivalence) certificate/)
    }
    const vmCases: Array<[unknown, number, RegExp]> = [
      [{ ...vmCert, functions: vmCert.functions.map((f: { physicalDigest: string }, i: number) => (i === 0 ? { ...f, physicalDigest: 'ab'.repeat(32) } : f)) }, 1, /^ {2}functions\[0\]\.physicalDigest: /m],
      [{ ...vmCert, functions: { ...vmCert.functions } }, 2, /not a migration certificate: functions: expected /],
      [{ ...vmCert, pasid: { ...vmCert.pasid, map: { ...vmCert.pasid.map } } }, 2, /not a migration certificate: pasid\.map: expected /],
      [{}, 2, /not a migration certificate: kind: missing/],
      ['garbage', 2, /not a certificate: not JSON/],
      [cert, 2, /not a migration certificate: kind: expected /],
    ]
    for (const [content, code, message] of vmCases) {
      const r = await vpci('check', STATE, HOST, '--verify', write('t.json', content), ...CORPUS_ROOT)
      expect([r.code, `${r.stdout}${r.stderr}`]).toEqual([code, expect.stringMatching(message)])
    }
  })

  it.each([
    [['--certificate', 'x.json'], /--verify reads a certificate, --certificate writes one/],
    [[], /no such file/],
  ])('usage %j: exit 2', async (extra, message) => {
    const r = await vpci('check', v1a, v1b, '--verify', join(dir, 'missing.json'), ...extra)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
  })

  it('a layout check has no certificate to verify', async () => {
    const r = await vpci('check', corpusPath('layouts/nic-v1.yaml'), corpusPath('families/nic/v2.lspci'), '--verify', join(dir, 'x.json'))
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/a layout check has no certificate/)])
  })
})

/**
 * `vpci host encode HOST.yaml -o HOST.pb` and `vpci host decode HOST.pb -o HOST.yaml` (issue 12,
 * item 5): on every corpus host, YAML → message → YAML loads to the same host (every function's
 * semantic digest, image, BAR sizes and declared BARs; personas, PFs, free; PASID pools), and
 * `check`, `filter` and `remap --host` give the same answers on all three forms. The message
 * travels alone: it is judged from a folder holding nothing else. Forms are told by content,
 * not by the file's name. Corpus hosts name files outside their folder, so they are read with
 * `--root` the corpus, as check reads them.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { processIo } from '../../src/cli/io.js'
import { loadHost } from '../../src/cli/load-host.js'
import { hexOf } from '../../src/decode/hex-bytes.js'
import type { Host } from '../../src/migrate/host.js'
import { vpci } from '../support/cli.js'
import { corpusPath } from '../support/repo-corpus.js'

const STATE = corpusPath('state/vm-17-n2-schema-v1.pb')
const ROOT = corpusPath('')
const HOSTS = ['hosts/host-good.yaml', 'hosts/host-no-translation.yaml', 'hosts/host-split-low.yaml', 'hosts/host-v2-accelerator.yaml', 'hosts/host-mixed.yaml', 'hosts/host-mixed-embedded.yaml', 'pasid/host-b.yaml', 'pasid/host-c-split-low.yaml', 'pasid/host-d-no-translation.yaml']

/** What a loaded host is, for comparison: functions by digest and content, not by the file they came from. */
const loaded = async (path: string): Promise<unknown> => {
  const host = await loadHost(processIo, path, { root: ROOT })
  if (E.isLeft(host)) throw new Error(host.left.errors(null).map((e) => e.message).join('\n'))
  const h: Host = host.right
  return JSON.parse(
    JSON.stringify(
      {
        name: h.name,
        functions: h.functions.map((f) => ({
          address: f.address,
          persona: f.persona,
          pf: f.pf,
          free: f.free,
          digest: f.function.digest,
          image: hexOf(f.function.config.bytes),
          bars: f.function.bars.canonical,
          declaredBars: f.function.declaredBars,
        })),
        pasid: h.pasid,
      },
      (_, v) => (typeof v === 'bigint' ? v.toString() : v),
    ),
  )
}

const scratch = () => mkdtempSync(join(tmpdir(), 'vpci-host-'))

/** The host encoded and decoded again by the CLI, in a folder of their own. */
const roundTrip = async (file: string): Promise<{ pb: string; yaml: string }> => {
  const dir = scratch()
  const pb = join(dir, 'host.pb')
  const yaml = join(dir, 'host.yaml')
  const enc = await vpci('host', 'encode', corpusPath(file), '--root', ROOT, '-o', pb)
  expect(enc.stderr).toBe('')
  expect(enc.code).toBe(0)
  const dec = await vpci('host', 'decode', pb, '-o', yaml)
  expect(dec.stderr).toBe('')
  expect(dec.code).toBe(0)
  return { pb, yaml }
}

describe('vpci host encode / decode on every corpus host', () => {
  it.each(HOSTS)('%s: YAML → message → YAML loads to the same host', async (file) => {
    const { pb, yaml } = await roundTrip(file)
    const original = await loaded(corpusPath(file))
    expect(await loaded(pb)).toEqual(original)
    expect(await loaded(yaml)).toEqual(original)
    // And the YAML written encodes to the same message again.
    const again = join(scratch(), 'again.pb')
    expect((await vpci('host', 'encode', yaml, '-o', again)).code).toBe(0)
    expect(readFileSync(again)).toEqual(readFileSync(pb))
  })

  it.each(HOSTS.filter((f) => f.startsWith('hosts/')))('%s: vpci check STATE HOST gives the same answer from all three forms', async (file) => {
    const { pb, yaml } = await roundTrip(file)
    const answers = await Promise.all([corpusPath(file), pb, yaml].map((h) => vpci('check', STATE, h, '--json', '--root', ROOT)))
    expect(answers[0]!.code).toBeLessThan(2)
    for (const a of answers.slice(1)) expect([a.code, JSON.parse(a.stdout)]).toEqual([answers[0]!.code, JSON.parse(answers[0]!.stdout)])
  })

  it('vpci filter over messages and YAML accepts and rejects as over the host files', async () => {
    const files = HOSTS.filter((f) => f.startsWith('hosts/'))
    const trips = await Promise.all(files.map(roundTrip))
    const summary = (stdout: string) => {
      const out = JSON.parse(stdout)
      return { accepted: out.accepted.map((a: { host: string; assignment: unknown }) => [a.host, a.assignment]), rejected: out.rejected.map((r: { host: string; reasons: unknown }) => [r.host, r.reasons]) }
    }
    const yaml = await vpci('filter', STATE, ...files.map(corpusPath), '--json', '--root', ROOT)
    const pbs = await vpci('filter', STATE, ...trips.map((t) => t.pb), '--json')
    const mixed = await vpci('filter', STATE, ...trips.map((t, i) => (i % 2 === 0 ? t.pb : t.yaml)), '--json')
    expect(summary(yaml.stdout).accepted).toHaveLength(1)
    expect(summary(pbs.stdout)).toEqual(summary(yaml.stdout))
    expect(summary(mixed.stdout)).toEqual(summary(yaml.stdout))
  })

  it('vpci matrix over messages gives the cells it gives over the host files (the fleet reader sniffs both)', async () => {
    const files = ['hosts/host-good.yaml', 'hosts/host-mixed.yaml']
    const trips = await Promise.all(files.map(roundTrip))
    const layouts = ['layouts/nic-v2.yaml', 'layouts/accelerator-v1.yaml'].map(corpusPath).join(',')
    const yaml = await vpci('matrix', '--layouts', layouts, '--functions', files.map(corpusPath).join(','), '--root', ROOT, '--json')
    const pbs = await vpci('matrix', '--layouts', layouts, '--functions', trips.map((t) => t.pb).join(','), '--root', ROOT, '--json')
    expect(yaml.code).toBe(0)
    expect([pbs.code, JSON.parse(pbs.stdout)]).toEqual([yaml.code, JSON.parse(yaml.stdout)])
    expect(JSON.parse(yaml.stdout).functions).toHaveLength(5)
  })

  it.each(['pasid/host-b.yaml', 'pasid/host-c-split-low.yaml', 'pasid/host-d-no-translation.yaml'])('%s: vpci remap --host plans the same from the message', async (file) => {
    const { pb } = await roundTrip(file)
    for (const state of ['pasid/vm-enqcmd.json', 'pasid/vm-global-per-function.json']) {
      const yaml = await vpci('remap', corpusPath(state), '--host', corpusPath(file), '--json')
      const message = await vpci('remap', corpusPath(state), '--host', pb, '--json')
      expect([message.code, message.stdout]).toEqual([yaml.code, yaml.stdout])
    }
  })
})

describe('forms told by content, not by name', () => {
  it('a message named .yaml and a host file named .pb are each read as what they are', async () => {
    const { pb, yaml } = await roundTrip('hosts/host-good.yaml')
    const dir = scratch()
    copyFileSync(pb, join(dir, 'really-a-message.yaml'))
    copyFileSync(yaml, join(dir, 'really-yaml.pb'))
    const expected = await vpci('check', STATE, corpusPath('hosts/host-good.yaml'), '--json', '--root', ROOT)
    for (const name of ['really-a-message.yaml', 'really-yaml.pb']) {
      const r = await vpci('check', STATE, join(dir, name), '--json')
      expect([r.code, JSON.parse(r.stdout)]).toEqual([expected.code, JSON.parse(expected.stdout)])
    }
  })
})

describe('errors', () => {
  it('a damaged message: exit 2, one line naming the file', async () => {
    const { pb } = await roundTrip('hosts/host-good.yaml')
    const bytes = readFileSync(pb)
    const bad = join(scratch(), 'bad.pb')
    writeFileSync(bad, bytes.subarray(0, bytes.length - 7))
    for (const argv of [['host', 'decode', bad], ['filter', STATE, bad], ['remap', corpusPath('pasid/vm-enqcmd.json'), '--host', bad]]) {
      const r = await vpci(...argv)
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(new RegExp(`^vpci: ${bad}: `))
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
    }
  })

  it('encoding a host that names a missing dump: exit 2, the file named as check names it', async () => {
    const dir = scratch()
    const file = join(dir, 'host.yaml')
    writeFileSync(file, 'apiVersion: vpci/v1\nkind: Host\nmetadata: { name: h }\nfunctions:\n  - address: "0000:01:00.0"\n    dump: nowhere.lspci\n')
    const r = await vpci('host', 'encode', file, '-o', join(dir, 'h.pb'))
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`vpci: ${join(dir, 'nowhere.lspci')}: no such file or folder\n`)
    const check = await vpci('check', STATE, file)
    expect([check.code, check.stderr]).toEqual([2, r.stderr])
  })

  it('encoding a host that names a file outside its folder: refused unread, as check refuses it, unless --root takes it in', async () => {
    const dir = scratch()
    const file = join(dir, 'host.yaml')
    writeFileSync(file, `apiVersion: vpci/v1\nkind: Host\nmetadata: { name: h }\nfunctions:\n  - address: "0000:01:00.0"\n    dump: ${corpusPath('families/nic/v2.lspci')}\n`)
    const r = await vpci('host', 'encode', file, '-o', join(dir, 'h.pb'))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/functions\[0\]\.dump: .*lies outside the host file's folder.*--root DIR/)
    expect(() => readFileSync(join(dir, 'h.pb'))).toThrow()
    expect((await vpci('host', 'encode', file, '--root', ROOT, '-o', join(dir, 'h.pb'))).code).toBe(0)
    expect((await vpci('host', 'decode', join(dir, 'h.pb'), '--root', ROOT)).stderr).toMatch(/--root goes with host encode/)
  })

  it('host with no action, or a file that is no host, or an option of host scan: exit 2', async () => {
    expect((await vpci('host', corpusPath('hosts/host-good.yaml'))).code).toBe(2)
    expect((await vpci('host', 'decode', corpusPath('hosts/host-good-schema-v1.pb'), '--embed')).stderr).toMatch(/--embed is an option of host scan/)
    expect((await vpci('host', 'scan', '--root', ROOT)).stderr).toMatch(/--root goes with host encode/)
    const r = await vpci('host', 'decode', corpusPath('layouts/nic-v1.yaml'))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/looks like a vpci\/v1 FunctionLayout .*; expected a vpci\/v1 Host file .* or a vpci.migration.v1.Host/)
  })
})

/**
 * `vpci filter STATE.pb HOST...`: the corpus hosts judged for vm-17 (host-good takes it, the
 * other three refuse it for their own reasons: corpus/README.md), the JSON shape, exit codes,
 * bad input, and the progress line (only on a terminal, only above 1,000 hosts).
 */
import { describe, expect, it } from 'vitest'
import { vpci, vpciWith } from '../support/cli.js'
import { corpusPath } from '../support/repo-corpus.js'

const STATE = corpusPath('state/vm-17-n2-schema-v1.pb')
const host = (name: string) => corpusPath(`hosts/${name}.yaml`)
const ALL = ['host-good', 'host-no-translation', 'host-split-low', 'host-v2-accelerator'].map(host)
/** The corpus hosts name dumps in ../families: the corpus is their root. */
const ROOT = ['--root', corpusPath('')]

describe('vpci filter', () => {
  it('accepts host-good with its assignment and rejects the others with their first reason', async () => {
    const r = await vpci('filter', STATE, ...ALL, '--json', ...ROOT)
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(Object.keys(out)).toEqual(['vm', 'hosts', 'accepted', 'rejected', 'invalid'])
    expect(out.vm).toBe('vm-17')
    expect(out.accepted.map((a: { host: string }) => a.host)).toEqual(['host-good'])
    expect(out.accepted[0].assignment.map((a: { guestAddress: string; hostAddress: string }) => [a.guestAddress, a.hostAddress])).toEqual([
      ['00:05.0', '0000:5a:00.0'],
      ['00:06.0', '0000:5e:00.0'],
    ])
    expect(out.rejected.map((x: { host: string; reasons: Array<{ code: string }> }) => [x.host, x.reasons[0]!.code])).toEqual([
      ['host-no-translation', 'PASID_NO_TRANSLATION'],
      ['host-split-low', 'PASID_SPLIT'],
      ['host-v2-accelerator', 'NO_CANDIDATE'],
    ])
  })

  it('exit 1 when no host can take the VM; text names each host and its reasons', async () => {
    const r = await vpci('filter', STATE, host('host-split-low'), host('host-no-translation'), ...ROOT)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^0 of 2 hosts can take vm-17\n/)
    expect(r.stdout).toContain('REJECTED host-split-low')
    expect(r.stdout).toContain('PASID_SPLIT: the destination leaves guests [1, 32)')
  })

  it('bad input: one line on stderr, exit 2', async () => {
    for (const argv of [['filter', STATE], ['filter', STATE, corpusPath('does-not-exist.yaml')], ['filter', corpusPath('hosts/host-good.yaml'), host('host-good')]]) {
      const r = await vpci(...argv)
      expect(r.code).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    }
  })

  it('a progress line on a terminal above 1,000 hosts, none otherwise', async () => {
    const many = Array.from({ length: 1001 }, () => host('host-good'))
    const tty = await vpciWith({ errIsTty: true }, 'filter', STATE, ...many, '--json', ...ROOT)
    expect(tty.code).toBe(0)
    expect(JSON.parse(tty.stdout).accepted).toHaveLength(1001)
    expect(tty.stderr).toContain('\r[')
    expect(tty.stderr).toContain('1001/1001 hosts')
    const pipe = await vpciWith({ errIsTty: false }, 'filter', STATE, ...many, '--json', ...ROOT)
    expect(pipe.stderr).toBe('')
    const few = await vpciWith({ errIsTty: true }, 'filter', STATE, ...many.slice(0, 1000), '--json', ...ROOT)
    expect(few.stderr).toBe('')
  })
})

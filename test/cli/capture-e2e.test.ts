/**
 * From a real host to a verdict, through the CLI: scan the lab host's sysfs tree, derive the
 * instance type from its NIC V2, create the migration state of vm-1 from that layout and the
 * config image its guest sees (the lab-guest tree: vfio hid PASID, the VMM shows vPASID at
 * 0xff8), then check it against the scanned host (taken: 00:05.0 → 0000:5e:00.0) and against
 * the same host scanned down to its V1 NIC (refused: no Page Request Interface, no PASID for
 * the vPASID). The corpus table says the same of nic-v2.yaml on families/nic/v1.lspci.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildTree } from '../../corpus/sysfs-trees/make-sysfs-tree.mjs'
import { vpci } from '../support/cli.js'
import { corpusPath } from '../support/repo-corpus.js'

const setup = () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-e2e-'))
  const lab = buildTree(join(dir, 'lab'), 'lab')
  const guest = buildTree(join(dir, 'guest'), 'lab-guest')
  return { dir, lab, guest, at: (name: string) => join(dir, name) }
}

const PASID_STATE = {
  apiVersion: 'vpci/v1',
  kind: 'PasidState',
  mode: 'global-split',
  split: 64,
  functions: [{ id: '00:05.0', capability: { width: 16, execute: false, privileged: false }, enqcmd: true }],
  locals: [{ local: 3, functions: ['00:05.0'] }],
}

describe('host scan → state create → check', () => {
  it('the scanned host takes vm-1; the host with only the V1 NIC refuses it, naming the capabilities', async () => {
    const { lab, guest, at } = setup()
    const scan = ['host', 'scan', '--sysfs', lab.sys, '--cpuinfo', lab.cpuinfo, '--personas', corpusPath('personas.yaml'), '--pasid-allocated', 'none', '--split', '64', '--cpu-translation']
    expect((await vpci(...scan, '--name', 'lab', '-o', at('lab.yaml'))).code).toBe(0)
    expect((await vpci(...scan, '--name', 'lab-v1', '--device', '3b:00.0', '-o', at('lab-v1.yaml'))).code).toBe(0)
    expect((await vpci('derive', `${lab.sys}/bus/pci/devices/0000:5e:00.0`, '-o', at('n2.yaml'))).code).toBe(0)
    writeFileSync(at('vm-1.pasid.json'), JSON.stringify(PASID_STATE))
    const created = await vpci('state', 'create', '--vm', 'vm-1', '--function', `00:05.0=${at('n2.yaml')}@${guest.sys}/bus/pci/devices/0000:00:05.0`, '--pasid', at('vm-1.pasid.json'), '-o', at('vm-1.pb'))
    expect([created.code, created.stderr]).toEqual([0, `vpci: ${at('vm-1.pb')}: vm-1, 1 function, PASIDs (global-split), checked\n`])

    const taken = await vpci('check', at('vm-1.pb'), at('lab.yaml'), '--json')
    expect(taken.code).toBe(0)
    const verdict = JSON.parse(taken.stdout)
    expect(verdict.compatible).toBe(true)
    expect(verdict.assignment.map((a: { guestAddress: string; hostAddress: string }) => [a.guestAddress, a.hostAddress])).toEqual([['00:05.0', '0000:5e:00.0']])
    // PASIDs on the scanned PASID side: split 64 and nothing allocated (stated), so local 3 takes
    // the lowest global at or above the split.
    expect(verdict.pasidPlan.map).toEqual([{ local: 3, global: 64 }])

    const refused = await vpci('check', at('vm-1.pb'), at('lab-v1.yaml'), '--json')
    expect(refused.code).toBe(1)
    const reasons = JSON.parse(refused.stdout).reasons as Array<{ code: string; capability: string | null }>
    expect(reasons.filter((r) => r.code === 'CAP_MISSING').map((r) => r.capability)).toEqual(['Page Request Interface', 'Process Address Space ID'])
  })

  it('a host file naming sysfs folders, read from another folder: refused as outside it, taken with --root ROOT', async () => {
    const { lab, guest, at } = setup()
    const away = mkdtempSync(join(tmpdir(), 'vpci-scheduler-'))
    await vpci('host', 'scan', '--sysfs', lab.sys, '--cpuinfo', lab.cpuinfo, '--name', 'lab', '-o', join(away, 'lab.yaml'))
    await vpci('derive', `${lab.sys}/bus/pci/devices/0000:5e:00.0`, '-o', at('n2.yaml'))
    await vpci('state', 'create', '--vm', 'vm-1', '--function', `00:05.0=${at('n2.yaml')}@${guest.sys}/bus/pci/devices/0000:00:05.0`, '-o', at('vm-1.pb'))
    const outside = await vpci('check', at('vm-1.pb'), join(away, 'lab.yaml'))
    expect([outside.code, outside.stderr]).toEqual([2, expect.stringContaining('lies outside the host file\'s folder')])
    const rooted = await vpci('check', at('vm-1.pb'), join(away, 'lab.yaml'), '--root', lab.sys)
    expect([rooted.code, rooted.stdout]).toEqual([0, expect.stringContaining('00:05.0 → 0000:5e:00.0')])
  })

  it('state create refuses the host image of a layout that hides PASID: its read-only bytes are not the guest\'s', async () => {
    const { lab, at } = setup()
    await vpci('derive', `${lab.sys}/bus/pci/devices/0000:5e:00.0`, '-o', at('n2.yaml'))
    const r = await vpci('state', 'create', '--vm', 'vm-1', '--function', `00:05.0=${at('n2.yaml')}@${lab.sys}/bus/pci/devices/0000:5e:00.0`, '-o', at('x.pb'))
    expect(r.code).toBe(2)
    // The ATS next pointer still points at the physical PASID (0x180), which the guest does not see.
    expect(r.stderr).toContain('STATE_READ_ONLY: 00:05.0 (functions[0]): Address Translation Service v1 at 0x148: read-only bytes 0x14a of the image are 01, its layout builds 81')
    expect(() => readFileSync(at('x.pb'))).toThrow()
  })

  it('a host file scanned with --embed travels: checked from another folder, with the sysfs tree gone', async () => {
    const { lab, guest, at, dir } = setup()
    await vpci('host', 'scan', '--sysfs', lab.sys, '--cpuinfo', lab.cpuinfo, '--embed', '--name', 'lab', '-o', at('lab.yaml'))
    await vpci('derive', `${lab.sys}/bus/pci/devices/0000:5e:00.0`, '-o', at('n2.yaml'))
    await vpci('state', 'create', '--vm', 'vm-1', '--function', `00:05.0=${at('n2.yaml')}@${guest.sys}/bus/pci/devices/0000:00:05.0`, '-o', at('vm-1.pb'))
    const away = mkdtempSync(join(tmpdir(), 'vpci-scheduler-'))
    copyFileSync(at('lab.yaml'), join(away, 'lab.yaml'))
    const { rmSync } = await import('node:fs')
    rmSync(join(dir, 'lab'), { recursive: true })
    const r = await vpci('check', at('vm-1.pb'), join(away, 'lab.yaml'))
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^COMPATIBLE/)
    expect(r.stdout).toContain('00:05.0 → 0000:5e:00.0')
    // BAR sizes travelled too: no BAR_SIZE_UNKNOWN.
    expect(r.stdout).not.toContain('BAR_SIZE_UNKNOWN')
  })

  it('state create without an image: the layout at reset', async () => {
    const { at } = setup()
    const r = await vpci('state', 'create', '--vm', 'vm-r', '--function', `00:05.0=${corpusPath('layouts/nic-v2.yaml')}`, '--function', `00:06.0=${corpusPath('layouts/accelerator-v1.yaml')}`, '-o', at('r.pb'))
    expect(r.code).toBe(0)
    const decoded = JSON.parse((await vpci('state', 'decode', at('r.pb'))).stdout)
    expect(decoded.functions.map((f: { guestAddress: string; layout: { name: string } }) => [f.guestAddress, f.layout.name])).toEqual([
      ['00:05.0', 'nic-v2'],
      ['00:06.0', 'accelerator-v1'],
    ])
  })

  it('usage: a repeated guest address, a bad guest address, no --vm: exit 2, one line each', async () => {
    const { at } = setup()
    const layout = corpusPath('layouts/nic-v2.yaml')
    const twice = await vpci('state', 'create', '--vm', 'v', '--function', `00:05.0=${layout}`, '--function', `00:05.0=${layout}`, '-o', at('t.pb'))
    expect([twice.code, twice.stderr]).toEqual([2, expect.stringMatching(/functions\[1\]\.guestAddress: "00:05\.0" appears twice/)])
    expect((await vpci('state', 'create', '--vm', 'v', '--function', `nope=${layout}`, '-o', at('t.pb'))).stderr).toMatch(/guest address like 00:05\.0/)
    expect((await vpci('state', 'create', '--function', `00:05.0=${layout}`, '-o', at('t.pb'))).stderr).toMatch(/--vm/)
    expect((await vpci('host', 'scan', '--pasid-allocated', '5-3')).stderr).toMatch(/--pasid-allocated takes none or ranges/)
    expect((await vpci('host', 'scan', '--host', 'x')).code).toBe(2)
    expect((await vpci('host', 'scan', '--device', '5e:00.0', '--vendor', '1234')).stderr).toMatch(/--device or --vendor, not both/)
    expect((await vpci('host', 'scan', '--sysfs', at('nowhere'))).stderr).toMatch(/bus\/pci\/devices no such file or folder: not a sysfs tree with PCI devices/)
  })

  it('each command prints its help from its option table', async () => {
    const { at } = setup()
    const host = await vpci('host', '--help')
    expect([host.code, host.stdout]).toEqual([0, expect.stringContaining('--pasid-allocated RANGES')])
    const create = await vpci('state', 'create', '--help')
    expect([create.code, create.stdout]).toEqual([0, expect.stringContaining('--function GUEST=LAYOUT[@IMAGE]')])
    expect((await vpci('--help')).stdout).toMatch(/host scan +this machine's host file/)
    // state's other forms take none of create's options.
    expect((await vpci('state', 'decode', at('x.pb'), '--vm', 'v')).stderr).toMatch(/--vm is an option of state create/)
  })
})

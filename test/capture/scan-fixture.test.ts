/**
 * `vpci host scan` of sysfs trees built by corpus/sysfs-trees/make-sysfs-tree.mjs: the host file
 * it writes is the one the trees' construction implies. The expectations below are written from
 * the recipes (which driver each function is bound to, which group, which PF) and from the
 * dumps' own decode (corpus/README.md, the real dumps' .vvv files), never from the scan's output.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { buildTree, RECIPES, recipeAvailable } from '../../corpus/sysfs-trees/make-sysfs-tree.mjs'
import { nodeSysfsReader } from '../../src/capture/node-sysfs-reader.js'
import { type HostScan, scanHost } from '../../src/capture/scan-host.js'
import { scannedHostFile } from '../../src/capture/scanned-host.js'
import { encodeHostFile } from '../../src/host/host-file-encode.js'
import { decodeHostFile } from '../../src/host/host-file.js'
import { decodePersonaMatrix } from '../../src/layout/persona.js'
import { readCorpusText } from '../support/repo-corpus.js'

const tree = (recipe: 'lab' | 'real') => buildTree(mkdtempSync(join(tmpdir(), `vpci-sysfs-${recipe}-`)), recipe)

const scanned = async (recipe: 'lab' | 'real', personas: string, options: object = {}): Promise<{ scan: HostScan; sys: string }> => {
  const { sys, cpuinfo } = tree(recipe)
  const matrix = decodePersonaMatrix(personas, 'personas.yaml')
  if (E.isLeft(matrix)) throw new Error(JSON.stringify(matrix.left))
  const scan = await scanHost(nodeSysfsReader, { root: sys, name: recipe, cpuinfo, personas: matrix.right, ...options })
  if (E.isLeft(scan)) throw new Error(JSON.stringify(scan.left))
  return { scan: scan.right, sys }
}

/** The host file as read back. */
const readBack = (scan: HostScan, embed = false) => {
  const spec = decodeHostFile(encodeHostFile(scannedHostFile(scan, { embed })))
  if (E.isLeft(spec)) throw new Error(JSON.stringify(spec.left))
  return spec.right
}

const NIC_V1 = { family: 'vpci-example-nic', hardwareVersion: 'V1', firmware: '1.4', migrationStreams: [1, 2] }
const NIC_V2 = { family: 'vpci-example-nic', hardwareVersion: 'V2', firmware: '2.1', migrationStreams: [2, 3] }
const ACCEL_V1 = { family: 'vpci-example-accelerator', hardwareVersion: 'V1', firmware: '1.0', migrationStreams: [1] }
const ACCEL_V2 = { family: 'vpci-example-accelerator', hardwareVersion: 'V2', firmware: '2.0', migrationStreams: [2] }

describe('host scan of the lab tree (the repository corpus on an Intel host)', () => {
  it('lists every function with its sysfs folder, persona, and free exactly when bound to vfio-pci', async () => {
    const { scan, sys } = await scanned('lab', readCorpusText('personas.yaml'), { pasid: { allocated: [], split: 64, cpuTranslation: true } })
    const spec = readBack(scan)
    // From the recipe: root port on pcieport, the conventional NIC unbound, the V2 accelerator on its own driver.
    const expected = [
      ['0000:00:1c.0', null, false],
      ['0000:03:00.0', null, false],
      ['0000:3b:00.0', NIC_V1, true],
      ['0000:5a:00.0', ACCEL_V1, true],
      ['0000:5b:00.0', ACCEL_V2, false],
      ['0000:5e:00.0', NIC_V2, true],
    ] as const
    expect(spec.functions.map((f) => [f.address, f.persona, f.free])).toEqual(expected)
    for (const f of spec.functions) {
      expect(f.source).toEqual({ kind: 'sysfs', path: `${sys}/bus/pci/devices/${f.address}` })
      expect(f.pf).toBeNull()
    }
    expect(scan.functions.find((f) => f.address === '0000:5b:00.0')!.why).toBe('bound to vpci_accel: in use by the host')
    expect(scan.functions.find((f) => f.address === '0000:03:00.0')!.why).toMatch(/no driver/)
    // dmar0's ECAP gives 20-bit PASIDs (the recipe's hand decode); ENQCMD is in the recipe's flags.
    expect(scan.enqcmd).toBe(true)
    expect(spec.pasid).not.toBeNull()
    const pasid = spec.pasid!
    expect([pasid.iommuWidth, pasid.cpuTranslation, pasid.split]).toEqual([RECIPES.lab.iommus[0]!.pasidWidth, true, 64])
    // The free functions with a PASID capability (corpus README: accelerator [150] exec, priv, width 20,
    // enabled; NIC V2 [180] width 16, neither, disabled). The V1 NIC has none.
    expect(pasid.functions.map((f) => [f.id, f.capabilityWidth, f.execute, f.privileged, f.pasidEnabled, f.isVf])).toEqual([
      ['0000:5a:00.0', 20, true, true, true, false],
      ['0000:5e:00.0', 16, false, false, false, false],
    ])
    expect(scan.warnings).toEqual([])
  })

  it('every identity is the one the tree shows in its vendor and device files', async () => {
    const { scan, sys } = await scanned('lab', readCorpusText('personas.yaml'))
    for (const f of scan.functions) {
      const attr = (name: string) => parseInt(readFileSync(`${sys}/bus/pci/devices/${f.address}/${name}`, 'utf8'), 16)
      expect([f.identity.vendorId, f.identity.deviceId], f.address).toEqual([attr('vendor'), attr('device')])
    }
  })

  it('without stated allocations, every global PASID is written as allocated, with a warning', async () => {
    const { scan } = await scanned('lab', readCorpusText('personas.yaml'))
    expect(readBack(scan).pasid?.global.ranges.slice(0, 2)).toEqual([0, 1 << 20])
    expect(scan.warnings.map((w) => w.code)).toEqual(['PASID_ASSUMED'])
  })

  it('a function stated in use (--in-use) is listed, never free', async () => {
    const { scan } = await scanned('lab', readCorpusText('personas.yaml'), { inUse: ['0000:5e:00.0'] })
    const nic = scan.functions.find((f) => f.address === '0000:5e:00.0')!
    expect([nic.free, nic.why]).toEqual([false, 'bound to vfio-pci; held by a VM (stated)'])
    expect(readBack(scan).pasid!.functions.map((f) => f.id)).toEqual(['0000:5a:00.0'])
  })

  it('--device picks functions; --vendor picks by vendor and device', async () => {
    const { scan } = await scanned('lab', readCorpusText('personas.yaml'), { devices: ['0000:3b:00.0'] })
    expect(scan.functions.map((f) => f.address)).toEqual(['0000:3b:00.0'])
    const byVendor = await scanned('lab', readCorpusText('personas.yaml'), { vendor: { vendorId: 0x1234, deviceId: 0x5a01 } })
    expect(byVendor.scan.functions.map((f) => f.address)).toEqual(['0000:5a:00.0', '0000:5b:00.0'])
  })

  it('with embed, the file carries the images and their BARs and reads back to the same functions', async () => {
    const { scan } = await scanned('lab', readCorpusText('personas.yaml'))
    const spec = readBack(scan, true)
    spec.functions.forEach((f, i) => {
      const dump = scan.functions[i]!.dump
      expect(f.source.kind).toBe('image')
      if (f.source.kind !== 'image') return
      expect(Buffer.from(f.source.config.bytes).equals(Buffer.from(dump.config.bytes))).toBe(true)
      expect(f.source.resources).toEqual(dump.resources)
      expect(f.source.resources).not.toBeNull()
      expect(f.source.name).toBe(scan.functions[i]!.address)
    })
  })
})

// Personas for the real tree: a subsystem-specific entry wins over a generic one for the same
// vendor, device and revision; an entry for another subsystem matches nothing.
const REAL_PERSONAS = `apiVersion: vpci/v1
kind: PersonaMatrix
personas:
  - { vendorId: 0x1b36, deviceId: 0x0010, revisionId: 2, family: any-qemu-nvme, hardwareVersion: "?", firmware: "?", migrationStreams: [9] }
  - { vendorId: 0x1b36, deviceId: 0x0010, revisionId: 2, subsystemVendorId: 0x1af4, subsystemId: 0x1100, family: qemu-nvme, hardwareVersion: "7.2", firmware: "1.0", migrationStreams: [1] }
  - { vendorId: 0x8086, deviceId: 0x0b25, revisionId: 0, subsystemVendorId: 0x1234, subsystemId: 0x0001, family: not-this-dsa, hardwareVersion: "1", firmware: "1", migrationStreams: [1] }
`

describe.skipIf(!recipeAvailable('real'))('host scan of the real tree (real dumps on an AMD host)', () => {
  it('the NVMe PF with two VFs, vfio-bound VFs free, the GPU whose group holds its audio function not free', async () => {
    const { scan } = await scanned('real', REAL_PERSONAS, { pasid: { allocated: [[1, 100]] } })
    const spec = readBack(scan)
    const qemuNvme = { family: 'qemu-nvme', hardwareVersion: '7.2', firmware: '1.0', migrationStreams: [1] }
    // From the recipe: PF on nvme; VFs on vfio-pci with physfn → 01:00.0; r8169; the GPU on vfio-pci
    // sharing group 40 with its HDA function on snd_hda_intel; DSA on vfio-pci.
    expect(spec.functions.map((f) => [f.address, f.pf, f.free, f.persona?.family ?? null])).toEqual([
      ['0000:01:00.0', null, false, 'qemu-nvme'],
      ['0000:01:00.1', '0000:01:00.0', true, 'qemu-nvme'],
      ['0000:01:00.2', '0000:01:00.0', true, 'qemu-nvme'],
      ['0000:2e:00.0', null, false, null],
      ['0000:65:00.0', null, false, null],
      ['0000:65:00.1', null, false, null],
      ['0000:6a:01.0', null, true, null],
    ])
    expect(spec.functions[1]!.persona).toEqual(qemuNvme)
    // A VF reads 0xffff for its IDs; the kernel (and the recipe's vendor/device files) show its PF's
    // vendor and the PF's SR-IOV VF Device ID (qemu-nvme-sriov-pf-vfs-on.vvv: "Device ID: 0010").
    const vf = scan.functions.find((f) => f.address === '0000:01:00.1')!
    expect([vf.identity.vendorId, vf.identity.deviceId]).toEqual([0x1b36, 0x0010])
    const pf = scan.functions.find((f) => f.address === '0000:01:00.0')!
    expect([pf.vfs, pf.sriov]).toEqual([['0000:01:00.1', '0000:01:00.2'], { totalVfs: 2, numVfs: 2 }])
    expect(scan.warnings.map((w) => [w.code, w.address])).toEqual([['GROUP_NOT_VIABLE', '0000:65:00.0']])
    // ivhd0's EFR gives 16 bits (hand decode in the recipe); DSA (.vvv: "PASIDCap: Exec- Priv+, Max
    // PASID Width: 14" — lspci prints the width in hex, 0x14 = 20; "PASIDCtl: Enable+") is the one
    // free function with PASID; the NVMe VFs' PF has none.
    expect(spec.pasid!.iommuWidth).toBe(RECIPES.real.iommus[0]!.pasidWidth)
    expect(spec.pasid!.cpuTranslation).toBe(false)
    expect(spec.pasid!.functions.map((f) => [f.id, f.capabilityWidth, f.execute, f.privileged, f.pasidEnabled, f.isVf])).toEqual([['0000:6a:01.0', 20, false, true, true, false]])
  })

  it('choosing a VF brings its PF, not chosen but described (the host file names it as pf)', async () => {
    const { scan } = await scanned('real', REAL_PERSONAS, { devices: ['0000:01:00.2'] })
    expect(scan.functions.map((f) => [f.address, f.selected])).toEqual([
      ['0000:01:00.0', false],
      ['0000:01:00.2', true],
    ])
    expect(readBack(scan).functions[1]!.pf).toBe('0000:01:00.0')
  })

  it('every identity is the one the tree shows in its vendor and device files', async () => {
    const { scan, sys } = await scanned('real', REAL_PERSONAS)
    for (const f of scan.functions) {
      const attr = (name: string) => parseInt(readFileSync(`${sys}/bus/pci/devices/${f.address}/${name}`, 'utf8'), 16)
      expect([f.identity.vendorId, f.identity.deviceId], f.address).toEqual([attr('vendor'), attr('device')])
    }
  })
})

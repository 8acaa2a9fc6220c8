/**
 * Hostile sysfs trees: the scan never throws, never blocks, reads within its limits, and says
 * what it met. On disk (the Node reader: real symlinks, a FIFO, /dev/zero) and in memory (trees
 * too large to build: 10^5 functions).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { buildTree } from '../../corpus/sysfs-trees/make-sysfs-tree.mjs'
import { nodeSysfsReader } from '../../src/capture/node-sysfs-reader.js'
import { type HostScan, scanHost } from '../../src/capture/scan-host.js'
import { scannedHostFile } from '../../src/capture/scanned-host.js'
import { encodeHostFile } from '../../src/host/host-file-encode.js'
import { decodeHostFile } from '../../src/host/host-file.js'
import { memoryTree } from '../support/memory-sysfs.js'

/** The lab tree, for a test to break. */
const lab = () => buildTree(mkdtempSync(join(tmpdir(), 'vpci-hostile-')), 'lab')
const dev = (sys: string, address: string) => join(sys, 'devices/pci0000:00', address)

const scanOk = async (sys: string, cpuinfo: string): Promise<HostScan> => {
  const scan = await scanHost(nodeSysfsReader, { root: sys, cpuinfo, pasid: { allocated: [] } })
  if (E.isLeft(scan)) throw new Error(JSON.stringify(scan.left))
  // Whatever was met, the file written reads back.
  expect(E.isRight(decodeHostFile(encodeHostFile(scannedHostFile(scan.right))))).toBe(true)
  return scan.right
}
const warned = (scan: HostScan, address: string) => scan.warnings.filter((w) => w.address === address).map((w) => [w.code, w.message])

describe('hostile trees on disk', () => {
  it('a function folder that is a symlink loop: left out, one warning', async () => {
    const { sys, cpuinfo } = lab()
    rmSync(join(sys, 'bus/pci/devices/0000:3b:00.0'))
    symlinkSync('0000:3b:00.0', join(sys, 'bus/pci/devices/0000:3b:00.0'))
    const scan = await scanOk(sys, cpuinfo)
    expect(scan.functions.map((f) => f.address)).not.toContain('0000:3b:00.0')
    expect(warned(scan, '0000:3b:00.0')).toEqual([['CONFIG_UNREADABLE', expect.stringMatching(/cannot be entered: too many levels of symbolic links/)]])
  })

  it('config as a link to /dev/zero, as a FIFO, missing, 300 bytes, or a 17 MiB sparse file: each left out, saying why', async () => {
    const { sys, cpuinfo } = lab()
    const config = (a: string) => join(dev(sys, a), 'config')
    rmSync(config('0000:3b:00.0'))
    symlinkSync('/dev/zero', config('0000:3b:00.0'))
    rmSync(config('0000:5a:00.0'))
    execFileSync('mkfifo', [config('0000:5a:00.0')])
    rmSync(config('0000:5b:00.0'))
    writeFileSync(config('0000:5e:00.0'), new Uint8Array(300))
    truncateSync(config('0000:03:00.0'), 17 * 1024 * 1024)
    const scan = await scanOk(sys, cpuinfo)
    expect(scan.functions.map((f) => f.address)).toEqual(['0000:00:1c.0'])
    expect(warned(scan, '0000:3b:00.0')).toEqual([['CONFIG_UNREADABLE', expect.stringMatching(/config is a symbolic link, not a file/)]])
    expect(warned(scan, '0000:5a:00.0')).toEqual([['CONFIG_UNREADABLE', expect.stringMatching(/config is a FIFO \(named pipe\), not a file/)]])
    expect(warned(scan, '0000:5b:00.0')).toEqual([['CONFIG_UNREADABLE', expect.stringMatching(/config no such file/)]])
    expect(warned(scan, '0000:5e:00.0')).toEqual([['CONFIG_UNREADABLE', expect.stringMatching(/holds 300 bytes; a config space is 64, 256 or 4096/)]])
    expect(warned(scan, '0000:03:00.0')).toEqual([['CONFIG_UNREADABLE', expect.stringMatching(/config holds more than 4096 bytes/)]])
  })

  it('a missing resource, a driver link loop, a garbage IOMMU register, cpuinfo a FIFO: warned, the scan goes on', async () => {
    const { sys, cpuinfo } = lab()
    rmSync(join(dev(sys, '0000:5e:00.0'), 'resource'))
    rmSync(join(dev(sys, '0000:3b:00.0'), 'driver'))
    symlinkSync('driver', join(dev(sys, '0000:3b:00.0'), 'driver'))
    writeFileSync(join(sys, 'devices/virtual/iommu/dmar0/intel-iommu/ecap'), 'not hex\n')
    rmSync(cpuinfo)
    execFileSync('mkfifo', [cpuinfo])
    const scan = await scanOk(sys, cpuinfo)
    const nic = scan.functions.find((f) => f.address === '0000:5e:00.0')!
    expect([nic.dump.resources, warned(scan, '0000:5e:00.0')]).toEqual([null, [['RESOURCE_UNREADABLE', expect.stringMatching(/resource no such file or folder: BAR sizes unknown/)]]])
    // A driver link that is a loop still reads as a link (its text); it names no vfio driver.
    expect(scan.functions.find((f) => f.address === '0000:3b:00.0')!.free).toBe(false)
    expect(scan.warnings.filter((w) => w.address === null).map((w) => w.code)).toEqual(['IOMMU_UNKNOWN', 'IOMMU_UNKNOWN', 'CPU_FLAGS'])
    expect(scan.pasid?.iommuWidth).toBe(0)
  })

  it('entries not named like functions are skipped; a VF naming itself or another VF as its PF is not free', async () => {
    const { sys, cpuinfo } = lab()
    mkdirSync(join(sys, 'bus/pci/devices/..hidden'))
    symlinkSync('../0000:3b:00.0', join(dev(sys, '0000:3b:00.0'), 'physfn'))
    symlinkSync('../0000:3b:00.0', join(dev(sys, '0000:5e:00.0'), 'physfn'))
    const scan = await scanOk(sys, cpuinfo)
    expect(scan.warnings.filter((w) => w.code === 'NOT_A_FUNCTION')).toHaveLength(1)
    for (const a of ['0000:3b:00.0', '0000:5e:00.0']) {
      const f = scan.functions.find((x) => x.address === a)!
      expect([f.free, f.pf], a).toEqual([false, null])
    }
  })

  it('no PCI tree under ROOT, or --device naming an absent function: an error, no host file', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'vpci-empty-'))
    const none = await scanHost(nodeSysfsReader, { root: empty })
    expect(E.isLeft(none) && none.left[0]!.code).toBe('NO_PCI_TREE')
    const { sys } = lab()
    const absent = await scanHost(nodeSysfsReader, { root: sys, devices: ['0000:99:00.0'] })
    expect(E.isLeft(absent) && absent.left.map((e) => e.message)).toEqual([`no function 0000:99:00.0 in ${sys}/bus/pci/devices`])
  })
})

/** A tree of `n` functions in memory, every one a vfio-bound copy of one 4 KiB image in its own group. */
const bigTree = (n: number, image: Uint8Array) => {
  const t = memoryTree()
  for (let i = 0; i < n; i++) {
    const a = `0000:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${((i >> 3) & 0x1f).toString(16).padStart(2, '0')}.${i & 7}`
    const d = `/sys/devices/pci0000:00/${a}`
    t.file(`${d}/config`, image)
    t.link(`${d}/driver`, '../../../bus/pci/drivers/vfio-pci')
    t.link(`${d}/iommu_group`, `../../../kernel/iommu_groups/${i}`)
    t.link(`/sys/bus/pci/devices/${a}`, `../../../devices/pci0000:00/${a}`)
  }
  t.mkdir('/sys/class/iommu')
  t.file('/proc/cpuinfo', 'flags\t: fpu\n')
  return t
}

describe('large trees in memory', () => {
  const image = new Uint8Array(4096)
  image.set([0x34, 0x12, 0x01, 0x5a])

  it('10^5 functions: refused after listing one more than the limit, nothing else read', async () => {
    const t = memoryTree()
    for (let i = 0; i < 100_000; i++) t.link(`/sys/bus/pci/devices/${i.toString(16).padStart(8, '0')}`, '/nowhere')
    const scan = await scanHost(t)
    expect(E.isLeft(scan) && scan.left.map((e) => e.code)).toEqual(['TOO_MANY_FUNCTIONS'])
  })

  it('the work is linear in the functions listed: twice the functions, twice the reads', async () => {
    const steps = async (n: number): Promise<number> => {
      const scan = await scanHost(bigTree(n, image), { cpuinfo: '/proc/cpuinfo' })
      if (E.isLeft(scan)) throw new Error(JSON.stringify(scan.left))
      expect(scan.right.functions.filter((f) => f.free)).toHaveLength(n)
      return scan.right.steps
    }
    const [a, b] = [await steps(512), await steps(1024)]
    expect(b).toBeLessThanOrEqual(2 * a + 8)
    expect(b).toBeGreaterThanOrEqual(2 * a - 8)
  })

  it('an IOMMU group of 2,000 functions, one owned by a kernel driver: every vfio member not free, each named once', async () => {
    const t = bigTree(2000, image)
    for (let i = 0; i < 2000; i++) {
      const a = `0000:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${((i >> 3) & 0x1f).toString(16).padStart(2, '0')}.${i & 7}`
      t.link(`/sys/devices/pci0000:00/${a}/iommu_group`, '../../../kernel/iommu_groups/7')
    }
    t.link('/sys/devices/pci0000:00/0000:00:00.0/driver', '../../../bus/pci/drivers/e1000e')
    const scan = await scanHost(t, { cpuinfo: '/proc/cpuinfo' })
    if (E.isLeft(scan)) throw new Error(JSON.stringify(scan.left))
    expect(scan.right.functions.filter((f) => f.free)).toHaveLength(0)
    expect(scan.right.warnings.filter((w) => w.code === 'GROUP_NOT_VIABLE')).toHaveLength(1999)
    expect(scan.right.functions[1]!.why).toBe('bound to vfio-pci, but IOMMU group 7 also holds 0000:00:00.0 (e1000e)')
  })
})

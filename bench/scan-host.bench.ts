/**
 * `scanHost` of a host with many functions, in memory (so the figure is the scan's own work, not
 * the kernel's): 4,096 functions, every one the example NIC V2 (4 KiB config, BARs in `resource`)
 * bound to vfio-pci in its own IOMMU group behind one Intel IOMMU. The baseline makes the same
 * reads and nothing else (the floor of any scan that reads what this one reads); the scan adds
 * walking and preparing each function, groups, PFs, personas and the PASID side. Figures:
 * bench/README.md.
 */
import { readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { bench, describe } from 'vitest'
import { dumpBytes } from '../corpus/sysfs-trees/make-sysfs-tree.mjs'
import { scanHost } from '../src/capture/scan-host.js'
import { scannedHostFile } from '../src/capture/scanned-host.js'
import { encodeHostFile } from '../src/host/host-file-encode.js'
import { memoryTree } from '../test/support/memory-sysfs.js'

const FUNCTIONS = 4096
const image = dumpBytes(readFileSync(new URL('../corpus/families/nic/v2.lspci', import.meta.url), 'utf8'))
const resource = '0x00000000f8000000 0x00000000f9ffffff 0x000000000014220c\n'.repeat(13)
const tree = memoryTree()
const addresses: string[] = []
for (let i = 0; i < FUNCTIONS; i++) {
  const a = `0000:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${((i >> 3) & 0x1f).toString(16).padStart(2, '0')}.${i & 7}`
  addresses.push(a)
  const d = `/sys/devices/pci0000:00/${a}`
  tree.file(`${d}/config`, image)
  tree.file(`${d}/resource`, resource)
  tree.link(`${d}/driver`, '../../../bus/pci/drivers/vfio-pci')
  tree.link(`${d}/iommu_group`, `../../../kernel/iommu_groups/${i}`)
  tree.link(`${d}/iommu`, '../../virtual/iommu/dmar0')
  tree.link(`/sys/bus/pci/devices/${a}`, `../../../devices/pci0000:00/${a}`)
}
tree.file('/sys/devices/virtual/iommu/dmar0/intel-iommu/ecap', '3ef9e86f050df\n')
tree.link('/sys/class/iommu/dmar0', '../../devices/virtual/iommu/dmar0')
tree.file('/proc/cpuinfo', 'flags\t: fpu enqcmd\n')
let sink = 0

describe(`host scan of ${FUNCTIONS.toLocaleString('en')} functions in memory`, () => {
  bench(
    'baseline: the same reads, nothing else',
    async () => {
      const list = await tree.listDir('/sys/bus/pci/devices', 65_536)
      if (E.isLeft(list)) throw new Error('no tree')
      for (const a of list.right.names) {
        const d = `/sys/bus/pci/devices/${a}`
        for (const l of ['driver', 'iommu_group', 'physfn', 'iommu']) sink += E.isRight(await tree.readLink(`${d}/${l}`)) ? 1 : 0
        for (const [f, n] of [['config', 4096], ['resource', 65_536], ['sriov_totalvfs', 64]] as const) {
          const r = await tree.readFile(`${d}/${f}`, n)
          sink += E.isRight(r) ? r.right.length : 0
        }
      }
    },
    { iterations: 5, warmupIterations: 1, time: 0 },
  )
  bench(
    'scanHost',
    async () => {
      const scan = await scanHost(tree, { root: '/sys', cpuinfo: '/proc/cpuinfo', pasid: { allocated: [] } })
      if (E.isLeft(scan)) throw new Error(JSON.stringify(scan.left))
      sink += scan.right.functions.length
    },
    { iterations: 5, warmupIterations: 1, time: 0 },
  )
  bench(
    'scanHost and the host file written',
    async () => {
      const scan = await scanHost(tree, { root: '/sys', cpuinfo: '/proc/cpuinfo', pasid: { allocated: [] } })
      if (E.isLeft(scan)) throw new Error(JSON.stringify(scan.left))
      sink += encodeHostFile(scannedHostFile(scan.right)).length
    },
    { iterations: 5, warmupIterations: 1, time: 0 },
  )
})

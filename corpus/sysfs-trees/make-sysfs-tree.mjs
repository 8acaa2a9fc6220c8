#!/usr/bin/env node
// Builds a sysfs tree (and a /proc/cpuinfo) as Linux lays them out, from config dumps, into a
// folder of the caller's: what `vpci host scan --sysfs OUT/sys --cpuinfo OUT/proc/cpuinfo`
// reads. Trees are built at test time (never committed); every link is a real, relative
// symbolic link, as sysfs's are. Each recipe below says, per function, which dump it is, the
// driver bound, the IOMMU group and IOMMU, the SR-IOV links; per IOMMU, its register value and
// where that value comes from.
//
//   node corpus/sysfs-trees/make-sysfs-tree.mjs OUT RECIPE      (RECIPE: lab, lab-guest, real)
//
// `lab` and `lab-guest` use the repository's own fixtures (corpus/families, corpus/functions);
// `real` uses the real dumps of ../shared/corpus/real (QEMU's NVMe PF with its two VFs, Intel
// DSA with PASID, an RTX 3070 Ti and its HDA function in one IOMMU group, an RTL8125).
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO_CORPUS = fileURLToPath(new URL('..', import.meta.url))
export const REAL_CORPUS = fileURLToPath(new URL('../../../shared/corpus/real/', import.meta.url))

// Kernel resource flags (include/linux/ioport.h): IORESOURCE_IO 0x100, _MEM 0x200, _PREFETCH
// 0x2000, _MEM_64 0x100000, plus the BAR's own low bits as the kernel keeps them.
const MEM64_PREFETCH = 0x14220c
const MEM32 = 0x40200
const IO = 0x40101

/** A sysfs `resource` file: 13 lines (6 BARs, ROM, 6 VF BARs), unused lines all zeros. */
const resource = (bars) => {
  const line = (start, size, flags) => [start, size === 0 ? 0 : start + size - 1, flags].map((n) => `0x${n.toString(16).padStart(16, '0')}`).join(' ')
  return `${Array.from({ length: 13 }, (_, i) => (bars[i] ? line(...bars[i]) : line(0, 0, 0))).join('\n')}\n`
}

/**
 * A QEMU-style guest's view of the example NIC V2 behind vfio: the host's image with the PASID
 * capability at 0x180 unlinked and zeroed (vfio-pci hides PASID: the capability before it, ATS at
 * 0x148, points past it), and an emulated vPASID at 0xff8 (QEMU's default x-vpasid-cap-offset)
 * showing the physical Max PASID Width (16), linked from the last capability, PRI at 0x188.
 */
const NIC_V2_GUEST_EDITS = [
  { at: 0x14a, bytes: [0x81, 0x18], why: 'ATS header bits 31:20 (next): 0x180 → 0x188, past the hidden PASID' },
  { at: 0x180, bytes: [0, 0, 0, 0, 0, 0, 0, 0], why: 'the hidden PASID capability reads as zeros' },
  { at: 0x18a, bytes: [0x81, 0xff], why: 'PRI header next: 0x000 → 0xff8, the vPASID' },
  { at: 0xff8, bytes: [0x1b, 0x00, 0x01, 0x00], why: 'vPASID header: ID 0x001b, version 1, next 0' },
  { at: 0xffc, bytes: [0x00, 0x10, 0x00, 0x00], why: 'PASID Capability: Max PASID Width 16 (bits 12:8), no execute or privileged; PASID Control 0' },
]

const INTEL_FLAGS = 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc vmx smx est avx2 avx512f enqcmd movdiri movdir64b'
const AMD_FLAGS = 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc svm avx2'

export const RECIPES = {
  // The destination lab host: Intel, one remapping unit, vfio-bound NICs and accelerator.
  lab: {
    cpuFlags: INTEL_FLAGS,
    iommus: [
      // The ECAP of a Sapphire Rapids-class unit (VT-d 6.0) as a published dmesg shows it
      // (0x3ee9e86f050df: scalable mode, PSS 19, PASID Support 0), with PASID Support (bit 40)
      // set, as such a unit reports when the platform enables PASID: 20-bit PASIDs.
      { name: 'dmar0', vendor: 'intel', register: '3ef9e86f050df', pasidWidth: 20 },
    ],
    functions: [
      { address: '0000:00:1c.0', dump: 'repo:functions/type1-root-port.lspci', driver: 'pcieport', group: 1, iommu: 'dmar0', bars: [] },
      { address: '0000:3b:00.0', dump: 'repo:families/nic/v1.lspci', driver: 'vfio-pci', group: 12, iommu: 'dmar0', bars: [[0xf8000000, 0x2000000, MEM64_PREFETCH], , [0xfb000000, 0x4000, MEM64_PREFETCH]] },
      { address: '0000:5a:00.0', dump: 'repo:families/accelerator/v1-host-a.lspci', driver: 'vfio-pci', group: 13, iommu: 'dmar0', bars: [[0xfe000000, 0x400000, MEM64_PREFETCH]] },
      { address: '0000:5b:00.0', dump: 'repo:families/accelerator/v2-host-c.lspci', driver: 'vpci_accel', group: 14, iommu: 'dmar0', bars: [[0xfe000000, 0x400000, MEM64_PREFETCH]] },
      { address: '0000:5e:00.0', dump: 'repo:families/nic/v2.lspci', driver: 'vfio-pci', group: 15, iommu: 'dmar0', bars: [[0xf8000000, 0x2000000, MEM64_PREFETCH], , [0xfb000000, 0x4000, MEM64_PREFETCH]] },
      { address: '0000:03:00.0', dump: 'repo:functions/conventional-256.lspci', driver: null, group: 16, iommu: 'dmar0', bars: [[0xfebf0000, 0x10000, MEM32], [0xc000, 0x20, IO]] },
    ],
  },
  // The source host's guest, vm-1: what the VM sees of the NIC V2 it was given (the image a
  // migration state carries), at guest address 00:05.0.
  'lab-guest': {
    cpuFlags: INTEL_FLAGS,
    iommus: [],
    functions: [
      { address: '0000:00:05.0', dump: 'repo:families/nic/v2.lspci', edits: NIC_V2_GUEST_EDITS, driver: 'vpci_example_nic', group: null, iommu: null, bars: [[0xc0000000, 0x2000000, MEM64_PREFETCH], , [0xc2000000, 0x4000, MEM64_PREFETCH]] },
    ],
  },
  // Real dumps on an AMD host.
  real: {
    cpuFlags: AMD_FLAGS,
    iommus: [
      // EFR of an AMD EPYC IOMMU as published in dmesg ("AMD-Vi: Extended features
      // (0x58f77ef22294ade): PPR X2APIC NX GT IA GA PC GA_vAPIC"), EFR2 0: GTSup 1, PASmax 15.
      { name: 'ivhd0', vendor: 'amd', register: '58f77ef22294ade:0', pasidWidth: 16 },
    ],
    functions: [
      { address: '0000:01:00.0', dump: 'real:qemu-nvme-sriov-pf-vfs-on.lspci', driver: 'nvme', group: 20, iommu: 'ivhd0', bars: [[0xfe800000, 0x4000, MEM64_PREFETCH & ~0x2008], , , , [0xfe804000, 0x1000, MEM32]], sriov: { total: 2, vfs: ['0000:01:00.1', '0000:01:00.2'] } },
      { address: '0000:01:00.1', dump: 'real:qemu-nvme-sriov-vf1.lspci', kernelIds: [0x1b36, 0x0010], driver: 'vfio-pci', group: 21, iommu: 'ivhd0', physfn: '0000:01:00.0', bars: [] },
      { address: '0000:01:00.2', dump: 'real:qemu-nvme-sriov-vf1.lspci', kernelIds: [0x1b36, 0x0010], driver: 'vfio-pci', group: 22, iommu: 'ivhd0', physfn: '0000:01:00.0', bars: [] },
      { address: '0000:2e:00.0', dump: 'real:realtek-rtl8125.lspci', driver: 'r8169', group: 31, iommu: 'ivhd0', bars: [[0xe000, 0x100, IO], , [0xfc400000, 0x10000, MEM64_PREFETCH & ~0x2008], , [0xfc410000, 0x4000, MEM64_PREFETCH & ~0x2008]] },
      { address: '0000:65:00.0', dump: 'real:nvidia-ga104-rtx3070ti.lspci', driver: 'vfio-pci', group: 40, iommu: 'ivhd0', bars: [] },
      { address: '0000:65:00.1', dump: 'real:nvidia-ga104-hda.lspci', driver: 'snd_hda_intel', group: 40, iommu: 'ivhd0', bars: [] },
      { address: '0000:6a:01.0', dump: 'real:intel-dsa-spr-0b25.lspci', driver: 'vfio-pci', group: 30, iommu: 'ivhd0', bars: [] },
    ],
  },
}

/** The bytes of an lspci hex dump (`OO: xx xx ...` lines; other lines ignored), 64, 256 or 4096 long. */
export const dumpBytes = (text) => {
  const rows = [...text.matchAll(/^([0-9a-f]{2,3}): ((?:[0-9a-f]{2} ?){16})\s*$/gim)]
  const end = Math.max(...rows.map((m) => parseInt(m[1], 16) + 16))
  const bytes = new Uint8Array(end > 256 ? 4096 : end > 64 ? 256 : 64)
  for (const m of rows) m[2].trim().split(/\s+/).forEach((h, i) => (bytes[parseInt(m[1], 16) + i] = parseInt(h, 16)))
  return bytes
}

const dumpOf = (ref) => {
  const [where, name] = ref.split(':')
  return dumpBytes(readFileSync(where === 'repo' ? join(REPO_CORPUS, name) : join(REAL_CORPUS, name), 'utf8'))
}

/** True when a recipe's dumps are all present (the real corpus may be absent). */
export const recipeAvailable = (name) => RECIPES[name].functions.every((f) => !f.dump.startsWith('real:') || existsSync(join(REAL_CORPUS, f.dump.slice(5))))

const hex4 = (n) => `0x${n.toString(16).padStart(4, '0')}`
const link = (from, to) => {
  mkdirSync(dirname(from), { recursive: true })
  symlinkSync(relative(dirname(from), to), from)
}
const file = (path, content) => {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, content)
}

/** The config image a recipe function has: its dump with the recipe's edits applied. */
export const recipeImage = (f) => {
  const bytes = dumpOf(f.dump)
  for (const e of f.edits ?? []) bytes.set(e.bytes, e.at)
  return bytes
}

/**
 * Builds recipe `name` under `out`: `out/sys` (the sysfs root) and `out/proc/cpuinfo`.
 * Returns those two paths.
 */
export const buildTree = (out, name) => {
  const recipe = RECIPES[name]
  const sys = join(out, 'sys')
  const devices = join(sys, 'devices/pci0000:00')
  for (const f of recipe.functions) {
    const dir = join(devices, f.address)
    const bytes = recipeImage(f)
    const u16 = (o) => bytes[o] | (bytes[o + 1] << 8)
    const [vendor, device] = f.kernelIds ?? [u16(0), u16(2)]
    file(join(dir, 'config'), bytes)
    file(join(dir, 'resource'), resource(f.bars))
    file(join(dir, 'vendor'), `${hex4(vendor)}\n`)
    file(join(dir, 'device'), `${hex4(device)}\n`)
    file(join(dir, 'subsystem_vendor'), `${hex4(u16(0x2c))}\n`)
    file(join(dir, 'subsystem_device'), `${hex4(u16(0x2e))}\n`)
    file(join(dir, 'revision'), `0x${bytes[8].toString(16).padStart(2, '0')}\n`)
    file(join(dir, 'class'), `0x${(bytes[9] | (bytes[10] << 8) | (bytes[11] << 16)).toString(16).padStart(6, '0')}\n`)
    link(join(sys, 'bus/pci/devices', f.address), dir)
    if (f.driver !== null) {
      mkdirSync(join(sys, 'bus/pci/drivers', f.driver), { recursive: true })
      link(join(dir, 'driver'), join(sys, 'bus/pci/drivers', f.driver))
    }
    if (f.group !== null) {
      const group = join(sys, 'kernel/iommu_groups', String(f.group))
      link(join(dir, 'iommu_group'), group)
      link(join(group, 'devices', f.address), dir)
    }
    if (f.iommu !== null) link(join(dir, 'iommu'), join(sys, 'devices/virtual/iommu', f.iommu))
    if (f.physfn !== undefined) link(join(dir, 'physfn'), join(devices, f.physfn))
    if (f.sriov !== undefined) {
      file(join(dir, 'sriov_totalvfs'), `${f.sriov.total}\n`)
      file(join(dir, 'sriov_numvfs'), `${f.sriov.vfs.length}\n`)
      f.sriov.vfs.forEach((vf, i) => link(join(dir, `virtfn${i}`), join(devices, vf)))
    }
  }
  mkdirSync(join(sys, 'class/iommu'), { recursive: true })
  for (const i of recipe.iommus) {
    const dir = join(sys, 'devices/virtual/iommu', i.name)
    file(join(dir, i.vendor === 'intel' ? 'intel-iommu/ecap' : 'amd-iommu/features'), `${i.register}\n`)
    link(join(sys, 'class/iommu', i.name), dir)
  }
  const cpuinfo = join(out, 'proc/cpuinfo')
  file(cpuinfo, `processor\t: 0\nvendor_id\t: ${recipe.cpuFlags.includes('svm') ? 'AuthenticAMD' : 'GenuineIntel'}\nflags\t\t: ${recipe.cpuFlags}\n\n`)
  return { sys, cpuinfo }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [out, name] = process.argv.slice(2)
  if (out === undefined || RECIPES[name] === undefined) {
    console.error(`usage: make-sysfs-tree.mjs OUT RECIPE (${Object.keys(RECIPES).join(', ')})`)
    process.exit(2)
  }
  if (!recipeAvailable(name)) {
    console.error(`${name} needs the real dumps in ${REAL_CORPUS}`)
    process.exit(2)
  }
  const { sys, cpuinfo } = buildTree(out, name)
  console.log(`${sys} ${cpuinfo}`)
}

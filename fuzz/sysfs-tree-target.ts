/**
 * Fuzz target `sysfs-tree`: a whole sysfs tree (one JSON document: its entries, each a file, a
 * folder, a symbolic link or a device node, and the scan's options) scanned in memory, as
 * `vpci host scan` would scan it. Generated trees are hostile on purpose: links that loop, point
 * at themselves, at files or nowhere; physfn naming itself or another VF; devices and folders
 * where attributes belong; configs of every size; garbage IOMMU registers and cpuinfo. A failure
 * is an exception, a scan whose reads are not bounded by the tree's size, or a host file it
 * writes (by path or with images) that the host file decoder refuses.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { scanHost } from '../src/capture/scan-host.js'
import { scannedHost, scannedHostFile } from '../src/capture/scanned-host.js'
import { encodeHostFile } from '../src/host/host-file-encode.js'
import { decodeHostFile } from '../src/host/host-file.js'
import { hexOf } from '../src/decode/hex-bytes.js'
import { memoryTree } from '../test/support/memory-sysfs.js'
import type { Target } from './targets.js'

/** `[kind, path, content]`: f file (hex), t file (text), d folder, l link (target), c device. */
type Entry = [string, string, string?]
interface Input {
  entries?: unknown
  devices?: unknown
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const MAX_FUNCTIONS = 64

const ADDRESSES = ['0000:00:00.0', '0000:00:01.0', '0000:01:00.0', '0000:01:00.1', '0000:01:00.2', '0000:5e:00.0']
const DRIVERS = ['vfio-pci', 'mlx5_vfio_pci', 'nvme', 'pcieport', 'pci-stub', 'snd_hda_intel', '', '..', 'driver']

/** A config image: zeros, all ones, a header with a capability pointer, or random bytes, of any size. */
const configHex = fc
  .tuple(fc.constantFrom(0, 63, 64, 128, 256, 300, 4096, 4097), fc.constantFrom('zero', 'ones', 'header', 'random'), fc.integer())
  .map(([size, kind, seed]) => {
    const b = new Uint8Array(size)
    let x = seed | 1
    for (let i = 0; i < size; i++) {
      x = (x * 1103515245 + 12345) | 0
      b[i] = kind === 'zero' ? 0 : kind === 'ones' ? 0xff : kind === 'random' || i >= 0x40 ? (x >>> 16) & 0xff : 0
    }
    if (kind === 'header' && size >= 64) {
      b.set([0x34, 0x12, 0x01, 0x5a, 0x06, 0x04, 0x10, 0x00], 0)
      b[0x34] = 0x40
    }
    return hexOf(b)
  })

const link = fc.oneof(
  fc.constantFrom('../../../bus/pci/drivers/'),
  fc.constantFrom(...ADDRESSES.map((a) => `../${a}`)),
  fc.constantFrom('.', '..', 'self', '/sys/bus/pci/devices', '../../../kernel/iommu_groups/1', '../../virtual/iommu/dmar0', ''),
).chain((base) => (base.endsWith('/') ? fc.constantFrom(...DRIVERS).map((d) => `${base}${d}`) : fc.constant(base)))

/** One function's folder: its entries (some missing, some of the wrong kind). */
const functionEntries = (address: string): fc.Arbitrary<Entry[]> =>
  fc
    .record({
      config: fc.oneof(configHex.map((h): Entry => ['f', 'config', h]), fc.constantFrom<Entry>(['c', 'config'], ['l', 'config', '/dev/zero'], ['d', 'config'], ['l', 'config', 'config'])),
      resource: fc.oneof(fc.constantFrom('0x0 0xfff 0x200\n', '', 'garbage', '0x1 0x0 0x0\n'.repeat(13)).map((t): Entry => ['t', 'resource', t])),
      driver: link.map((t): Entry => ['l', 'driver', t]),
      group: fc.integer({ min: 0, max: 3 }).map((g): Entry => ['l', 'iommu_group', `../../../kernel/iommu_groups/${g}`]),
      physfn: fc.option(link.map((t): Entry => ['l', 'physfn', t])),
      totalvfs: fc.option(fc.constantFrom('2\n', '65535\n', 'x', '99999999').map((t): Entry => ['t', 'sriov_totalvfs', t])),
      numvfs: fc.option(fc.constantFrom('0\n', '2\n', '7\n').map((t): Entry => ['t', 'sriov_numvfs', t])),
      virtfn: fc.option(link.map((t): Entry => ['l', 'virtfn0', t])),
      iommu: fc.option(fc.constantFrom<Entry>(['l', 'iommu', '../../virtual/iommu/dmar0'], ['l', 'iommu', '../../virtual/iommu/ivhd9'])),
    })
    .map((r) => {
      const dir = `/sys/devices/pci0000:00/${address}`
      const own = [r.config, r.resource, r.driver, r.group, r.physfn, r.totalvfs, r.numvfs, r.virtfn, r.iommu].filter((e): e is Entry => e !== null)
      return [...own.map(([k, p, c]): Entry => [k, `${dir}/${p}`, ...(c === undefined ? [] : [c])] as Entry), ['l', `/sys/bus/pci/devices/${address}`, `../../../devices/pci0000:00/${address}`]]
    })

/** A hostile tree: some functions, IOMMU registers, cpuinfo, and a loop or a stray entry. */
export const sysfsTree = (): fc.Arbitrary<Input> =>
  fc
    .record({
      functions: fc.subarray(ADDRESSES, { minLength: 0 }).chain((as) => fc.tuple(...as.map(functionEntries))),
      iommu: fc.constantFrom<Entry[]>([], [['t', '/sys/devices/virtual/iommu/dmar0/intel-iommu/ecap', '3ef9e86f050df\n']], [['t', '/sys/devices/virtual/iommu/dmar0/intel-iommu/ecap', 'zz']], [['t', '/sys/devices/virtual/iommu/ivhd9/amd-iommu/features', '58f77ef22294ade:0\n']]),
      classLinks: fc.constantFrom<Entry[]>([], [['l', '/sys/class/iommu/dmar0', '../../devices/virtual/iommu/dmar0']], [['l', '/sys/class/iommu/ivhd9', '../../devices/virtual/iommu/ivhd9'], ['l', '/sys/class/iommu/loop', 'loop']]),
      cpuinfo: fc.constantFrom<Entry>(['t', '/proc/cpuinfo', 'flags\t: fpu enqcmd\n'], ['c', '/proc/cpuinfo'], ['t', '/proc/cpuinfo', '']),
      stray: fc.constantFrom<Entry[]>([], [['l', '/sys/bus/pci/devices/0000:ff:1f.7', '0000:ff:1f.7']], [['d', '/sys/bus/pci/devices/not-a-function']], [['t', '/sys/bus/pci/devices/0000:aa:00.0', 'a file']]),
      devices: fc.option(fc.subarray(ADDRESSES, { minLength: 1, maxLength: 2 })),
    })
    .map((t) => ({ entries: [...t.functions.flat(), ...t.iommu, ...t.classLinks, t.cpuinfo, ...t.stray], ...(t.devices === null ? {} : { devices: t.devices }) }))

const generate = (seed: number): Uint8Array => utf8(JSON.stringify(fc.sample(sysfsTree(), { seed, numRuns: 1 })[0]))

/** One change an attacker would try: a link retargeted to a loop or to another entry, an entry dropped or doubled. */
const mutate = (r: () => number, bytes: Uint8Array): Uint8Array => {
  let input: Input
  try {
    input = JSON.parse(new TextDecoder().decode(bytes)) as Input
  } catch {
    return bytes
  }
  const entries = Array.isArray(input.entries) ? (input.entries as unknown[]) : []
  if (entries.length === 0) return bytes
  const at = Math.floor(r() * entries.length)
  const e = entries[at]
  const op = Math.floor(r() * 3)
  if (op === 0 && Array.isArray(e) && e[0] === 'l') e[2] = r() < 0.5 ? String(e[1]).split('/').pop() : String((entries[Math.floor(r() * entries.length)] as unknown[] | undefined)?.[1] ?? '/')
  else if (op === 1) entries.splice(at, 1)
  else entries.push(e)
  return utf8(JSON.stringify(input))
}

/** Reads per function are a constant; listing folders adds their size. Anything past this is unbounded work. */
const stepBound = (entries: number): number => 64 + 24 * entries

const run = async (bytes: Uint8Array): Promise<void> => {
  let input: Input
  try {
    input = JSON.parse(new TextDecoder().decode(bytes)) as Input
  } catch {
    return
  }
  if (!Array.isArray(input.entries)) return
  const tree = memoryTree()
  for (const e of input.entries as unknown[]) {
    if (!Array.isArray(e) || typeof e[1] !== 'string' || !e[1].startsWith('/')) continue
    try {
      if (e[0] === 'f' && typeof e[2] === 'string') tree.file(e[1], Uint8Array.from((e[2].match(/.{2}/g) ?? []).map((h) => parseInt(h, 16) & 0xff)))
      else if (e[0] === 't' && typeof e[2] === 'string') tree.file(e[1], e[2])
      else if (e[0] === 'l' && typeof e[2] === 'string') tree.link(e[1], e[2])
      else if (e[0] === 'd') tree.mkdir(e[1])
      else if (e[0] === 'c') tree.device(e[1])
    } catch {
      // An entry under a file: not a tree the file system could hold.
    }
  }
  const devices = Array.isArray(input.devices) && input.devices.every((d) => typeof d === 'string') ? (input.devices as string[]) : undefined
  const scan = await scanHost(tree, { root: '/sys', cpuinfo: '/proc/cpuinfo', maxFunctions: MAX_FUNCTIONS, ...(devices === undefined ? {} : { devices }), pasid: { allocated: [] } })
  if (E.isLeft(scan)) return
  if (scan.right.steps > stepBound(input.entries.length)) throw new Error(`${scan.right.steps} reads for a tree of ${input.entries.length} entries`)
  for (const embed of [false, true]) {
    const spec = decodeHostFile(encodeHostFile(scannedHostFile(scan.right, { embed })))
    if (E.isLeft(spec)) throw new Error(`the host file written${embed ? ' with images' : ''} does not read back: ${spec.left[0]!.message} at ${spec.left[0]!.path.join('.')}`)
  }
  scannedHost(scan.right)
}

export const sysfsTreeTarget: Target = {
  name: 'sysfs-tree',
  seeds: () => [generate(1), generate(2), generate(3)],
  generate,
  mutate,
  run,
}

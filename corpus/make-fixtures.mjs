#!/usr/bin/env node
// Writes the team's config-space fixtures in corpus/ as lspci -xxx/-xxxx text. Each fixture is
// built register by register below, so the reason for every byte is written next to it; the
// expected walk of each is in corpus/README.md and test/corpus/fixtures.test.ts.
// Run: node corpus/make-fixtures.mjs   (output is committed; rerun after editing)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'

const here = new URL('.', import.meta.url)

const image = (size) => {
  const b = new Uint8Array(size)
  const api = {
    bytes: b,
    u8: (o, v) => ((b[o] = v & 0xff), api),
    u16: (o, v) => (api.u8(o, v), api.u8(o + 1, v >>> 8)),
    u32: (o, v) => (api.u16(o, v), api.u16(o + 2, v >>> 16)),
    /** Standard capability header: ID and next pointer. */
    cap: (o, id, next) => api.u8(o, id).u8(o + 1, next),
    /** Extended capability header: ID bits 15:0, version 19:16, next 31:20. */
    ecap: (o, id, version, next) => api.u32(o, ((next << 20) | (version << 16) | id) >>> 0),
  }
  return api
}

const lspci = (device, bytes) => {
  const lines = [device]
  for (let o = 0; o < bytes.length; o += 16) {
    const row = Array.from(bytes.subarray(o, o + 16), (x) => x.toString(16).padStart(2, '0')).join(' ')
    lines.push(`${o.toString(16).padStart(o < 0x100 ? 2 : 3, '0')}: ${row}`)
  }
  return `${lines.join('\n')}\n`
}

const write = (path, text) => writeFileSync(new URL(path, here), text)
const readFileSyncText = (path) => readFileSync(new URL(path, here), 'utf8')

/** Type-0 header of the fictional vendor 0x1234 (the PCI ID commonly used for examples). */
const endpointHeader = (img, device, classCode) =>
  img
    .u16(0x00, 0x1234) // vendor
    .u16(0x02, device)
    .u16(0x04, 0x0406) // command: memory space, bus master, INTx disable
    .u16(0x06, 0x0010) // status: capability list
    .u8(0x08, 0x01) // revision
    .u8(0x09, classCode & 0xff)
    .u8(0x0a, (classCode >>> 8) & 0xff)
    .u8(0x0b, classCode >>> 16)
    .u8(0x0e, 0x00) // header type 0
    .u16(0x2c, 0x1234) // subsystem vendor
    .u16(0x2e, 0x0001) // subsystem

// --- functions/pasid-ats-pri-endpoint: a 4 KiB PCIe accelerator with ATS, PASID and PRI -------
{
  const f = endpointHeader(image(4096), 0x5a01, 0x088000)
  f.u32(0x10, 0xfe00000c) // BAR0: 64-bit prefetchable memory
  f.u32(0x14, 0x00000000)
  f.u8(0x34, 0x40) // capabilities pointer
  f.u8(0x3d, 0x01) // interrupt pin INTA
  // [40] PCI Express v2 endpoint: 0x3C bytes
  f.cap(0x40, 0x10, 0x80).u16(0x42, 0x0002) // version 2, port type 0 (endpoint)
  f.u32(0x44, 0x10008002) // DevCap: FLR (bit 28), role-based errors, max payload 512
  f.u16(0x48, 0x2010) // DevCtl: relaxed ordering, max read request 512
  f.u32(0x4c, 0x00400104) // LnkCap: 16 GT/s, x16
  f.u16(0x52, 0x0104) // LnkSta: 16 GT/s (bits 3:0 = 4), x16 (bits 9:4 = 16)
  f.u32(0x64, 0x00000010) // DevCap2: completion timeout disable supported
  // [80] MSI-X: 16 vectors, table at BAR0+0x2000, PBA at BAR0+0x3000
  f.cap(0x80, 0x11, 0x90).u16(0x82, 0x000f).u32(0x84, 0x00002000).u32(0x88, 0x00003000)
  // [90] Power Management version 3, end of the standard list
  f.cap(0x90, 0x01, 0x00).u16(0x92, 0x0003).u16(0x94, 0x0008)
  // [100 v2] AER for an endpoint (no TLP prefix log): 0x2C bytes
  f.ecap(0x100, 0x0001, 2, 0x148).u32(0x10c, 0x00462030) // uncorrectable severity defaults
  // [148 v1] ATS: invalidate queue depth 0 (= 32), page aligned requests; enabled
  f.ecap(0x148, 0x000f, 1, 0x150).u16(0x14c, 0x0020).u16(0x14e, 0x8000)
  // [150 v1] PASID: execute + privileged supported, max width 20; enabled
  f.ecap(0x150, 0x001b, 1, 0x158).u16(0x154, 0x1406).u16(0x156, 0x0001)
  // [158 v1] PRI: enabled, 512 outstanding page requests capacity and allocation
  f.ecap(0x158, 0x0013, 1, 0x000).u16(0x15c, 0x0001).u32(0x160, 512).u32(0x164, 512)
  write('functions/pasid-ats-pri-endpoint.lspci', lspci('5a:00.0 Processing accelerators [1200]: vpci example accelerator [1234:5a01] (rev 01)', f.bytes))
}

// --- functions/conventional-256: conventional PCI, 256 bytes, no PCI Express ------------------
{
  const f = endpointHeader(image(256), 0x5a02, 0x020000)
  f.u16(0x06, 0x0290) // status: capability list, medium DEVSEL, fast back-to-back
  f.u32(0x10, 0xfebf0000) // BAR0: 32-bit memory
  f.u32(0x14, 0x0000c001) // BAR1: I/O
  f.u8(0x34, 0x50)
  f.u8(0x3d, 0x01)
  // [50] Power Management version 2
  f.cap(0x50, 0x01, 0x60).u16(0x52, 0x0002)
  // [60] MSI: 64-bit, per-vector masking, 8 vectors capable: 24 bytes (0x60–0x77)
  f.cap(0x60, 0x05, 0x78).u16(0x62, 0x0186)
  // [78] Vendor specific, 8 bytes by its length byte
  f.cap(0x78, 0x09, 0x00).u8(0x7a, 0x08).u32(0x7c, 0xdeadbeef)
  write('functions/conventional-256.lspci', lspci('03:00.0 Ethernet controller [0200]: vpci example conventional NIC [1234:5a02] (rev 01)', f.bytes))
}

// --- functions/type1-root-port: a type-1 header (PCI Express root port), 4 KiB ---------------
{
  const f = image(4096)
  f.u16(0x00, 0x1234).u16(0x02, 0x5a03).u16(0x04, 0x0407).u16(0x06, 0x0010).u8(0x08, 0x02)
  f.u8(0x0a, 0x04).u8(0x0b, 0x06) // class 0604: PCI bridge
  f.u8(0x0e, 0x01) // header type 1
  f.u8(0x18, 0x00).u8(0x19, 0x01).u8(0x1a, 0x01) // primary, secondary, subordinate bus
  f.u8(0x34, 0x40).u8(0x3d, 0x01)
  // [40] PCI Express v2 root port with a slot
  f.cap(0x40, 0x10, 0x80).u16(0x42, 0x0142) // version 2, port type 4 (root port), slot implemented
  f.u32(0x4c, 0x00000083) // LnkCap: 8 GT/s, x8
  // [80] MSI, 32-bit, no masking: 10 bytes
  f.cap(0x80, 0x05, 0x90).u16(0x82, 0x0000)
  // [90] Bridge subsystem vendor ID: 8 bytes
  f.cap(0x90, 0x0d, 0xa0).u16(0x94, 0x1234).u16(0x96, 0x5a03)
  // [a0] Power Management version 3
  f.cap(0xa0, 0x01, 0x00).u16(0xa2, 0x0003)
  // [100 v1] AER with root port registers: 0x38 bytes
  f.ecap(0x100, 0x0001, 1, 0x140)
  // [140 v1] ACS: SV, TB, RR, CR, UF; no egress control: 8 bytes
  f.ecap(0x140, 0x000d, 1, 0x148).u16(0x144, 0x001f)
  // [148 v1] Secondary PCI Express: 0xC + 2 × 8 lanes = 0x1C bytes
  f.ecap(0x148, 0x0019, 1, 0x000)
  write('functions/type1-root-port.lspci', lspci('00:1c.0 PCI bridge [0604]: vpci example root port [1234:5a03] (rev 02)', f.bytes))
}

// --- broken/: one defect each, on a minimal endpoint --------------------------------------------
const brokenStandard = (name, build) => {
  const f = endpointHeader(image(256), 0x5a0f, 0xff0000)
  f.u8(0x34, 0x40)
  build(f)
  write(`broken/${name}.lspci`, lspci(`00:0f.0 Unassigned class [ff00]: vpci broken example (${name}) [1234:5a0f]`, f.bytes))
}
const brokenExtended = (name, build) => {
  const f = endpointHeader(image(4096), 0x5a0e, 0xff0000)
  f.u8(0x34, 0x40)
  f.cap(0x40, 0x10, 0x00).u16(0x42, 0x0002).u32(0x4c, 0x00000011) // PCIe v2 endpoint, x1
  build(f)
  write(`broken/${name}.lspci`, lspci(`00:0e.0 Unassigned class [ff00]: vpci broken example (${name}) [1234:5a0e]`, f.bytes))
}

// [40] PM -> [50] MSI -> back to [40]
brokenStandard('std-loop', (f) => f.cap(0x40, 0x01, 0x50).u16(0x42, 0x0003).cap(0x50, 0x05, 0x40))
// [40] PM -> [60], where the ID reads 0xff
brokenStandard('std-id-ff', (f) => f.cap(0x40, 0x01, 0x60).u16(0x42, 0x0003).cap(0x60, 0xff, 0x00))
// [40] PM -> 0x20, inside the header
brokenStandard('std-pointer-in-header', (f) => f.cap(0x40, 0x01, 0x20).u16(0x42, 0x0003))
// capabilities pointer 0x43: reserved bits set; masked to 0x40, PM found there
brokenStandard('std-pointer-misaligned', (f) => f.u8(0x34, 0x43).cap(0x40, 0x01, 0x00).u16(0x42, 0x0003))
// [40] MSI 64-bit + masking (24 bytes, to 0x57) -> [50] PM starts inside it
brokenStandard('std-overlap', (f) => f.cap(0x40, 0x05, 0x50).u16(0x42, 0x0180).cap(0x50, 0x01, 0x00).u16(0x52, 0x0003))
// [e0] PCI Express v2 needs 0x3C bytes: runs to 0x11b, past the end of standard space
brokenStandard('std-past-end', (f) => f.u8(0x34, 0xe0).cap(0xe0, 0x10, 0x00).u16(0xe2, 0x0002))
// [40] vendor specific whose length byte says 1, shorter than its own header
brokenStandard('std-vendor-length', (f) => f.cap(0x40, 0x09, 0x00).u8(0x42, 0x01))
// header type 0x05: no known place for a capability pointer
brokenStandard('header-type-unknown', (f) => f.u8(0x0e, 0x05).cap(0x40, 0x01, 0x00))
// [100] AER -> [140] ATS -> back to [100]
brokenExtended('ext-loop', (f) => f.ecap(0x100, 0x0001, 1, 0x140).ecap(0x140, 0x000f, 1, 0x100))
// [100] AER -> 0x0c0, below extended space
brokenExtended('ext-pointer-below-100', (f) => f.ecap(0x100, 0x0001, 1, 0x0c0))
// [100] AER -> [200], whose header reads 0
brokenExtended('ext-dangling', (f) => f.ecap(0x100, 0x0001, 1, 0x200))
// extended header at 0x100 reads 0xffffffff
brokenExtended('ext-unreadable', (f) => f.u32(0x100, 0xffffffff))
// [100] DSN (12 bytes, to 0x10b) -> [108] LTR starts inside it
brokenExtended('ext-overlap', (f) => f.ecap(0x100, 0x0003, 1, 0x108).ecap(0x108, 0x0018, 1, 0x000))
// [fd0] SR-IOV is 0x40 bytes: runs to 0x100f, past the end of extended space
brokenExtended('ext-past-end', (f) => f.ecap(0x100, 0x0001, 1, 0xfd0).ecap(0xfd0, 0x0010, 1, 0x000))
// vfio-style hidden first extended capability: ID 0, version 0, chain continues to [150] PASID
brokenExtended('ext-hidden-first', (f) => f.ecap(0x100, 0x0000, 0, 0x150).ecap(0x150, 0x001b, 1, 0x000).u16(0x154, 0x1406))

// 64 bytes, as lspci -x or an unprivileged sysfs read gives: the capability list lies beyond it
{
  const f = endpointHeader(image(64), 0x5a01, 0x088000)
  f.u8(0x34, 0x40)
  write('broken/beyond-image-64.lspci', lspci('5a:00.0 Processing accelerators [1200]: vpci example accelerator [1234:5a01] (rev 01)', f.bytes))
}

// --- sysfs/0000:5a:00.0: the accelerator as a sysfs device folder (binary config + resource) -----
{
  const text = new URL('functions/pasid-ats-pri-endpoint.lspci', here)
  const bytes = Uint8Array.from(
    readFileSync(text, 'utf8').split('\n').slice(1).filter((l) => l !== '').flatMap((l) => l.split(': ')[1].split(' ').map((x) => parseInt(x, 16))),
  )
  mkdirSync(new URL('sysfs/0000:5a:00.0/', here), { recursive: true })
  writeFileSync(new URL('sysfs/0000:5a:00.0/config', here), bytes)
  const hex = (n) => `0x${n.toString(16).padStart(16, '0')}`
  const resource = [
    [0xfe000000n, 0xfe3fffffn, 0x0014220cn], // BAR0: 4 MiB, 64-bit prefetchable memory
    [0n, 0n, 0n], // BAR1: upper half of BAR0
    [0n, 0n, 0n], [0n, 0n, 0n], [0n, 0n, 0n], [0n, 0n, 0n],
    [0xfe400000n, 0xfe40ffffn, 0x00046200n], // expansion ROM: 64 KiB
    [0n, 0n, 0n], [0n, 0n, 0n], [0n, 0n, 0n], [0n, 0n, 0n], [0n, 0n, 0n], [0n, 0n, 0n],
  ]
  writeFileSync(new URL('sysfs/0000:5a:00.0/resource', here), resource.map((r) => r.map(hex).join(' ')).join('\n') + '\n')
}

// --- bad-input/: dumps that must be refused, each with one defect (line numbers are 1-based) ----
{
  const good = readFileSyncText('functions/conventional-256.lspci').split('\n')
  const edit = (name, f) => write(`bad-input/${name}`, f([...good]).join('\n'))
  // line 4 (offset 0x20): "zz" in place of the third byte
  edit('non-hex-byte.lspci', (l) => ((l[3] = l[3].replace(/^(20: \S\S \S\S) \S\S/, '$1 zz')), l))
  // line 6 (offset 0x40) lost its last four bytes
  edit('truncated-line.lspci', (l) => ((l[5] = l[5].slice(0, -12)), l))
  // lines 6 and 7 (offsets 0x40 and 0x50) swapped
  edit('offsets-out-of-order.lspci', (l) => ([l[5], l[6]] = [l[6], l[5]], l))
  // line 7 repeats offset 0x40 where 0x50 belongs
  edit('offset-duplicate.lspci', (l) => ((l[6] = l[5]), l))
  // only 8 rows: 128 bytes, not 64, 256 or 4096
  edit('cut-short.lspci', (l) => [...l.slice(0, 9), ''])
  // a shell prompt pasted in on line 1
  edit('unrecognised-line.lspci', (l) => ['$ sudo lspci -xxx -s 03:00.0', ...l])
  // a row past 4096 bytes (offset 0x1000) appended to a 4 KiB dump
  write('bad-input/beyond-4096.lspci', readFileSyncText('functions/type1-root-port.lspci') + '1000: ' + Array(16).fill('00').join(' ') + '\n')
  // two devices in one file: needs --device
  write('bad-input/two-devices.lspci', readFileSyncText('functions/conventional-256.lspci') + '\n' + readFileSyncText('functions/type1-root-port.lspci'))
  // a binary of 300 bytes: no config space has that size
  writeFileSync(new URL('bad-input/binary-300.bin', here), new Uint8Array(300).fill(0xa5).map((x, i) => (i % 7 === 0 ? 0 : x)))
  // an empty file
  write('bad-input/empty.lspci', '')
}


// --- families/accelerator: one device model across hosts and hardware versions ------------------
// The same fictional accelerator as functions/pasid-ats-pri-endpoint plus a Device Serial
// Number, built by one function so the versions differ only where the parameters say.
const accelerator = ({ revision, pasidWidth, priCapacity, serial, host }) => {
  const f = endpointHeader(image(4096), 0x5a01, 0x120000)
  f.u8(0x08, revision)
  f.u32(0x10, host.bar0).u32(0x14, 0) // BAR0: 64-bit prefetchable, address assigned per host
  f.u8(0x34, 0x40).u8(0x3c, host.irq).u8(0x3d, 0x01)
  f.u16(0x04, host.command)
  f.cap(0x40, 0x10, 0x80).u16(0x42, 0x0002).u32(0x44, 0x10008002).u16(0x48, host.devctl)
  f.u16(0x4a, host.devsta) // Device Status: error bits are write-1-to-clear
  f.u32(0x4c, 0x00400104).u16(0x52, 0x0104)
  f.cap(0x80, 0x11, 0x90).u16(0x82, 0x000f | host.msixControl).u32(0x84, 0x00002000).u32(0x88, 0x00003000)
  f.cap(0x90, 0x01, 0x00).u16(0x92, 0x0003).u16(0x94, 0x0008)
  f.ecap(0x100, 0x0001, 2, 0x148).u32(0x104, host.aerUncorrectable).u32(0x10c, 0x00462030)
  f.ecap(0x148, 0x000f, 1, 0x150).u16(0x14c, 0x0020).u16(0x14e, 0x8000)
  f.ecap(0x150, 0x001b, 1, 0x158).u16(0x154, 0x0006 | (pasidWidth << 8)).u16(0x156, host.pasidControl)
  f.ecap(0x158, 0x0013, 1, 0x168).u16(0x15c, 0x0001).u32(0x160, priCapacity).u32(0x164, host.priAllocation)
  f.ecap(0x168, 0x0003, 1, 0x000).u32(0x16c, Number(serial & 0xffffffffn)).u32(0x170, Number(serial >> 32n))
  return f.bytes
}
{
  mkdirSync(new URL('families/accelerator/', here), { recursive: true })
  const hostA = { bar0: 0xfe00000c, irq: 11, command: 0x0406, devctl: 0x2010, devsta: 0x0000, msixControl: 0x8000, aerUncorrectable: 0, pasidControl: 0x0001, priAllocation: 512 }
  const hostB = { bar0: 0xc800000c, irq: 5, command: 0x0006, devctl: 0x2810, devsta: 0x0001, msixControl: 0xc000, aerUncorrectable: 0x00004000, pasidControl: 0x0007, priAllocation: 128 }
  const line = (bdf, rev) => `${bdf} Processing accelerators [1200]: vpci example accelerator [1234:5a01] (rev 0${rev})`
  write('families/accelerator/v1-host-a.lspci', lspci(line('5a:00.0', 1), accelerator({ revision: 1, pasidWidth: 20, priCapacity: 512, serial: 0x00a1b2c3d4e50001n, host: hostA })))
  write('families/accelerator/v1-host-b.lspci', lspci(line('3b:00.0', 1), accelerator({ revision: 1, pasidWidth: 20, priCapacity: 512, serial: 0x00a1b2c3d4e50002n, host: hostB })))
  write('families/accelerator/v2-host-c.lspci', lspci(line('17:00.0', 2), accelerator({ revision: 2, pasidWidth: 16, priCapacity: 256, serial: 0x00a1b2c3d4e60003n, host: hostA })))
}

// --- families/nic: a NIC whose V2 firmware moved MSI-X and PCI Express and added PASID/PRI --------
{
  mkdirSync(new URL('families/nic/', here), { recursive: true })
  const nic = (v2) => {
    const f = endpointHeader(image(4096), 0x5b01, 0x020000)
    f.u8(0x08, v2 ? 2 : 1)
    f.u32(0x10, 0xf800000c).u32(0x18, 0xfb00000c) // BAR0 and BAR2: 64-bit prefetchable
    f.u8(0x34, 0x40).u8(0x3c, 10).u8(0x3d, 0x01)
    const [msix, express] = v2 ? [0x90, 0x48] : [0x50, 0x60]
    f.cap(0x40, 0x01, v2 ? express : msix).u16(0x42, 0x0003).u16(0x44, 0x0008) // PM v3
    // MSI-X: 16 vectors, table in BAR2 at 0, PBA in BAR2 at 0x1000 (the same on both versions)
    f.cap(msix, 0x11, v2 ? 0x00 : express).u16(msix + 2, 0x000f).u32(msix + 4, 0x00000002).u32(msix + 8, 0x00001002)
    // PCI Express v2 endpoint: FLR, 512-byte payload, 8 GT/s x8
    f.cap(express, 0x10, v2 ? msix : 0x00).u16(express + 2, 0x0002).u32(express + 4, 0x10008002).u32(express + 0x0c, 0x00000083).u16(express + 0x12, 0x0083)
    f.ecap(0x100, 0x0001, 2, 0x140) // AER
    f.ecap(0x140, 0x000e, 1, 0x148).u16(0x144, 0x0100) // ARI: next function 1
    f.ecap(0x148, 0x000f, 1, v2 ? 0x180 : 0x000).u16(0x14c, 0x0020) // ATS: queue depth 32, page aligned
    if (v2) {
      f.ecap(0x180, 0x001b, 1, 0x188).u16(0x184, 0x1000) // PASID: width 16, no execute/privileged
      f.ecap(0x188, 0x0013, 1, 0x000).u32(0x190, 64) // PRI: 64 outstanding page requests
    }
    return f.bytes
  }
  write('families/nic/v1.lspci', lspci('3b:00.0 Ethernet controller [0200]: vpci example NIC [1234:5b01] (rev 01)', nic(false)))
  write('families/nic/v2.lspci', lspci('5e:00.0 Ethernet controller [0200]: vpci example NIC [1234:5b01] (rev 02)', nic(true)))
}

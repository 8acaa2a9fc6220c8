/**
 * `scanHost` of the machine the tests run on, against what its kernel shows independently: each
 * function's vendor and device ID against its sysfs `vendor` and `device` files, and every
 * config read accounted for — a full image, or a short one with the warning that says why.
 * Skips, saying so, only where /sys/bus/pci is absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { nodeSysfsReader } from '../../src/capture/node-sysfs-reader.js'
import { scanHost } from '../../src/capture/scan-host.js'
import { scannedHostFile } from '../../src/capture/scanned-host.js'
import { encodeHostFile } from '../../src/host/host-file-encode.js'
import { decodeHostFile } from '../../src/host/host-file.js'

const DEVICES = '/sys/bus/pci/devices'
const present = existsSync('/sys/bus/pci')
if (!present) console.warn('SKIPPING the real-machine scan: /sys/bus/pci is absent here')

describe.skipIf(!present)('host scan of this machine', () => {
  it('every function: IDs as the kernel shows them, config read whole or its truncation warned', async () => {
    const scan = await scanHost(nodeSysfsReader)
    if (E.isLeft(scan)) throw new Error(JSON.stringify(scan.left))
    const names = readdirSync(DEVICES)
    const left = new Set(scan.right.warnings.filter((w) => w.code === 'CONFIG_UNREADABLE').map((w) => w.address))
    // Every function listed is described, or left out with the warning that says why.
    expect(names.filter((n) => !left.has(n)).sort()).toEqual(scan.right.functions.map((f) => f.address).sort())
    for (const f of scan.right.functions) {
      const attr = (name: string) => parseInt(readFileSync(`${DEVICES}/${f.address}/${name}`, 'utf8'), 16)
      expect([f.identity.vendorId, f.identity.deviceId], f.address).toEqual([attr('vendor'), attr('device')])
      const truncation = scan.right.warnings.filter((w) => w.code === 'CONFIG_TRUNCATED' && w.address === f.address)
      // Full: 4096 bytes, or 256 of a function with no PCI Express capability (conventional PCI).
      const full = f.dump.config.size === 4096 || (f.dump.config.size === 256 && f.prepared.walk.facts.express === null)
      expect([f.truncated, truncation.length], f.address).toEqual(full ? [false, 0] : [true, 1])
    }
    const spec = decodeHostFile(encodeHostFile(scannedHostFile(scan.right)))
    expect(E.isRight(spec)).toBe(true)
  })
})

const cli = new URL('../../dist/cli/main.js', import.meta.url).pathname
const asNobody = present && process.getuid?.() === 0 && existsSync('/usr/sbin/runuser') && existsSync(cli)

describe.skipIf(!asNobody)('host scan of this machine without privilege (runuser -u nobody; needs root and a build)', () => {
  it('every function read short, each with the warning naming the missing privilege; the file still reads', async () => {
    const { spawnSync } = await import('node:child_process')
    const r = spawnSync('/usr/sbin/runuser', ['-u', 'nobody', '--', process.execPath, cli, 'host', 'scan', '--name', 'unprivileged'], { encoding: 'utf8' })
    expect(r.status).toBe(0)
    for (const name of readdirSync(DEVICES)) expect(r.stderr).toContain(`${name}: config read gave 64 of at least 256 bytes: the kernel gives a reader without CAP_SYS_ADMIN`)
    expect(E.isRight(decodeHostFile(r.stdout))).toBe(true)
  })
})

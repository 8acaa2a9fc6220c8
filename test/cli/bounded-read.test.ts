/**
 * Reading is bounded by what is read, never by what `stat` claims, and only regular files are
 * read: a character device, a FIFO without a writer, a symlink loop, a sysfs-style folder whose
 * `config` leads to /dev/zero, a host file naming /dev/zero or a file outside its folder: each
 * returns (the test timeout is the guard against a hang: these used to block forever or read
 * 8 GiB) with exit 2 and one line naming the file and what it is.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { vpci } from '../support/cli.js'
import { hostFolder } from '../support/host-folder.js'
import { corpusPath, readCorpusText } from '../support/repo-corpus.js'

const GUARD = 10_000
const tmp = () => mkdtempSync(join(tmpdir(), 'vpci-paths-'))

/** Exit 2 and exactly one line on stderr matching `message`; nothing on stdout. */
const refusedWithOneLine = (r: { code: number; stdout: string; stderr: string }, message: RegExp): void => {
  expect(r.code).toBe(2)
  expect(r.stdout).toBe('')
  expect(r.stderr.split('\n')).toHaveLength(2)
  expect(r.stderr.trimEnd()).toMatch(message)
}

const fifo = (dir: string): string => {
  const path = join(dir, 'fifo')
  execFileSync('mkfifo', [path])
  return path
}

describe('paths that are not regular files', () => {
  it('vpci caps /dev/zero: refused as a character device, nothing read', { timeout: GUARD }, async () => {
    refusedWithOneLine(await vpci('caps', '/dev/zero'), /^vpci: \/dev\/zero: is a character device, not a file/)
  })

  it('vpci caps FIFO (no writer): refused as a FIFO instead of blocking', { timeout: GUARD }, async () => {
    const path = fifo(tmp())
    refusedWithOneLine(await vpci('caps', path), /fifo: is a FIFO \(named pipe\), not a file/)
    refusedWithOneLine(await vpci('check', corpusPath('layouts/accelerator-v1.yaml'), path), /fifo: is a FIFO/)
    refusedWithOneLine(await vpci('state', 'decode', path), /fifo: is a FIFO/)
  })

  it('a symlink loop: one line', { timeout: GUARD }, async () => {
    const dir = tmp()
    symlinkSync(join(dir, 'b'), join(dir, 'a'))
    symlinkSync(join(dir, 'a'), join(dir, 'b'))
    refusedWithOneLine(await vpci('caps', join(dir, 'a')), /a: too many levels of symbolic links/)
  })

  it('a sysfs-style folder whose config leads to /dev/zero or a FIFO', { timeout: GUARD }, async () => {
    const dir = tmp()
    mkdirSync(join(dir, 'zero'))
    symlinkSync('/dev/zero', join(dir, 'zero', 'config'))
    refusedWithOneLine(await vpci('caps', join(dir, 'zero')), /zero\/config: is a character device/)
    mkdirSync(join(dir, 'pipe'))
    execFileSync('mkfifo', [join(dir, 'pipe', 'config')])
    refusedWithOneLine(await vpci('caps', join(dir, 'pipe')), /pipe\/config: is a FIFO/)
  })
})

const STATE = corpusPath('state/vm-17-n2-schema-v1.pb')

describe("a host file's paths", () => {
  it('are resolved against the host file, and may not leave its folder through ..', { timeout: GUARD }, async () => {
    const ok = await vpci('check', STATE, hostFolder())
    expect([ok.code, ok.stderr]).toEqual([0, ''])
    const escaping = hostFolder('../../../../../../../../etc/passwd', 'b.lspci')
    refusedWithOneLine(await vpci('check', STATE, escaping), /host\.yaml: functions\[0\]\.dump: \.\.\/\.\.\/.*etc\/passwd lies outside the host file's folder/)
    // An absolute path outside the folder is as much outside it.
    refusedWithOneLine(await vpci('check', STATE, hostFolder('/dev/zero', 'b.lspci')), /functions\[0\]\.dump: \/dev\/zero lies outside/)
  })

  it('--root widens where they may lead; a device there is still refused, and read nowhere', { timeout: GUARD }, async () => {
    refusedWithOneLine(await vpci('check', STATE, hostFolder('/dev/zero', 'b.lspci'), '--root', '/'), /^vpci: \/dev\/zero: is a character device/)
    const host = hostFolder()
    const r = await vpci('check', STATE, host, '--root', join(host, '..', '..'))
    expect(r.code).toBe(0)
  })

  it('filter judges the hosts whose paths stay inside and names the one that leaves', { timeout: GUARD }, async () => {
    const r = await vpci('filter', STATE, hostFolder(), hostFolder('../../../etc/passwd', 'b.lspci'), '--json')
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.accepted).toHaveLength(1)
    expect(out.invalid[0].errors[0].code).toBe('PATH_OUTSIDE_ROOT')
  })
})

const built = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))

describe.skipIf(!existsSync(built))('standard input (-) in the built executable', () => {
  it('a dump piped in is read', () => {
    const r = spawnSync(process.execPath, [built, 'caps', '-', '--json'], { input: readCorpusText('functions/pasid-ats-pri-endpoint.lspci'), encoding: 'utf8' })
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).capabilities).toHaveLength(7)
  })

  it('/dev/zero on standard input is read up to the bound and refused', { timeout: GUARD }, () => {
    const zero = openSync('/dev/zero', 'r')
    const r = spawnSync(process.execPath, [built, 'caps', '-'], { stdio: [zero, 'pipe', 'pipe'], encoding: 'utf8' })
    closeSync(zero)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^vpci: -: larger than 16777216 bytes/)
  })

  it('- given twice is refused the second time (a stream is read once)', () => {
    const text = readCorpusText('functions/pasid-ats-pri-endpoint.lspci')
    const r = spawnSync(process.execPath, [built, 'check', '-', '-'], { input: text, encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/standard input was already read; give - once/)
  })
})

/**
 * `vpci caps`: the JSON shape it promises, its human table, exit codes and one-line errors.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { corpusPath } from '../support/repo-corpus.js'
import { vpci } from '../support/cli.js'
import { realDumpPath, sharedCorpusPresent } from '../support/shared-corpus.js'

const endpoint = corpusPath('functions/pasid-ats-pri-endpoint.lspci')

describe('vpci caps --json', () => {
  it('prints exactly the promised shape', async () => {
    const r = await vpci('caps', endpoint, '--json')
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    const json = JSON.parse(r.stdout)
    expect(Object.keys(json)).toEqual(['capabilities', 'problems'])
    expect(json.capabilities[0]).toEqual({ space: 'standard', offset: 0x40, id: 0x10, version: null, name: 'PCI Express', length: 0x3c })
    expect(json.capabilities[4]).toEqual({
      space: 'extended',
      offset: 0x148,
      id: 0x0f,
      version: 1,
      name: 'Address Translation Service',
      length: 8,
    })
    expect(json.problems).toEqual([])
  })

  it('problems carry code, offset and a sentence; exit 0 because the file was read', async () => {
    const r = await vpci('caps', corpusPath('broken/std-loop.lspci'), '--json')
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.problems).toEqual([
      { code: 'CHAIN_LOOP', offset: 0x40, message: 'standard capability chain looped: the pointer at 0x51 leads back to 0x40' },
    ])
  })

  it.skipIf(!sharedCorpusPresent)('whole-function problems have a null offset', async () => {
    const r = await vpci('caps', realDumpPath('genesys-gl9755-all-ones'), '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({
      capabilities: [],
      problems: [
        { code: 'ALL_ONES', offset: null, message: 'every byte reads 0xff: the function is absent, powered off or was unreachable when read' },
      ],
    })
  })
})

describe('vpci caps, human output', () => {
  it('one line per capability with offset, version, name and length, then problems', async () => {
    const r = await vpci('caps', corpusPath('broken/ext-overlap.lspci'))
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^.*ext-overlap\.lspci: 1234:5a0e, 4096 bytes/)
    expect(lines.slice(1)).toEqual([
      '  [40]       PCI Express (0x10), 60 bytes',
      '  [100 v1]   Device Serial Number (0x0003), 12 bytes',
      '  [108 v1]   Latency Tolerance Reporting (0x0018), 8 bytes',
      '1 problem:',
      '  CAP_OVERLAP: extended capability at 0x108 starts inside the one at 0x100, which runs to 0x10b',
    ])
  })

  it('reads a sysfs-style folder', async () => {
    const r = await vpci('caps', corpusPath('sysfs/0000:5a:00.0'))
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('0000:5a:00.0')
    expect(r.stdout).toContain('[150 v1]   Process Address Space ID (0x001b), 8 bytes')
  })

  it('--device picks a device from a file holding several', async () => {
    const r = await vpci('caps', corpusPath('bad-input/two-devices.lspci'), '--device', '03:00.0', '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).capabilities.map((c: { offset: number }) => c.offset)).toEqual([0x50, 0x60, 0x78])
  })
})

describe('bad input and usage: exit 2, one line on stderr, nothing on stdout', () => {
  it.each([
    [['caps', corpusPath('bad-input/non-hex-byte.lspci')], /non-hex-byte\.lspci:4: "zz" at column 11 \(offset 0x22\) is not a hex byte$/],
    [['caps', corpusPath('bad-input/two-devices.lspci')], /holds 2 devices \(03:00\.0, 00:1c\.0\); pick one with --device BDF$/],
    [['caps', corpusPath('no-such-file.lspci')], /no-such-file\.lspci: no such file or folder$/],
    [['caps', corpusPath('functions')], /functions: folder has no "config" file/],
    [['caps'], /caps takes exactly one FILE/],
    [['caps', 'a', 'b'], /caps takes exactly one FILE/],
    [['caps', endpoint, '--bogus'], /caps: --bogus is not an option of caps; see "vpci caps --help"$/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('%j', async (argv, message) => {
    const r = await vpci(...argv)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.split('\n')).toHaveLength(2) // one line and its newline
    expect(r.stderr.trimEnd()).toMatch(message)
  })
})

describe('help', () => {
  it('vpci --help and vpci caps --help explain usage with an example', async () => {
    const main = await vpci('--help')
    expect(main.code).toBe(0)
    expect(main.stdout).toContain('caps FILE')
    expect(main.stdout).toContain('Example:')
    const caps = await vpci('caps', '--help')
    expect(caps.code).toBe(0)
    expect(caps.stdout).toContain('--device BDF')
    expect(caps.stdout).toContain('Example:')
  })

  it.each(['caps', 'check', 'derive', 'build', 'remap', 'state', 'filter'])('vpci %s --help prints its own usage, whatever else is given', async (command) => {
    const r = await vpci(command, '--help', 'no-such-file')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`^Usage:\\n  vpci ${command} `))
    expect(r.stderr).toBe('')
  })
})

const built = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))

describe.skipIf(!existsSync(built))('the built vpci executable', () => {
  it('runs as a program and prints no stack trace for bad input', () => {
    const ok = execFileSync(built, ['caps', endpoint, '--json'], { encoding: 'utf8' })
    expect(JSON.parse(ok).capabilities).toHaveLength(7)
    const bad = spawnSync(built, ['caps', corpusPath('bad-input/empty.lspci')], { encoding: 'utf8' })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/^vpci: .*empty\.lspci: empty file/)
    expect(bad.stderr).not.toMatch(/\n\s+at /)
  })
})

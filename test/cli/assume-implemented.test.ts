/**
 * `--assume-implemented` on the command line: an optional AER bit set on the source and 0 on the
 * destination is refused (exit 1, STATE_UNPROVEN) unless the option makes it an assumption.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { vpci } from '../support/cli.js'
import { corpusPath } from '../support/repo-corpus.js'

describe('vpci check --assume-implemented', () => {
  const destination = corpusPath('families/accelerator/v1-host-a.lspci')
  const dir = mkdtempSync(join(tmpdir(), 'vpci-optional-'))
  const source = join(dir, 'source.lspci')
  // Row 100 of the dump holds the AER header and the Uncorrectable Error Mask at 0x108: set bit 22 (byte 0x10a = 0x40).
  writeFileSync(source, readFileSync(destination, 'utf8').replace(/^100: (01 00 82 14) 00 00 00 00 00 00 00 00/m, '100: $1 00 00 00 00 00 00 40 00'))

  it('refuses by default, naming the register and bit', async () => {
    const r = await vpci('check', source, destination)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('STATE_UNPROVEN')
    expect(r.stdout).toContain('Uncorrectable Error Mask bit 22')
  })

  it('accepts with the option, and the certificate states the assumption', async () => {
    const cert = join(dir, 'cert.json')
    const r = await vpci('check', source, destination, '--assume-implemented', '--certificate', cert)
    expect(r.code).toBe(0)
    const c = JSON.parse(readFileSync(cert, 'utf8'))
    expect(c.options.assumeImplemented).toBe(true)
    expect(c.assumptions.some((a: string) => a.includes('uncorrectableMask'))).toBe(true)
  })
})

/**
 * Host files refuse unknown keys (issue 11, item 11), as layout files do: a misspelt key would
 * vanish and its default apply (`fre: false` made the function free; `persnoa:` skipped the
 * persona check). The rule is checked at every level of the format (top, metadata, functions,
 * persona, pasid and its functions): the error names the key, the keys expected there, its path
 * and its line. The allowed keys come from the host file format (fuzz/host-keys.ts), not from the
 * decoder.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { misspellHostKey, unknownHostKeys } from '../../fuzz/host-keys.js'
import { seeded } from '../../fuzz/mutate.js'
import { decodeHostFile } from '../../src/host/host-file.js'
import { vpci } from '../support/cli.js'
import { corpusPath, readCorpusText } from '../support/repo-corpus.js'

const GOOD = readCorpusText('hosts/host-good.yaml')
const lines = GOOD.split('\n')
/** host-good.yaml with `line` (1-based) replaced by `text`. */
const edited = (line: number, text: string): string => lines.map((l, i) => (i === line - 1 ? text : l)).join('\n')

describe('host files refuse unknown keys at every level', () => {
  it('host-good.yaml decodes as it is', () => {
    expect(E.isRight(decodeHostFile(GOOD))).toBe(true)
  })

  it.each([
    // [what, line replaced, the new text, path, expected keys listed]
    ['top level', 2, 'apiVersion: vpci/v1\npasdi: {}', 'pasdi', 'apiVersion, kind, metadata, functions, pasid'],
    ['metadata', 5, '  name: host-good\n  nmae: typo', 'metadata.nmae', 'name'],
    ['a function: fre (free)', 8, '    dump: ../families/accelerator/v1-host-a.lspci\n    fre: false', 'functions.0.fre', 'address, dump, sysfs, layout, image, persona, pf, free'],
    ['a function: persnoa (persona)', 12, '    persnoa: { family: vpci-example-nic, hardwareVersion: V2, firmware: "2.1", migrationStreams: [2, 3] }', 'functions.1.persnoa', 'address, dump, sysfs, layout, image, persona, pf, free'],
    ['a persona', 9, '    persona: { family: vpci-example-accelerator, hardwareVersion: V1, firmware: "1.0", migrationStreams: [1], stream: 2 }', 'functions.0.persona.stream', 'family, hardwareVersion, firmware, migrationStreams'],
    ['pasid', 16, '  split: 64\n  splt: 32', 'pasid.splt', 'iommuWidth, cpuTranslation, split, globalAllocated, functions'],
    ['a pasid function', 19, '    - { id: "0000:5a:00.0", capabilityWidth: 20, execute: true, privileged: true, pasidEnabled: true, vf: false, allocated: [], alocated: [[1, 2]] }', 'pasid.functions.0.alocated', 'id, capabilityWidth, execute, privileged, pasidEnabled, vf, allocated'],
  ])('%s', (_, line, text, path, expected) => {
    const r = decodeHostFile(edited(line as number, text as string))
    expect(E.isLeft(r)).toBe(true)
    if (E.isRight(r)) return
    const key = (path as string).split('.').pop()!
    expect(r.left.map((e) => [e.path.join('.'), e.message])).toEqual([[path, `unknown key "${key}"; expected one of: ${expected}`]])
    // The line of the misspelt key (the edit's last line).
    expect(r.left[0]!.line).toBe((line as number) + (text as string).split('\n').length - 1)
  })

  it('vpci check refuses a host file with fre: false: exit 2, file, line, key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpci-host-'))
    // The host file names dumps relative to itself: put it where they resolve.
    symlinkSync(corpusPath('families'), join(dir, 'families'))
    mkdirSync(join(dir, 'hosts'))
    const file = join(dir, 'hosts', 'typo.yaml')
    writeFileSync(file, edited(8, '    dump: ../families/accelerator/v1-host-a.lspci\n    fre: false'))
    const r = await vpci('check', corpusPath('state/vm-17-n2-schema-v1.pb'), file)
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`vpci: ${file}:9: functions[0].fre: unknown key "fre"; expected one of: address, dump, sysfs, layout, image, persona, pf, free\n`)
  })

  it('a misspelt key anywhere in any corpus host file is refused', () => {
    const files = ['hosts/host-good.yaml', 'hosts/host-no-translation.yaml', 'hosts/host-split-low.yaml', 'hosts/host-v2-accelerator.yaml', 'hosts/host-mixed.yaml', 'hosts/host-mixed-embedded.yaml', 'hosts/host-embedded.yaml', 'pasid/host-b.yaml'].map(readCorpusText)
    fc.assert(
      fc.property(fc.constantFrom(...files), fc.integer(), (text, seed) => {
        const typo = misspellHostKey(seeded(seed), text)
        let raw: unknown
        try {
          raw = parse(typo)
        } catch {
          return // a typo that made a key repeat: not YAML the decoder would read either
        }
        if (unknownHostKeys(raw).length > 0) expect(E.isLeft(decodeHostFile(typo))).toBe(true)
      }),
      { numRuns: 400 },
    )
  })
})

/**
 * A layout shows the guest exactly the capabilities it lists (DESIGN.md §4, soundness rules):
 * raw byte runs fill only bits no capability header, next pointer or registry field covers, and
 * the built image, walked, lists exactly the layout's capabilities. Each hole is tried the way a
 * hostile source host would: on the NIC layout N1 (no PASID), through the decoder (path and
 * line), through `build` for layouts made in memory, inside a migration state through `vpci
 * check STATE HOST`, and as a property over generated layouts with arbitrary raw runs, judged by
 * the walker (the same code `vpci caps` and lspci agree on).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { layoutWithRawRuns } from '../../src/arbitraries/raw-runs.js'
import { isHiddenPlaceholder } from '../../src/capability/capability.js'
import { walkCapabilities } from '../../src/capability/walk.js'
import { configSpace } from '../../src/config-space/config-space.js'
import { build } from '../../src/layout/build.js'
import type { FunctionLayout } from '../../src/layout/function-layout.js'
import { renderPath } from '../../src/layout/layout-error.js'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { prepareFunction } from '../../src/semantic/prepared-function.js'
import { decodeMigrationState, encodeMigrationState } from '../../src/state/state-codec.js'
import { bytesOfHex } from '../../src/decode/hex-bytes.js'
import { vpci } from '../support/cli.js'
import { corpusPath, readCorpusText } from '../support/repo-corpus.js'

const N1 = readCorpusText('layouts/nic-v1.yaml')
const edit = (text: string, find: string, replace: string): string => {
  if (!text.includes(find)) throw new Error(`"${find}" not in the layout`)
  return text.replace(find, replace)
}
const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length
const unclaimed = (runs: ReadonlyArray<readonly [number, string]>) => (text: string) =>
  edit(text, 'hidden: []', `unclaimed:\n${runs.map(([at, hex]) => `  - at: 0x${at.toString(16)}\n    hex: "${hex}"\n`).join('')}hidden: []`)
const capabilityBytes = (after: string, at: number, hex: string) => (text: string) => edit(text, after, `${after}    bytes:\n      - at: ${at}\n        hex: "${hex}"\n`)
const headerBytes = (runs: ReadonlyArray<readonly [number, string]>) => (text: string) =>
  edit(text, '    interruptPin: 1\n', `    interruptPin: 1\n  bytes:\n${runs.map(([at, hex]) => `    - at: 0x${at.toString(16)}\n      hex: "${hex}"\n`).join('')}`)
const withoutExtended = (text: string): string => text.slice(0, text.indexOf('  - space: extended')) + 'hidden: []\n'
const withoutCapabilities = (text: string): string => `${text.slice(0, text.indexOf('capabilities:'))}capabilities: []\nhidden: []\n`
const ATS_END = '      pageAlignedRequest: 1\n'
const PM_END = '      noSoftReset: 1\n'
const MSIX_END = '      pbaOffset: 0x200\n'

/** Each way raw bytes could plant what a guest reads: the edit, the error, its path, the text on its line. */
const HOLES: ReadonlyArray<readonly [string, (t: string) => string, string, string, string]> = [
  [
    'a PASID planted at 0xf00 and ATS\'s next pointer aimed at it',
    (t) => unclaimed([[0xf00, '1b 00 01 00 06 14 00 00']])(capabilityBytes(ATS_END, 2, '01 f0')(t)),
    'RAW_OUT_OF_PLACE',
    'capabilities[5].bytes[0].at',
    '- at: 2',
  ],
  ['an MSI planted at 0xc0 and PM\'s next pointer aimed at it', (t) => unclaimed([[0xc0, '05 00 80 00']])(capabilityBytes(PM_END, 1, 'c0')(t)), 'RAW_OUT_OF_PLACE', 'capabilities[0].bytes[0].at', '- at: 1'],
  ['an extended header at 0x100 when the layout lists no extended capability', (t) => unclaimed([[0x100, '1b 00 01 00 06 14 00 00']])(withoutExtended(t)), 'RAW_OUT_OF_PLACE', 'unclaimed[0].at', '- at: 0x100'],
  ['the Capabilities List bit and pointer set by header bytes on a layout with no capability', (t) => unclaimed([[0x40, '09 00 04 00']])(headerBytes([[0x06, '10'], [0x34, '40']])(withoutCapabilities(t))), 'RAW_OVER_FIELD', 'header.bytes[0].hex', 'hex: "10"'],
  ['the Vendor ID overwritten by header bytes', headerBytes([[0x00, '00 00']]), 'RAW_OVER_FIELD', 'header.bytes[0].hex', 'hex: "00 00"'],
  ['MSI-X Enable set by raw bytes instead of its field', capabilityBytes(MSIX_END, 3, '80'), 'RAW_OVER_FIELD', 'capabilities[1].bytes[0].hex', 'hex: "80"'],
  ['unclaimed bytes inside PM (two sources for a byte)', unclaimed([[0x44, 'ff']]), 'RAW_OUT_OF_PLACE', 'unclaimed[0].at', '- at: 0x44'],
  ['two unclaimed runs writing one byte', unclaimed([[0x200, '11 22'], [0x201, '33']]), 'RAW_OVERLAP', 'unclaimed[1].at', '- at: 0x201'],
  ['ATS bytes past its end', capabilityBytes(ATS_END, 8, 'aa'), 'RAW_OUT_OF_PLACE', 'capabilities[5].bytes[0].at', '- at: 8'],
]

describe('raw runs cannot plant what a guest reads', () => {
  it('the first hole is real: N1 with those bytes shows a guest a PASID capability N1 does not list', () => {
    // What the old build wrote: N1's image with ATS's next pointer aimed at 0xf00 and a PASID header there.
    const n1 = decodeLayout(N1, 'nic-v1.yaml')
    if (E.isLeft(n1)) throw new Error(JSON.stringify(n1.left))
    const built = build(n1.right)
    if (E.isLeft(built)) throw new Error(JSON.stringify(built.left))
    const bytes = Uint8Array.from(built.right.config.bytes)
    bytes.set([0x01, 0xf0], 0x148 + 2)
    bytes.set(bytesOfHex('1b00010006140000')!, 0xf00)
    expect(walkCapabilities(configSpace(bytes)!).capabilities.map((c) => [c.offset, c.id])).toContainEqual([0xf00, 0x1b])
    expect(n1.right.capabilities.some((c) => c.id === 0x1b)).toBe(false)
  })

  it.each(HOLES)('%s: refused by the decoder, with path and line', (_, change, code, path, needle) => {
    const text = change(N1)
    const result = decodeLayout(text, 'n1-edited.yaml')
    if (E.isRight(result)) throw new Error('decoded')
    const error = result.left.find((e) => e.code === code && renderPath(e.path) === path)
    expect(error, JSON.stringify(result.left)).toBeDefined()
    expect(error!.line).toBe(lineOf(text, needle))
  })

  it('a walk that shows an unlisted capability is named too', () => {
    const result = decodeLayout(HOLES[0]![1](N1), 'n1-edited.yaml')
    expect(E.isLeft(result) && result.left.find((e) => e.code === 'CAP_NOT_LISTED')?.message).toContain('Process Address Space ID v1 at 0xf00')
  })
})

/** The layout's list as the walker must find it. */
const listed = (l: FunctionLayout) =>
  [...l.capabilities.filter((c) => c.space === 'standard'), ...l.capabilities.filter((c) => c.space === 'extended')].map((c) => [c.space, c.offset, c.id, c.version, c.length])

describe('property: a layout with arbitrary raw runs is refused, or its built walk is its list', () => {
  it('over generated layouts with runs over headers, pointers, fields, planted capabilities', () => {
    let built = 0
    fc.assert(
      fc.property(layoutWithRawRuns(), (l) => {
        const r = build(l)
        if (E.isLeft(r)) return
        built++
        const walk = walkCapabilities(r.right.config)
        // The one structure build adds: the placeholder at 0x100 for an extended list starting elsewhere.
        const shown = walk.capabilities.filter((c) => !(isHiddenPlaceholder(c) && c.offset === 0x100))
        expect(shown.map((c) => [c.space, c.offset, c.id, c.version, c.length])).toEqual(listed(l))
        expect(walk.problems).toEqual([])
      }),
      { numRuns: 300 },
    )
    // Not vacuous: runs in free bits build.
    expect(built).toBeGreaterThan(0)
  })
})

describe('a migration state carrying a smuggling layout', () => {
  it('vpci check STATE HOST refuses it as bad input (exit 2), naming the raw run', async () => {
    const state = decodeMigrationState(new Uint8Array(readFileSync(corpusPath('state/vm-17-schema-v1.pb'))))
    if (E.isLeft(state)) throw new Error(JSON.stringify(state.left))
    const nic = state.right.functions[1]!
    expect(nic.layout.name).toBe('nic-v1')
    // As a hostile source host sends it: the layout, an image with the planted PASID, its digest.
    const layout: FunctionLayout = {
      ...nic.layout,
      capabilities: nic.layout.capabilities.map((c) => (c.offset === 0x148 ? { ...c, bytes: [{ at: 2, bytes: [0x01, 0xf0] }] } : c)),
      unclaimed: [{ at: 0xf00, bytes: [0x1b, 0x00, 0x01, 0x00, 0x06, 0x14, 0x00, 0x00] }],
    }
    const image = Uint8Array.from(nic.configImage.bytes)
    image.set([0x01, 0xf0], 0x14a)
    image.set([0x1b, 0x00, 0x01, 0x00, 0x06, 0x14, 0x00, 0x00], 0xf00)
    const digest = bytesOfHex(prepareFunction({ file: 's', device: null, description: null, config: configSpace(image)!, resources: null }).digest)!
    const hostile = { ...state.right, wire: undefined, functions: [state.right.functions[0]!, { ...nic, layout, configImage: configSpace(image)!, semanticDigest: digest }] }
    const dir = mkdtempSync(join(tmpdir(), 'vpci-smuggle-'))
    writeFileSync(join(dir, 'state.pb'), encodeMigrationState(hostile))
    const r = await vpci('check', join(dir, 'state.pb'), corpusPath('hosts/host-good.yaml'), '--root', corpusPath(''))
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    // One line per error (the CLI lists every one), each naming the state file.
    const lines = r.stderr.trim().split('\n')
    expect(lines.every((l) => l.startsWith('vpci: ') && l.includes('state.pb'))).toBe(true)
    expect(r.stderr).toContain('functions[1].layout.capabilities[5].bytes[0].at')
  })
})

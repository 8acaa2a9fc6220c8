/**
 * Telling inputs apart by their bytes: every corpus file is sniffed as the kind its folder says
 * it is (the real dumps as lspci text, sysfs `config` as a binary config space), generated
 * layouts, PASID states and migration states as theirs; and `wrongKind` names the kind found
 * and the kinds expected, staying silent for unknown input or an expected kind.
 */
import fc from 'fast-check'
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { migrationState, configImage, hostSpec, layoutFile, pasidState } from '../../src/arbitraries/index.js'
import { type InputKind, sniffInput, wrongKind } from '../../src/decode/input-kind.js'
import { encodePasidState } from '../../src/pasid/pasid-files.js'
import { encodeHostMessage } from '../../src/state/host-codec.js'
import { encodeMigrationState } from '../../src/state/state-codec.js'
import { migrationStateToJson } from '../../src/state/state-json.js'
import { readCorpusBytes, REPO_CORPUS } from '../support/repo-corpus.js'
import { readRealDump, realDumpNames } from '../support/shared-corpus.js'
import { decodeMigrationState } from '../../src/state/state-codec.js'
import * as E from 'fp-ts/lib/Either.js'

const inFolder = (folder: string, ext: string): string[] => readdirSync(`${REPO_CORPUS}${folder}`).filter((f) => f.endsWith(ext)).map((f) => `${folder}/${f}`)

const utf8 = (s: string) => new TextEncoder().encode(s)

describe('sniffInput on the corpus', () => {
  const table: Array<[string, InputKind]> = [
    ...['functions', 'families/accelerator', 'families/nic'].flatMap((d) => inFolder(d, '.lspci')).map((f) => [f, 'lspci-text'] as [string, InputKind]),
    ['sysfs/0000:5a:00.0/config', 'binary-config'],
    ...inFolder('layouts', '.yaml').map((f) => [f, 'layout-yaml'] as [string, InputKind]),
    ...inFolder('hosts', '.yaml').map((f) => [f, 'host-yaml'] as [string, InputKind]),
    ...inFolder('hosts', '.pb').map((f) => [f, 'host-message'] as [string, InputKind]),
    ['personas.yaml', 'persona-yaml'],
    ['pasid/vm-enqcmd.json', 'pasid-json'],
    ['pasid/host-b.yaml', 'host-yaml'],
    ['state/vm-17-schema-v1.pb', 'migration-state'],
    ['state/vm-17-schema-v1.json', 'state-json'],
    ['state/vm-17-n2-schema-v1.protojson.json', 'state-json'],
    ['bad-input/empty.lspci', 'empty'],
  ]
  it.each(table)('%s is %s', (file, kind) => {
    expect(sniffInput(readCorpusBytes(file))).toBe(kind)
  })

  it('every real dump is lspci text', () => {
    const kinds = new Set(realDumpNames().map((n) => sniffInput(readRealDump(n))))
    expect([...kinds].filter((k) => k !== 'lspci-text')).toEqual([])
  })

  it('a certificate is a certificate', () => {
    expect(sniffInput(utf8(JSON.stringify({ kind: 'vpci/equivalence-certificate', version: 1 }, null, 2)))).toBe('certificate-json')
    expect(sniffInput(utf8(JSON.stringify({ kind: 'vpci/migration-certificate' })))).toBe('certificate-json')
  })
})

describe('sniffInput on generated values', () => {
  it('binary images, layout files, PASID states, migration states (protobuf and JSON) are each their kind', () => {
    fc.assert(
      fc.property(configImage({ size: 'any' }), layoutFile(), pasidState(), migrationState({ maxFunctions: 2 }), (image, layout, pasid, state) => {
        expect(sniffInput(image.bytes)).toBe('binary-config')
        expect(sniffInput(utf8(layout))).toBe('layout-yaml')
        expect(sniffInput(utf8(encodePasidState(pasid)))).toBe('pasid-json')
        const bytes = encodeMigrationState(state)
        expect(sniffInput(bytes)).toBe('migration-state')
        expect(sniffInput(utf8(JSON.stringify(migrationStateToJson(state), null, 2)))).toBe('state-json')
      }),
      { numRuns: 30 },
    )
  })

  it('Host messages are host messages, never states; states are never Host messages', () => {
    fc.assert(
      fc.property(hostSpec({ maxFunctions: 3 }), migrationState({ maxFunctions: 2 }), (host, state) => {
        expect(sniffInput(encodeHostMessage(host))).toBe('host-message')
        expect(sniffInput(encodeMigrationState(state))).toBe('migration-state')
      }),
      { numRuns: 30 },
    )
  })

  it('a state truncated mid-field is not taken for a state', () => {
    const bytes = readCorpusBytes('state/vm-17-schema-v1.pb')
    expect(E.isLeft(decodeMigrationState(bytes.subarray(0, 100)))).toBe(true)
    expect(sniffInput(bytes.subarray(0, 100))).toBe('unknown')
  })
})

describe('wrongKind', () => {
  it('names what was found and what was expected', () => {
    expect(wrongKind('layout-yaml', ['migration-state'])).toBe('looks like a vpci/v1 FunctionLayout (layout YAML); expected a vpci.migration.v1.MigrationState (protobuf)')
    expect(wrongKind('host-yaml', ['lspci-text', 'binary-config', 'sysfs-folder'])).toBe(
      'looks like a vpci/v1 Host file (host YAML); expected an lspci hex dump, a binary config space or a sysfs device folder',
    )
  })
  it('says nothing for an expected kind, unknown input or an empty file (the decoder says it better)', () => {
    expect(wrongKind('layout-yaml', ['layout-yaml'])).toBeNull()
    expect(wrongKind('unknown', ['layout-yaml'])).toBeNull()
    expect(wrongKind('empty', ['lspci-text'])).toBeNull()
  })
})

/**
 * The generated protobuf code is exactly what the schema gives: regenerated into a temporary
 * folder and compared byte for byte with the committed files.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))

describe('generated protobuf code', () => {
  it('matches a fresh generation from proto/ (run npm run proto:generate after changing the schema)', () => {
    const out = mkdtempSync(join(tmpdir(), 'vpci-proto-'))
    execFileSync(process.execPath, [`${root}scripts/generate-proto.mjs`, out])
    for (const file of ['migration.js', 'migration.d.ts']) {
      expect(readFileSync(join(out, file), 'utf8'), file).toBe(readFileSync(`${root}src/state/generated/${file}`, 'utf8'))
    }
  })
})

describe('generated descriptor set', () => {
  it('matches a fresh buf build of proto/ and the health schema (run npm run proto:generate after changing the schema)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vpci-descriptors-')), 'descriptor-set.ts')
    execFileSync(process.execPath, [`${root}scripts/generate-descriptors.mjs`, out])
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(`${root}src/service/generated/descriptor-set.ts`, 'utf8'))
  })
})

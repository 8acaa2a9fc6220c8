/**
 * The schema ships with the package: `vpci-migrate/proto/...` resolves (package.json `exports`)
 * to the files in `proto/`, which `files` publishes.
 */
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { files: string[] }

describe('proto files exported by the package', () => {
  it.each(['host', 'layout', 'migration', 'pasid', 'service'])('vpci-migrate/proto/vpci/migration/v1/%s.proto resolves to proto/', (name) => {
    const resolved = createRequire(`${root}package.json`).resolve(`vpci-migrate/proto/vpci/migration/v1/${name}.proto`)
    expect(resolved).toBe(`${root}proto/vpci/migration/v1/${name}.proto`)
    expect(pkg.files).toContain('proto')
  })
})

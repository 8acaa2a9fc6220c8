/**
 * `npm run proto:lint`'s breaking-change check compares for real: in a scratch git repository
 * holding this schema (the last commit on main), a commit that renumbers a field fails
 * `scripts/proto-breaking.mjs`, with buf naming the field; a commit that only adds a field
 * passes; and the uncommitted renumbering is caught before it is committed too. The scratch
 * repository is a fresh clone of that history, as CI makes one.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const MIGRATION = 'proto/vpci/migration/v1/migration.proto'

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })

/** A repository whose main holds this schema, the script and buf; `change` is applied, then committed unless `commit` is false. */
const scratch = (change: (text: string) => string, commit = true): string => {
  const origin = mkdtempSync(join(tmpdir(), 'vpci-breaking-'))
  mkdirSync(join(origin, 'scripts'))
  cpSync(join(root, 'proto'), join(origin, 'proto'), { recursive: true })
  cpSync(join(root, 'buf.yaml'), join(origin, 'buf.yaml'))
  cpSync(join(root, 'scripts/proto-breaking.mjs'), join(origin, 'scripts/proto-breaking.mjs'))
  writeFileSync(join(origin, '.gitignore'), 'node_modules\n')
  git(origin, 'init', '-q', '-b', 'main')
  git(origin, 'add', '-A')
  git(origin, 'commit', '-q', '-m', 'schema')
  const file = join(origin, MIGRATION)
  writeFileSync(file, change(readFileSync(file, 'utf8')))
  if (commit) {
    git(origin, 'commit', '-q', '-am', 'change')
    const clone = join(mkdtempSync(join(tmpdir(), 'vpci-clone-')), 'repo')
    git(tmpdir(), 'clone', '-q', origin, clone)
    symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'))
    return clone
  }
  symlinkSync(join(root, 'node_modules'), join(origin, 'node_modules'))
  return origin
}

const breaking = (repo: string) => spawnSync(process.execPath, ['scripts/proto-breaking.mjs'], { cwd: repo, encoding: 'utf8' })

describe('proto breaking-change check', () => {
  it('a committed renumbering of MigrationState.vm_name fails, in a fresh clone of main', () => {
    const r = breaking(scratch((t) => t.replace('string vm_name = 2;', 'string vm_name = 9;')))
    expect(r.status).not.toBe(0)
    expect(r.stdout + r.stderr).toContain('Previously present field "2" with name "vm_name" on message "MigrationState" was deleted')
  }, 60_000)

  it('the same renumbering, not yet committed, fails against HEAD', () => {
    const r = breaking(scratch((t) => t.replace('string vm_name = 2;', 'string vm_name = 9;'), false))
    expect(r.status).not.toBe(0)
    expect(r.stderr).toContain('against HEAD (uncommitted schema changes)')
  }, 60_000)

  it('a committed new field passes', () => {
    const r = breaking(scratch((t) => t.replace('string vm_name = 2;', 'string vm_name = 2;\n  // A note.\n  string note = 9;')))
    expect(r.stderr).toContain('the schema before')
    expect(r.status).toBe(0)
  }, 60_000)
})

#!/usr/bin/env node
// `buf breaking` (buf.yaml's FILE rules) of proto/ against the schema it replaces, chosen so it
// works in a fresh clone as CI makes one, in a worktree, and on a branch:
//
// 1. proto/ or buf.yaml changed and not committed: against HEAD (the change being made);
// 2. else, on a branch off main (main is a local ref and HEAD is not on it): against their
//    merge-base (what the branch changes, whatever main did since);
// 3. else (on main): against the first parent of the last commit on main's first-parent line
//    that changed proto/ or buf.yaml: the previous version of the schema, so the last schema
//    change stays checked on every run, not only in the commit that made it (HEAD~1 would
//    compare a tree with itself once any later commit left proto/ alone, and fails outright on a
//    first commit). When that commit is the first one there is nothing older: said, and passed.
//    A shallow clone is deepened first; if it cannot be, that is said and nothing is compared.
//
// `VPCI_PROTO_BASE=REF` overrides the choice. The base's files are taken with `git archive` (no
// checkout). The language options (go_package, java_package, java_multiple_files,
// csharp_namespace) were introduced after the first schema: against a base that sets none of
// them, adding them is not checked as a change (their rules are checked from then on).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const buf = join(root, 'node_modules', '.bin', 'buf')
const SCHEMA = ['proto', 'buf.yaml']

const git = (...args) => {
  const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : null
}

const say = (line) => process.stderr.write(`proto:breaking: ${line}\n`)

const pickBase = () => {
  const given = process.env.VPCI_PROTO_BASE
  if (given) return { ref: given, why: 'VPCI_PROTO_BASE' }
  if (spawnSync('git', ['diff', '--quiet', 'HEAD', '--', ...SCHEMA], { cwd: root }).status === 1) return { ref: 'HEAD', why: 'uncommitted schema changes' }
  const head = git('rev-parse', 'HEAD')
  if (head === null) return { ref: null, why: 'not a git checkout' }
  const main = git('rev-parse', '--verify', '--quiet', 'refs/heads/main')
  if (main !== null && main !== head) {
    const base = git('merge-base', 'HEAD', main)
    if (base !== null && base !== head) return { ref: base, why: 'merge-base with main' }
  }
  const lastChange = () => git('rev-list', '--first-parent', '-n', '1', 'HEAD', '--', ...SCHEMA)
  let changed = lastChange()
  if (changed === null || changed === '') return { ref: null, why: 'no commit changed the schema' }
  let parent = git('rev-parse', '--verify', '--quiet', `${changed}^1`)
  if (parent === null && git('rev-parse', '--is-shallow-repository') === 'true') {
    git('fetch', '--quiet', '--unshallow')
    changed = lastChange()
    parent = changed === null ? null : git('rev-parse', '--verify', '--quiet', `${changed}^1`)
    if (parent === null) return { ref: null, why: `shallow clone that could not be deepened: compare with VPCI_PROTO_BASE=REF` }
  }
  if (parent === null) return { ref: null, why: `the schema's last change (${changed.slice(0, 12)}) is the first commit: nothing older` }
  return { ref: parent, why: `the schema before ${changed.slice(0, 12)}, its last change on main` }
}

const LANGUAGE_OPTIONS = { go_package: 'FILE_SAME_GO_PACKAGE', java_package: 'FILE_SAME_JAVA_PACKAGE', java_multiple_files: 'FILE_SAME_JAVA_MULTIPLE_FILES', csharp_namespace: 'FILE_SAME_CSHARP_NAMESPACE' }

const protoFiles = (dir) => readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.proto')).map((f) => readFileSync(join(dir, String(f)), 'utf8'))

const { ref, why } = pickBase()
if (ref === null) {
  say(`${why}; nothing compared`)
  process.exit(0)
}
const scratch = mkdtempSync(join(tmpdir(), 'vpci-proto-base-'))
try {
  const archive = execFileSync('git', ['archive', '--format=tar', ref, '--', 'proto'], { cwd: root, maxBuffer: 1 << 28 })
  execFileSync('tar', ['-x', '-C', scratch], { input: archive })
  writeFileSync(join(scratch, 'buf.yaml'), 'version: v2\nmodules:\n  - path: proto\n')
  const old = protoFiles(join(scratch, 'proto')).join('\n')
  const except = Object.entries(LANGUAGE_OPTIONS).filter(([option]) => !new RegExp(`^option ${option}\\b`, 'm').test(old)).map(([, rule]) => rule)
  const config = JSON.stringify({ version: 'v2', modules: [{ path: 'proto' }], breaking: { use: ['FILE'], except } })
  say(`against ${ref === 'HEAD' ? 'HEAD' : ref.slice(0, 12)} (${why})${except.length > 0 ? `; introduced, not compared: ${except.join(', ')}` : ''}`)
  const r = spawnSync(buf, ['breaking', root, '--config', config, '--against', scratch], { cwd: root, stdio: 'inherit' })
  process.exit(r.status ?? 1)
} finally {
  rmSync(scratch, { recursive: true, force: true })
}

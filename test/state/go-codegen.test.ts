/**
 * proto/ is a schema Go builds on: `protoc --go_out` generates code from every file without `M`
 * flags (each file's go_package says where it goes), and the generated package compiles against
 * google.golang.org/protobuf. Needs protoc and protoc-gen-go (API v2; Debian's
 * golang-goprotobuf-dev is v1.3, which refuses proto3 `optional`); the compile step also needs
 * go and Debian's golang-google-protobuf-dev. Skipped, with the install line, where they are not.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0
const INSTALL = 'apt-get install -y protobuf-compiler protoc-gen-go golang-go golang-google-protobuf-dev'
const tools = has('protoc') && has('protoc-gen-go')
const GOPATH_PROTOBUF = '/usr/share/gocode/src/google.golang.org/protobuf'
const protos = (readdirSync(join(root, 'proto'), { recursive: true }) as string[]).filter((f) => f.endsWith('.proto')).sort()

if (!tools) console.warn(`go-codegen: protoc or protoc-gen-go missing; skipped (${INSTALL})`)

describe.skipIf(!tools)('Go code generation from proto/', () => {
  it('protoc --go_out generates every file without M flags, into the go_package path', () => {
    const out = mkdtempSync(join(tmpdir(), 'vpci-go-'))
    execFileSync('protoc', ['-I', join(root, 'proto'), `--go_out=${out}`, ...protos], { stdio: ['ignore', 'pipe', 'pipe'] })
    const generated = readdirSync(join(out, 'vpci-migrate/gen/go/vpci/migration/v1')).sort()
    expect(generated).toEqual(protos.map((p) => p.split('/').pop()!.replace('.proto', '.pb.go')))
  })

  it.skipIf(!has('go') || !existsSync(GOPATH_PROTOBUF))('the generated package compiles', () => {
    const gopath = mkdtempSync(join(tmpdir(), 'vpci-gopath-'))
    const out = mkdtempSync(join(tmpdir(), 'vpci-go-'))
    execFileSync('protoc', ['-I', join(root, 'proto'), `--go_out=${out}`, ...protos])
    mkdirSync(join(gopath, 'src'))
    cpSync(join(out, 'vpci-migrate'), join(gopath, 'src/vpci-migrate'), { recursive: true })
    const r = spawnSync('go', ['build', './'], {
      cwd: join(gopath, 'src/vpci-migrate/gen/go/vpci/migration/v1'),
      env: { ...process.env, GO111MODULE: 'off', GOPATH: `${gopath}:/usr/share/gocode`, GOCACHE: join(gopath, 'cache'), GOFLAGS: '' },
      encoding: 'utf8',
    })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  }, 120_000)
})

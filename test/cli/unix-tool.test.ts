/**
 * vpci behaves like a Unix tool: binary output to a pipe is the bytes themselves; a reader that
 * stops early (`| head -1`) ends it quietly; `--version`, `help COMMAND`; each command takes
 * only its own options; errors in --json mode are JSON; a file of the wrong kind is named for
 * what it is; `derive -o` does not overwrite an edited layout unless told; `filter` judges the
 * hosts it can and lists the ones it cannot.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { decodeMigrationState, encodeMigrationState } from '../../src/state/state-codec.js'
import { vpci } from '../support/cli.js'
import { corpusPath, readCorpusBytes } from '../support/repo-corpus.js'

const tmp = () => mkdtempSync(join(tmpdir(), 'vpci-unix-'))
const built = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))
const packageVersion = (JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string }).version
const LAYOUT = corpusPath('layouts/accelerator-v1.yaml')
const STATE = corpusPath('state/vm-17-n2-schema-v1.pb')
const NAMES = ['caps', 'check', 'derive', 'build', 'remap', 'state', 'filter']

describe.skipIf(!existsSync(built))('the built executable through real pipes', () => {
  it('build --format binary to a pipe is byte-identical to -o FILE', () => {
    const file = join(tmp(), 'config')
    execFileSync(process.execPath, [built, 'build', LAYOUT, '--format', 'binary', '-o', file])
    const piped = execFileSync(process.execPath, [built, 'build', LAYOUT, '--format', 'binary'])
    expect(piped.length).toBe(4096)
    expect(Buffer.compare(piped, readFileSync(file))).toBe(0)
  })

  it('state encode to a pipe gives bytes that decode (the golden fixture, byte for byte)', () => {
    const piped = execFileSync(process.execPath, [built, 'state', 'encode', corpusPath('state/vm-17-n2-schema-v1.json')])
    expect(E.isRight(decodeMigrationState(new Uint8Array(piped)))).toBe(true)
    expect(Buffer.compare(piped, readFileSync(STATE))).toBe(0)
  })

  it('| head -1 ends it quietly: exit 0, no stack trace', () => {
    // A state whose JSON mirror runs to megabytes: far more than a pipe holds, so vpci is still writing when head exits.
    const s = decodeMigrationState(readCorpusBytes('state/vm-17-n2-schema-v1.pb'))
    if (E.isLeft(s)) throw new Error('the golden state decodes')
    const bindings = Array.from({ length: 50_000 }, (_, i) => ({ function: '00:05.0', pasid: i + 1 }))
    const big = join(tmp(), 'big.pb')
    writeFileSync(big, encodeMigrationState({ ...s.right, wire: undefined, pasid: { mode: 'delegated', functions: s.right.pasid!.functions, bindings } } as never))
    const r = spawnSync('sh', ['-c', `("${process.execPath}" "${built}" state decode "${big}"; echo "exit=$?" >&2) | head -1`], { encoding: 'utf8' })
    expect(r.stdout).toBe('{\n')
    expect(r.stderr).toBe('exit=0\n')
  })
})

describe('--version and help', () => {
  it("vpci --version prints package.json's version", async () => {
    const r = await vpci('--version')
    expect([r.code, r.stdout]).toEqual([0, `vpci ${packageVersion}\n`])
  })

  it.each(NAMES)('vpci help %s prints what the command prints for --help', async (name) => {
    const help = await vpci('help', name)
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(new RegExp(`^Usage:\\n  vpci ${name} `))
    expect(help.stdout).toBe((await vpci(name, '--help')).stdout)
  })

  it('vpci help lists every command; vpci help nonsense is a usage error', async () => {
    const r = await vpci('help')
    for (const name of NAMES) expect(r.stdout).toContain(`\n  ${name} `)
    expect((await vpci('help', 'nonsense')).code).toBe(2)
  })
})

describe('each command parses only its own options', () => {
  it('vpci caps --host x FILE: exit 2 naming --host (and whose it is)', async () => {
    const r = await vpci('caps', '--host', 'x', corpusPath('functions/conventional-256.lspci'))
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe('vpci: caps: --host is not an option of caps (it is remap\'s); see "vpci caps --help"\n')
  })
})

describe('errors in --json mode are JSON on stderr', () => {
  it.each([
    [['caps', corpusPath('no-such-file.lspci'), '--json'], 'MISSING'],
    [['caps', corpusPath('bad-input/non-hex-byte.lspci'), '--json'], 'NON_HEX_BYTE'],
    [['check', corpusPath('families/accelerator/v1-host-a.lspci'), '--json'], null],
    [['caps', '--json', '--bogus', 'x'], null],
    [['state', 'decode', LAYOUT, '--json'], 'WRONG_KIND'],
  ])('%j', async (argv, code) => {
    const r = await vpci(...argv)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    const json = JSON.parse(r.stderr)
    expect(Object.keys(json)).toEqual(['errors', 'omitted'])
    expect(json.errors[0].code).toBe(code)
    expect(typeof json.errors[0].message).toBe('string')
  })
})

describe('a file of the wrong kind is named for what it is', () => {
  it.each([
    [['state', 'decode', LAYOUT], 'accelerator-v1.yaml: looks like a vpci/v1 FunctionLayout (layout YAML); expected a vpci.migration.v1.MigrationState (protobuf)'],
    [['check', LAYOUT, corpusPath('hosts/host-good.yaml')], 'accelerator-v1.yaml: looks like a vpci/v1 FunctionLayout (layout YAML); expected a vpci.migration.v1.MigrationState (protobuf)'],
    [['caps', LAYOUT], 'accelerator-v1.yaml: looks like a vpci/v1 FunctionLayout (layout YAML); expected an lspci hex dump, a binary config space or a sysfs device folder'],
    [['caps', STATE], 'vm-17-n2-schema-v1.pb: looks like a vpci.migration.v1.MigrationState (protobuf); expected an lspci hex dump'],
    [['build', corpusPath('families/nic/v1.lspci')], 'v1.lspci: looks like an lspci hex dump; expected a vpci/v1 FunctionLayout'],
    [['state', 'encode', STATE], 'vm-17-n2-schema-v1.pb: looks like a vpci.migration.v1.MigrationState (protobuf); expected a vpci.migration.v1.MigrationState in JSON'],
    [['remap', corpusPath('pasid/host-b.yaml'), '--host', corpusPath('pasid/vm-enqcmd.json')], 'host-b.yaml: looks like a vpci/v1 Host file (host YAML); expected a vpci/v1 PasidState'],
  ])('%j', async (argv, message) => {
    const r = await vpci(...argv)
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toContain(message)
  })
})

describe('derive -o over an existing file', () => {
  const physical = corpusPath('functions/pasid-ats-pri-endpoint.lspci')

  it('is refused without --force, and the file is left as it was; --force replaces it', async () => {
    const file = join(tmp(), 'type-a.yaml')
    writeFileSync(file, '# hand-edited\n')
    const r = await vpci('derive', physical, '-o', file)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/type-a\.yaml exists; give --force to replace it or --update/)
    expect(readFileSync(file, 'utf8')).toBe('# hand-edited\n')
    expect((await vpci('derive', physical, '-o', file, '--force')).code).toBe(0)
    expect(E.isRight(decodeLayout(readFileSync(file, 'utf8'), file))).toBe(true)
  })

  it('--update keeps its comments and edits (a comment, the name, a persona, a field lowered)', async () => {
    const file = join(tmp(), 'type-a.yaml')
    expect((await vpci('derive', physical, '-o', file)).code).toBe(0)
    const edits: Array<[RegExp, string]> = [
      [/^apiVersion: vpci\/v1$/m, '# Instance type A: reviewed by the fleet team.\napiVersion: vpci/v1'],
      [/^ {2}name: .*$/m, '  name: instance-type-a # renamed by hand'],
      [/^identity:/m, 'persona: { family: accel, hardwareVersion: V1, firmware: "1.0", migrationStreams: [1] }\nidentity:'],
      [/maxPasidWidth: 0x14/, 'maxPasidWidth: 0x10'],
    ]
    let edited = readFileSync(file, 'utf8')
    for (const [pattern, replacement] of edits) {
      expect(edited).toMatch(pattern)
      edited = edited.replace(pattern, replacement)
    }
    writeFileSync(file, edited)
    const r = await vpci('derive', physical, '-o', file, '--update')
    expect([r.code, r.stderr]).toEqual([0, ''])
    const after = readFileSync(file, 'utf8')
    expect(after).toContain('# Instance type A: reviewed by the fleet team.')
    expect(after).toContain('name: instance-type-a # renamed by hand')
    const layout = decodeLayout(after, file)
    if (E.isLeft(layout)) throw new Error(JSON.stringify(layout.left))
    expect(layout.right.persona?.family).toBe('accel')
    expect(layout.right.capabilities.find((c) => c.id === 0x1b)?.fields.maxPasidWidth).toBe(16)
  })

  it('--update drops a passed-through capability the function no longer has, and says so', async () => {
    const file = join(tmp(), 'type-n.yaml')
    copyFileSync(corpusPath('layouts/nic-v2.yaml'), file)
    const r = await vpci('derive', corpusPath('families/nic/v1.lspci'), '-o', file, '--update')
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/type-n\.yaml: dropped Page Request Interface at 0x188: the physical function no longer has it/)
    const layout = decodeLayout(readFileSync(file, 'utf8'), file)
    expect(E.isRight(layout) && layout.right.capabilities.some((c) => c.id === 0x13)).toBe(false)
  })
})

describe('filter over many host files', () => {
  const ROOT = ['--root', corpusPath('')]
  const good = corpusPath('hosts/host-good.yaml')

  it('rejects an unreadable or malformed host with its reasons and judges the rest', async () => {
    const malformed = join(tmp(), 'malformed.yaml')
    writeFileSync(malformed, 'apiVersion: vpci/v1\nkind: Host\nmetadata: {}\n')
    const r = await vpci('filter', STATE, corpusPath('no-such-host.yaml'), good, malformed, corpusPath('hosts/host-split-low.yaml'), '--json', ...ROOT)
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.accepted.map((a: { host: string }) => a.host)).toEqual(['host-good'])
    expect(out.rejected.map((x: { host: string }) => x.host)).toEqual(['host-split-low'])
    expect(out.invalid.map((x: { file: string; errors: Array<{ code: string | null; message: string }> }) => [x.file, x.errors[0]!.code ?? x.errors[0]!.message])).toEqual([
      [corpusPath('no-such-host.yaml'), 'MISSING'],
      [malformed, expect.stringContaining('metadata.name')],
    ])
    const text = await vpci('filter', STATE, good, malformed, ...ROOT)
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^1 of 2 hosts can take vm-17\n/)
    expect(text.stdout).toContain(`  INVALID ${malformed}:\n    ${malformed}:3: metadata.name: `)
  })

  it('exit 2 only when no host could be judged: then every host\'s errors on stderr', async () => {
    const r = await vpci('filter', STATE, corpusPath('no-such-host.yaml'), corpusPath('no-such-host-2.yaml'), ...ROOT)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trimEnd().split('\n')).toEqual([`vpci: ${corpusPath('no-such-host.yaml')}: no such file or folder`, `vpci: ${corpusPath('no-such-host-2.yaml')}: no such file or folder`])
  })
})

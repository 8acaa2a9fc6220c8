/**
 * Google's ProtoJSON implementations as oracles: Python's `json_format` (Debian python3-protobuf,
 * modules from `protoc --python_out`) and Go's `protojson` (golang-google-protobuf-dev, the
 * schema from `protoc --descriptor_set_out`, messages built at run time with dynamicpb). Each is
 * null, with the reason and the install line, where its tools are absent.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const HERE = fileURLToPath(new URL('./', import.meta.url))
const PROTOS = readdirSync(join(ROOT, 'proto/vpci/migration/v1')).filter((f) => f.endsWith('.proto')).map((f) => join(ROOT, 'proto/vpci/migration/v1', f))

export const PYTHON_INSTALL = 'apt-get install -y python3-protobuf protobuf-compiler'
export const GO_INSTALL = 'apt-get install -y golang-go golang-google-protobuf-dev protobuf-compiler'
const GOPATH = '/usr/share/gocode'

/** What an oracle made of one ProtoJSON line: its own JSON and binary of the parsed message, or its refusal. */
export type OracleResult = { readonly json: unknown; readonly binary: Uint8Array } | { readonly error: string }

export interface Oracle {
  readonly name: string
  /** Parses each ProtoJSON text (one line each) and writes it back. */
  readonly roundTrip: (texts: readonly string[]) => OracleResult[]
}

const runs = (command: string, args: readonly string[]): boolean => spawnSync(command, args, { stdio: 'ignore' }).status === 0

const results = (stdout: string): OracleResult[] =>
  stdout
    .trim()
    .split('\n')
    .map((line) => {
      const r = JSON.parse(line) as { json?: unknown; binary?: string; error?: string }
      return r.error !== undefined ? { error: r.error } : { json: r.json, binary: new Uint8Array(Buffer.from(r.binary!, 'base64')) }
    })

const oneLineEach = (texts: readonly string[]): string => texts.map((t) => JSON.stringify(JSON.parse(t))).join('\n') + '\n'

const python = (): string | null => ['python3', '/usr/bin/python3'].find((p) => runs(p, ['-c', 'import google.protobuf.json_format'])) ?? null

/** Python's json_format, or why not. */
export const pythonOracle = (): (Oracle & { readonly toJson: (binary: Uint8Array) => unknown }) | string => {
  const py = python()
  if (py === null || !runs('protoc', ['--version'])) return `no python3 with google.protobuf, or no protoc (install: ${PYTHON_INSTALL})`
  const modules = mkdtempSync(join(tmpdir(), 'vpci-protojson-py-'))
  execFileSync('protoc', [`-I${join(ROOT, 'proto')}`, `--python_out=${modules}`, ...PROTOS])
  const script = join(HERE, 'oracle.py')
  return {
    name: 'python json_format',
    roundTrip: (texts) => results(execFileSync(py, [script, modules, 'round-trip'], { input: oneLineEach(texts), encoding: 'utf8', maxBuffer: 1 << 30 })),
    toJson: (binary) => JSON.parse(execFileSync(py, [script, modules, 'to-json'], { input: binary, encoding: 'utf8', maxBuffer: 1 << 30 })),
  }
}

/** Go's protojson, built once into a temporary folder, or why not. */
export const goOracle = (): Oracle | string => {
  if (!runs('go', ['version']) || !runs('protoc', ['--version']) || !existsSync(join(GOPATH, 'src/google.golang.org/protobuf/encoding/protojson'))) {
    return `no go, protoc or Go protobuf module in ${GOPATH} (install: ${GO_INSTALL})`
  }
  const dir = mkdtempSync(join(tmpdir(), 'vpci-protojson-go-'))
  const set = join(dir, 'set.pb')
  execFileSync('protoc', [`-I${join(ROOT, 'proto')}`, '--include_imports', `--descriptor_set_out=${set}`, ...PROTOS])
  const binary = join(dir, 'oracle')
  const env = { ...process.env, GO111MODULE: 'off', GOPATH, GOCACHE: join(tmpdir(), 'vpci-protojson-go-cache'), GOFLAGS: '' }
  execFileSync('go', ['build', '-o', binary, join(HERE, 'oracle.go')], { env, stdio: ['ignore', 'ignore', 'inherit'] })
  return {
    name: 'go protojson',
    roundTrip: (texts) => results(execFileSync(binary, [set, 'round-trip'], { input: oneLineEach(texts), encoding: 'utf8', maxBuffer: 1 << 30 })),
  }
}

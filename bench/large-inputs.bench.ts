/**
 * Large inventories (issue 12, item 5). Target: a 6.3 MB host file with 4×10^5 PASID ranges and a
 * 4 MiB layout file of raw runs each read in at most 2 s and 300 MB (they took 17 s / 1.6 GB and
 * 28 s). Inputs are generated (bench/fixtures/large-inputs.ts), never committed.
 *
 * In-process rows (vitest bench): decoding the text (and the Host message of the same host)
 * next to JSON.parse of the same data as JSON, the floor of any reader of that data. Before the
 * rows run, each command is also run once in a child process (the built CLI: `npm run build`
 * first) for its wall time, CPU time and peak memory, next to children that only start node,
 * JSON.parse the same data, or yaml.parse the same text. Figures: bench/README.md.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as E from 'fp-ts/lib/Either.js'
import { bench, describe } from 'vitest'
import { parsePlainYaml } from '../src/decode/plain-yaml.js'
import { decodeHostFile } from '../src/host/host-file.js'
import { decodeLayout } from '../src/layout/layout-yaml.js'
import { decodeHostMessage, encodeHostMessage } from '../src/state/host-codec.js'
import { issueHostYaml, issueLayoutYaml } from './fixtures/large-inputs.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'vpci-inventory-'))

/** The same data as JSON (the plain reader reads what the YAML library reads: test/decode/plain-yaml.test.ts). */
const asJson = (text: string): string => {
  const data = parsePlainYaml(text)
  if (E.isLeft(data)) throw new Error(`the generated text is not plain YAML (line ${data.left.line})`)
  return JSON.stringify(data.right)
}

const hostText = issueHostYaml(`${root}corpus/families/nic/v2.lspci`)
const layoutText = issueLayoutYaml()
const hostJson = asJson(hostText)
const layoutJson = asJson(layoutText)
const spec = decodeHostFile(hostText)
if (E.isLeft(spec)) throw new Error('the generated host does not decode')
const hostPb = encodeHostMessage(spec.right)
const files = { host: join(dir, 'host.yaml'), hostJson: join(dir, 'host.json'), hostPb: join(dir, 'host.pb'), layout: join(dir, 'layout.yaml'), layoutJson: join(dir, 'layout.json') }
writeFileSync(files.host, hostText)
writeFileSync(files.hostJson, hostJson)
writeFileSync(files.hostPb, hostPb)
writeFileSync(files.layout, layoutText)
writeFileSync(files.layoutJson, layoutJson)

interface Usage {
  readonly maxRssKiB: number
  readonly userMs: number
  readonly systemMs: number
}
/** One run of node with `args` in a child: wall time, its own report of peak memory and CPU time, exit code. */
const child = (args: readonly string[]): { ms: number; usage: Usage | null; code: number | null } => {
  const start = performance.now()
  const r = spawnSync(process.execPath, ['--import', `${root}bench/fixtures/report-usage.mjs`, ...args], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })
  const ms = performance.now() - start
  const line = /USAGE (\{.*\})/.exec(r.stderr ?? '')
  return { ms, usage: line === null ? null : (JSON.parse(line[1]!) as Usage), code: r.status }
}
const parseIn = (file: string, parser: 'JSON' | 'yaml'): string[] => [
  '--input-type=module',
  '-e',
  `import { readFileSync } from 'node:fs'; ${parser === 'yaml' ? `import { parse } from ${JSON.stringify(`${root}node_modules/yaml/dist/index.js`)};` : 'const { parse } = JSON;'} parse(readFileSync(${JSON.stringify(file)}, 'utf8'))`,
]
const row = (what: string, args: readonly string[]) => {
  const r = child(args)
  const cpu = r.usage === null ? '?' : String(r.usage.userMs + r.usage.systemMs)
  console.log(`${what.padEnd(46)} wall ${String(Math.round(r.ms)).padStart(6)} ms  cpu ${cpu.padStart(6)} ms  peak ${r.usage === null ? '?' : Math.round(r.usage.maxRssKiB / 1024)} MiB  exit ${r.code}`)
}

const cli = `${root}dist/cli/main.js`
const state = `${root}corpus/state/vm-17-n2-schema-v1.pb`
if (existsSync(cli)) {
  console.log(`host file ${hostText.length} bytes (its message ${hostPb.length}), layout file ${layoutText.length} bytes; one run each in a child:`)
  row('baseline: node alone', ['-e', ''])
  row('baseline: JSON.parse of the host as JSON', parseIn(files.hostJson, 'JSON'))
  row('baseline: yaml.parse of the host file', parseIn(files.host, 'yaml'))
  // The host lies in a scratch folder and names the corpus dump: --root lets it (host files name files only inside their folder otherwise).
  const within = ['--root', `${root}corpus`]
  row('vpci check STATE HOST.yaml', [cli, 'check', state, files.host, ...within])
  row('vpci check STATE HOST.pb', [cli, 'check', state, files.hostPb, ...within])
  row('vpci host encode HOST.yaml -o HOST.pb', [cli, 'host', 'encode', files.host, ...within, '-o', join(dir, 'again.pb')])
  row('vpci host decode HOST.pb -o HOST.yaml', [cli, 'host', 'decode', files.hostPb, '-o', join(dir, 'again.yaml')])
  row('baseline: JSON.parse of the layout as JSON', parseIn(files.layoutJson, 'JSON'))
  row('baseline: yaml.parse of the layout file', parseIn(files.layout, 'yaml'))
  row('vpci build LAYOUT -o /dev/null', [cli, 'build', files.layout, '-o', '/dev/null'])
} else console.log('dist/cli/main.js is missing: run npm run build for the child-process rows')

let sink = 0

describe(`a host file of 4×10^5 PASID ranges (${(hostText.length / 1e6).toFixed(1)} MB; its message ${(hostPb.length / 1e6).toFixed(1)} MB)`, () => {
  bench('baseline: JSON.parse of the same data as JSON', () => {
    sink += (JSON.parse(hostJson) as { functions: unknown[] }).functions.length
  })
  bench('decodeHostFile (YAML text to a checked host)', () => {
    const r = decodeHostFile(hostText)
    if (E.isRight(r)) sink += r.right.functions.length
  })
  bench('decodeHostMessage (the same host as a Host message)', () => {
    const r = decodeHostMessage(hostPb)
    if (E.isRight(r)) sink += r.right.functions.length
  })
})

describe(`a layout file of raw runs (${(layoutText.length / 2 ** 20).toFixed(2)} MiB)`, () => {
  bench('baseline: JSON.parse of the same data as JSON', () => {
    sink += (JSON.parse(layoutJson) as { unclaimed: unknown[] }).unclaimed.length
  })
  bench('decodeLayout (YAML text to a checked layout)', () => {
    const r = decodeLayout(layoutText, 'many-raw-runs.yaml')
    sink += E.isRight(r) ? r.right.unclaimed.length : r.left.length
  })
})

export { sink }

/**
 * `scaled` (issue 12, item 8): inputs of many repeated elements through the CLI's real path
 * (its bounded reads, the decoders, the error rendering), with the work bounded by what was read.
 * The fuzzed input chooses a kind and a count; the target writes the file and runs the command:
 *
 * - `pasid-bindings`: a PASID state with that many bindings (`vpci remap S.json --host H.yaml`)
 * - `pasid-locals`: a global-split state with that many locals (the same command)
 * - `host-ranges`: a host file whose pools hold that many allocated ranges (`remap`, `check`)
 * - `host-functions`: a host file of that many PASID functions (`remap`)
 * - `raw-runs`: a layout of that many raw runs (`vpci build`)
 * - `yaml-lines`: a layout followed by that many comment lines (`vpci build`)
 * - `state-functions`: a migration state of that many functions, one state message repeated
 *   (protobuf merges repeated fields; `vpci state decode`)
 *
 * Counts run from 10 to 10^3; one input in 256 (by its hash) takes 10^5–10^7 (those files are written only
 * up to the command's read limit + 1, all the command can read). The oracle is the JavaScript
 * heap allocated by the command, counted from V8's own statistics at every collection: it must
 * stay within a constant times the bytes read, plus a constant. Work that grows faster than
 * the input allocates faster too (copies, per-element lists, strings per error), so a quadratic
 * path fails this at 10^5 elements where a linear one passes at 10^7; milliseconds never count.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { getHeapStatistics, GCProfiler } from 'node:v8'
import * as E from 'fp-ts/lib/Either.js'
import { largeHostYaml, largeLayoutYaml } from '../bench/fixtures/large-inputs.js'
import type { CliIo } from '../src/cli/io.js'
import { run } from '../src/cli/run.js'
import { decodeMigrationState, encodeMigrationState } from '../src/state/state-codec.js'
import type { Target } from './targets.js'

/** The heap a command may allocate per byte read, and besides. Measured linear paths allocate 3–60 per byte. */
export const ALLOCATED_PER_BYTE = 400
export const ALLOCATED_BESIDES = 64 * 2 ** 20

const KINDS = ['pasid-bindings', 'pasid-locals', 'host-ranges', 'host-functions', 'raw-runs', 'yaml-lines', 'state-functions'] as const
type Kind = (typeof KINDS)[number]

/** What the CLI reads at most (the largest of its limits, + 1): files are never written past it. */
const READ_CAP = 64 * 2 ** 20 + 1
/** Ranges whose host file text passes MAX_HOST_FILE (16 MiB; about 8 bytes a range). */
const HOST_RANGES_CAP = 2_200_000

const enc = new TextEncoder()
const utf8 = (s: string): Uint8Array => enc.encode(s)

/** Joins `count` pieces from `piece(i)` between `head` and `tail`, stopping once past READ_CAP. */
const repeated = (head: string, count: number, piece: (i: number) => string, tail: string): string => {
  const parts = [head]
  let length = head.length
  for (let i = 0; i < count && length <= READ_CAP; i++) {
    const p = piece(i)
    parts.push(p)
    length += p.length
  }
  parts.push(tail)
  return parts.join('')
}

const pasidState = (mode: 'per-rid' | 'global-split', count: number): string => {
  const functions = '[{"id":"00:05.0","capability":{"width":20,"execute":false,"privileged":false},"enqcmd":true},{"id":"00:06.0","capability":{"width":20,"execute":false,"privileged":false},"enqcmd":true}]'
  return mode === 'per-rid'
    ? repeated(`{"apiVersion":"vpci/v1","kind":"PasidState","mode":"per-rid","functions":${functions},"bindings":[`, count, (i) => `${i === 0 ? '' : ','}{"function":"${i % 2 === 0 ? '00:05.0' : '00:06.0'}","pasid":${1 + ((i >> 1) % 1000000)}}`, ']}')
    : repeated(`{"apiVersion":"vpci/v1","kind":"PasidState","mode":"global-split","split":64,"functions":${functions},"locals":[`, count, (i) => `${i === 0 ? '' : ','}{"local":${1 + (i % 63)},"functions":["00:05.0"]}`, ']}')
}

const hostFunctions = (count: number): string =>
  repeated(
    'apiVersion: vpci/v1\nkind: Host\nmetadata:\n  name: many\npasid:\n  iommuWidth: 20\n  cpuTranslation: true\n  split: 64\n  globalAllocated: []\n  functions:\n',
    count,
    (i) => `    - { id: "0000:${(0x20 + (i >> 8)).toString(16).padStart(2, '0')}:${((i >> 3) & 31).toString(16).padStart(2, '0')}.${i & 7}", capabilityWidth: 20, execute: true, privileged: true, pasidEnabled: true, vf: false, allocated: [] }\n`,
    '',
  )

let corpus: { readonly layout: string; readonly state: Uint8Array; readonly hostB: string; readonly dump: string } | null = null
const loadCorpus = (root: string) =>
  (corpus ??= {
    layout: readFileSync(join(root, 'layouts/accelerator-v1.yaml'), 'utf8'),
    state: (() => {
      // One function of vm-17, no PASIDs: repeated, it is a state of that many functions.
      const s = decodeMigrationState(new Uint8Array(readFileSync(join(root, 'state/vm-17-schema-v1.pb'))))
      if (E.isLeft(s)) throw new Error('corpus/state/vm-17-schema-v1.pb must decode')
      return encodeMigrationState({ ...s.right, functions: s.right.functions.slice(0, 1), pasid: null })
    })(),
    hostB: readFileSync(join(root, 'pasid/host-b.yaml'), 'utf8'),
    dump: readFileSync(join(root, 'families/nic/v2.lspci'), 'utf8'),
  })

const repeatBytes = (one: Uint8Array, count: number): Uint8Array => {
  const n = Math.min(count, Math.ceil(READ_CAP / one.length))
  const out = new Uint8Array(n * one.length)
  for (let i = 0; i < n; i++) out.set(one, i * one.length)
  return out
}

/** The files and the command for one kind and count. */
const scenario = (root: string, kind: Kind, count: number): { files: Record<string, Uint8Array>; argv: string[] } => {
  const c = loadCorpus(root)
  switch (kind) {
    case 'pasid-bindings':
    case 'pasid-locals':
      return { files: { 'S.json': utf8(pasidState(kind === 'pasid-bindings' ? 'per-rid' : 'global-split', count)), 'H.yaml': utf8(c.hostB) }, argv: ['remap', 'S.json', '--host', 'H.yaml'] }
    case 'host-ranges': {
      // At most the ranges of a little over 16 MiB of text, all a host file is read up to.
      const host = largeHostYaml({ ranges: Math.min(count, HOST_RANGES_CAP), functions: 4, dump: 'D.lspci' })
      return { files: { 'S.json': utf8(pasidState('global-split', 3)), 'H.yaml': utf8(host), 'D.lspci': utf8(c.dump) }, argv: count % 2 === 0 ? ['remap', 'S.json', '--host', 'H.yaml'] : ['host', 'encode', 'H.yaml', '-o', 'out'] }
    }
    case 'host-functions':
      return { files: { 'S.json': utf8(pasidState('per-rid', 3)), 'H.yaml': utf8(hostFunctions(count)) }, argv: ['remap', 'S.json', '--host', 'H.yaml'] }
    case 'raw-runs':
      // About 14 bytes a run in the generated text.
      return { files: { 'L.yaml': utf8(largeLayoutYaml({ bytes: Math.min(count * 14, READ_CAP) })) }, argv: ['build', 'L.yaml', '-o', 'out'] }
    case 'yaml-lines':
      return { files: { 'L.yaml': utf8(repeated(c.layout, count, (i) => `# ${i}\n`, '')) }, argv: ['build', 'L.yaml', '-o', 'out'] }
    case 'state-functions':
      return { files: { 'S.pb': repeatBytes(c.state, count) }, argv: ['state', 'decode', 'S.pb', '-o', 'out'] }
  }
}

/** Whether an input is of the huge class: one in 256 by its hash, whatever a mutator made of its bytes. */
const isHuge = (input: Uint8Array): boolean => createHash('sha256').update(input).digest()[0] === 0

/**
 * The kind and count an input asks for: one input in 256 from 10^5 to 10^7, the rest from 10 to
 * 10^3, so the fuzzer's rate over all targets stays near its own.
 */
export const scaledCase = (input: Uint8Array): { kind: Kind; count: number } => {
  const b = (i: number): number => input[i % Math.max(1, input.length)] ?? 0
  const fraction = ((b(2) << 8) | b(3)) / 0xffff
  return { kind: KINDS[b(0) % KINDS.length]!, count: Math.round(10 ** (isHuge(input) ? 5 + 2 * fraction : 1 + 2 * fraction)) }
}

/** An input of kind `k`, huge or not, its count's exponent at `fraction` of its range. */
const seedOf = (k: number, huge: boolean, fraction: number): Uint8Array => {
  const e = Math.round(fraction * 0xffff)
  for (let salt = 0; ; salt++) {
    const input = Uint8Array.of(k, salt & 0xff, e >> 8, e & 0xff, salt >> 8)
    if (isHuge(input) === huge) return input
  }
}

/** JavaScript heap allocated while `f` runs: what every collection found, plus what is in use at the end. */
const heapAllocatedBy = async (f: () => Promise<unknown>): Promise<number> => {
  const profiler = new GCProfiler()
  profiler.start()
  const start = getHeapStatistics().used_heap_size
  await f()
  const end = getHeapStatistics().used_heap_size
  const { statistics } = profiler.stop()
  let allocated = 0
  let last = start
  for (const gc of statistics) {
    allocated += Math.max(0, gc.beforeGC.heapStatistics.usedHeapSize - last)
    last = gc.afterGC.heapStatistics.usedHeapSize
  }
  return allocated + Math.max(0, end - last)
}

/** Runs one scaled case; fails when the command allocates more than the bound for what it read. */
export const runScaled = async (root: string, kind: Kind, count: number): Promise<{ read: number; allocated: number; code: number }> => {
  const { files, argv } = scenario(root, kind, count)
  let read = 0
  const io: CliIo = {
    out: () => undefined,
    err: () => undefined,
    read: async (path, max) => {
      const bytes = files[path]
      if (bytes === undefined) return E.left({ code: 'missing', message: 'no such file or folder' })
      const given = bytes.subarray(0, max)
      read += given.length
      return E.right(given)
    },
    writeFile: async () => undefined,
    outIsTty: false,
    errIsTty: false,
  }
  let code = 0
  const allocated = await heapAllocatedBy(async () => {
    code = await run(argv, io)
  })
  const where = `${kind} × ${count} (${read} bytes read, vpci ${argv.join(' ')})`
  if (code === 3) throw new Error(`internal error (exit 3): ${where}`)
  if (allocated > ALLOCATED_PER_BYTE * read + ALLOCATED_BESIDES) throw new Error(`allocated ${Math.round(allocated / 2 ** 20)} MiB of heap for ${where}: more than ${ALLOCATED_PER_BYTE} bytes a byte read`)
  return { read, allocated, code }
}

export const scaledTarget = (root: string): Target => ({
  name: 'scaled',
  budget: 250,
  // Every kind at 10, 10^3 and 10^5 (the rest comes from mutating these bytes).
  seeds: () => KINDS.flatMap((_, k) => [seedOf(k, false, 0), seedOf(k, false, 1), seedOf(k, true, 0)]),
  maxMs: 30_000,
  // The files written, not the few bytes asking for them, are what memory may grow with.
  scale: (input) => Math.min(READ_CAP, 200 * scaledCase(input).count),
  run: async (input) => {
    const { kind, count } = scaledCase(input)
    await runScaled(root, kind, count)
  },
})

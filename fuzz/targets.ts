/**
 * What the fuzzer feeds: every decoder and entry point that faces untrusted input. Each target
 * has seed inputs (files of the team corpus) and a `run` that takes one input through its
 * decoder and, when that accepts it, on through what a real caller would do next. A target
 * must return normally whatever the input: an exception is a failure.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import * as arb from '../src/arbitraries/index.js'
import type { CliIo } from '../src/cli/io.js'
import { run } from '../src/cli/run.js'
import { pathSeeds, runPathCase } from './path-target.js'
import { readDump, readSysfsFunction } from '../src/dump/read-dump.js'
import { decodeHostFile } from '../src/host/host-file.js'
import { build } from '../src/layout/build.js'
import { derive } from '../src/layout/derive.js'
import { decodeLayout, encodeLayout } from '../src/layout/layout-yaml.js'
import { decodePersonaMatrix } from '../src/layout/persona.js'
import { realize } from '../src/layout/realize.js'
import { compileMigration } from '../src/migrate/migration-plan.js'
import { decodeHostPasid, decodePasidState, encodePasidState } from '../src/pasid/pasid-files.js'
import { remapPasids } from '../src/pasid/remap.js'
import { proveEquivalence } from '../src/proof/prove-equivalence.js'
import { prepareFunction } from '../src/semantic/prepared-function.js'
import { decodeMigrationState, encodeMigrationState } from '../src/state/state-codec.js'
import type { MigrationState } from '../src/state/migration-state.js'
import { migrationStateFromJson } from '../src/state/state-json.js'
import { layoutRawRunsTarget } from './layout-raw-runs-target.js'
import { pasidRemapTarget } from './pasid-remap-target.js'
import { sysfsTreeTarget } from './sysfs-tree-target.js'
import { hostPbTarget } from './host-pb-target.js'
import { stateProtoJsonTarget } from './state-protojson-target.js'
import { extenderHttpTarget } from './extender-http-target.js'
import { grpcServiceTarget } from './grpc-service-target.js'
import { nearHostsTarget } from './near-hosts-target.js'
import { scaledTarget } from './scaled-target.js'
import { checkMigration } from '../src/migrate/check-migration.js'
import { type FilterResult, filterHosts } from '../src/migrate/filter-hosts.js'
import { createInventory } from '../src/migrate/inventory.js'
import type { Host } from '../src/migrate/host.js'
import { parse as parseYaml } from 'yaml'
import { misspellHostKey, unknownHostKeys } from './host-keys.js'
import { contradictions, ownHost, tamperState } from './state-tamper.js'

/**
 * The refusals that say a state contradicts itself (issue 11, item 2). Not STATE_NOT_WRITABLE nor
 * STATE_UNPROVEN: those say a destination cannot hold (or is not known to hold) a state's bits,
 * and a host built from the state's own layouts may rightly give them (an optional AER mask bit
 * set by the guest reads 0 in the layout's reset image: not proven implemented there).
 */
const SELF_CONTRADICTION: ReadonlySet<string> = new Set(['STATE_DIGEST', 'STATE_IMAGE_SIZE', 'STATE_LAYOUT', 'STATE_READ_ONLY', 'STATE_PASID_CAPABILITY', 'STATE_PASID_FEATURES', 'STATE_PASID_WIDTH', 'STATE_GUEST_ADDRESS'])

export const CORPUS = fileURLToPath(new URL('../corpus/', import.meta.url))

const files = (dir: string, keep: (name: string) => boolean): string[] =>
  readdirSync(join(CORPUS, dir)).flatMap((name) => {
    const path = join(dir, name)
    return statSync(join(CORPUS, path)).isDirectory() ? files(path, keep) : keep(name) ? [path] : []
  })
const bytesOf = (path: string): Uint8Array => new Uint8Array(readFileSync(join(CORPUS, path)))
const textOf = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

export interface Target {
  readonly name: string
  readonly seeds: () => readonly Uint8Array[]
  /** Fresh valid inputs from the exported arbitraries (`seed` picks one), where the target has them. */
  readonly generate?: (seed: number) => Uint8Array
  /** A mutation of its own, used for half the mutated inputs (the generic mutators know nothing of its input's shape). */
  readonly mutate?: (r: () => number, input: Uint8Array) => Uint8Array
  readonly run: (input: Uint8Array) => void | Promise<void>
  /** Time one input may take, when not the runner's default (a target that starts processes needs more). */
  readonly maxMs?: number
  /** The size memory may grow with, when the input only describes a larger one (default: its length). */
  readonly scale?: (input: Uint8Array) => number
  /**
   * Inputs this target gets in `npm test`'s fixed-seed budget (test/fuzz/budget.test.ts) when
   * fewer than an even share: it costs tens of milliseconds an input (servers, processes, brute
   * force), and the long runs (`npm run fuzz`) give it its full share.
   */
  readonly budget?: number
}

/** One value of an arbitrary, for a seed. */
const one = <T,>(a: fc.Arbitrary<T>, seed: number): T => fc.sample(a, { seed, numRuns: 1 })[0]!
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

const typeA = (() => {
  const l = decodeLayout(textOf(bytesOf('layouts/accelerator-v1.yaml')), 'accelerator-v1.yaml')
  if (E.isLeft(l)) throw new Error('corpus/layouts/accelerator-v1.yaml must decode')
  return l.right
})()

/** A function that read: walked, prepared, proved against itself, derived, built, realized. */
const exercise = (dump: ReturnType<typeof readDump>): void => {
  if (E.isLeft(dump)) return
  const p = prepareFunction(dump.right)
  proveEquivalence(p, p)
  realize(typeA, p)
  const layout = derive(p)
  if (E.isRight(layout)) {
    const built = build(layout.right)
    if (E.isLeft(built)) throw new Error(`a derived layout does not build: ${built.left[0]!.message}`)
    const again = decodeLayout(encodeLayout(layout.right), 'derived.yaml')
    if (E.isLeft(again)) throw new Error(`a derived layout does not read back: ${again.left[0]!.message}`)
  }
}

const dumps = () => files('functions', () => true).concat(files('families', () => true), files('broken', () => true), files('bad-input', () => true)).map(bytesOf)
const binaries = () => [bytesOf('sysfs/0000:5a:00.0/config'), ...dumps().flatMap((d) => {
  const r = readDump(d, 'seed')
  return E.isRight(r) ? [Uint8Array.from(r.right.config.bytes)] : []
})]
const layouts = () => files('layouts', (n) => n.endsWith('.yaml')).map(bytesOf)
const hostsYaml = () => files('hosts', (n) => n.endsWith('.yaml')).concat(files('pasid', (n) => n.endsWith('.yaml'))).map(bytesOf)
const states = () => files('state', (n) => n.endsWith('.pb')).map(bytesOf)
const hostMessages = () => files('hosts', (n) => n.endsWith('.pb')).map(bytesOf)

/** A fixed host of generated functions per seed, for states to be judged against beside their own layouts' host. */
const generatedHosts = (count: number): Host[] => Array.from({ length: count }, (_, k) => one(arb.host({ maxFunctions: 3 }), 1000 + k))
let someHosts: Host[] | null = null

const hostB = (() => {
  const pools = decodeHostPasid(textOf(bytesOf('pasid/host-b.yaml')))
  if (E.isLeft(pools)) throw new Error('corpus/pasid/host-b.yaml must decode')
  return pools.right
})()

/** A file system in memory for CLI runs: every path reads as the one fuzzed input. */
const memoryIo = (input: Uint8Array): CliIo => ({
  out: () => undefined,
  err: () => undefined,
  read: async (path, max) => (path.endsWith('/') ? E.left({ code: 'folder', message: 'is a folder, not a file' }) : E.right(input.subarray(0, max))),
  writeFile: async () => undefined,
  outIsTty: false,
  errIsTty: false,
})
const ARGV: readonly (readonly string[])[] = [
  ['caps', 'F'],
  ['caps', 'F', '--json'],
  ['check', 'A', 'B'],
  ['check', 'L.yaml', 'P', '--json'],
  ['check', 'S.pb', 'H.yaml'],
  ['derive', 'F', '--policy', 'qemu', '--pasid', 'auto'],
  ['build', 'L.yaml', '--format', 'binary', '-o', 'out'],
  ['remap', 'S.json', '--host', 'H.yaml'],
  ['state', 'decode', 'S.pb'],
  ['state', 'encode', 'S.json', '-o', 'out'],
  ['filter', 'S.pb', 'H1.yaml', 'H2.yaml', '--json'],
  ['state', 'create', '--vm', 'v', '--function', '00:05.0=L.yaml@F', '--pasid', 'P.json', '-o', 'out'],
  ['state', 'create', '--vm', 'v', '--function', '00:05.0=L.yaml', '--function', '00:06.0=L.yaml@S', '-o', 'out'],
  ['derive', 'A', 'B', '--identity', 'revisionId=1'],
  ['matrix', '--layouts', 'L.yaml', '--functions', 'A,H.yaml', '--json'],
  ['report', 'A', 'B', '--vmm', 'qemu-9.1'],
  ['report', 'L.yaml', 'P'],
  ['check', 'A', 'B', '--vmm', 'qemu-9.1'],
  ['check', 'S.pb', 'H.pb'],
  ['host', 'decode', 'H.pb'],
  ['host', 'encode', 'H.yaml', '-o', 'out'],
  ['host', 'encode', 'H.yaml', '--root', '.', '-o', 'out'],
  ['matrix', '--layouts', 'L.yaml', '--functions', 'H.pb', '--json'],
]
const ARGV_NOISE = ['--json', '--help', '-h', '--device', '00:00.0', '--policy', 'kernel', '--pasid', '0x100', '--format', 'lspci', '--instance', 'refuse', '--', '-', '', '--nope', 'x'.repeat(300), '--vm', '--function', '00:05.0=L.yaml@', '--csv', '--identity', 'vendorId=0x10000', '--vmm', '--layouts', ',,', '--functions']

/** Migration state bytes of a generated state (1–2 functions). */
const generatedState = (seed: number): Uint8Array => encodeMigrationState(one(arb.migrationState({ maxFunctions: 2 }), seed))
/** The state changed as a lying source would (fuzz/state-tamper.ts); bytes that do not decode stay as they are. */
const tamperedState = (r: () => number, input: Uint8Array): Uint8Array => {
  const s = decodeMigrationState(input)
  return E.isLeft(s) ? input : encodeMigrationState(tamperState(r, s.right))
}
/** The hosts a state is judged against: two made of its own layouts (with and without PASIDs) and four generated ones. */
const judgedHosts = (state: MigrationState): Host[] => {
  someHosts ??= generatedHosts(4)
  return [ownHost(state), ownHost({ ...state, pasid: null }), ...someHosts]
}

export const TARGETS: readonly Target[] = [
  { name: 'lspci-text', seeds: dumps, run: (input) => exercise(readDump(input, 'fuzz.lspci')) },
  { name: 'binary', seeds: binaries, generate: (seed) => one(arb.configImage(), seed).bytes, run: (input) => exercise(readDump(input, 'fuzz.bin')) },
  {
    name: 'sysfs',
    seeds: () => [concatResource(bytesOf('sysfs/0000:5a:00.0/config'), textOf(bytesOf('sysfs/0000:5a:00.0/resource')))],
    run: (input) => {
      // The input is a config image and a resource file, split at the first 0x00 0xfe marker.
      exercise(readSysfsFunction(splitResource(input), '/sys/bus/pci/devices/0000:5a:00.0'))
    },
  },
  {
    name: 'layout-yaml',
    seeds: layouts,
    generate: (seed) => utf8(one(arb.layoutFile(), seed)),
    run: (input) => {
      const l = decodeLayout(textOf(input), 'fuzz.yaml')
      if (E.isLeft(l)) return
      const built = build(l.right)
      if (E.isRight(built)) realize(l.right, prepareFunction(built.right))
      encodeLayout(l.right, textOf(input))
    },
  },
  layoutRawRunsTarget(CORPUS, layouts),
  {
    name: 'host-yaml',
    seeds: hostsYaml,
    run: (input) => {
      decodeHostFile(textOf(input))
      decodeHostPasid(textOf(input))
      decodePersonaMatrix(textOf(input), 'fuzz.yaml')
    },
  },
  {
    name: 'pasid-json',
    seeds: () => files('pasid', (n) => n.endsWith('.json')).map(bytesOf),
    generate: (seed) => utf8(encodePasidState(one(arb.pasidState(), seed))),
    run: (input) => {
      const s = decodePasidState(textOf(input))
      if (E.isRight(s)) remapPasids(s.right, hostB)
    },
  },
  pasidRemapTarget,
  sysfsTreeTarget,
  hostPbTarget,
  grpcServiceTarget,
  {
    name: 'protobuf',
    seeds: states,
    generate: (seed) => encodeMigrationState(one(arb.migrationState({ maxFunctions: 2 }), seed)),
    run: (input) => {
      const s = decodeMigrationState(input)
      if (E.isLeft(s)) return
      encodeMigrationState(s.right)
      compileMigration(s.right)
    },
  },
  {
    // Issue 15, item 1: the standing inventory answers as filterHosts for any state, hostile
    // ones included, on hosts made of the state's own layouts and generated ones, after updates.
    name: 'inventory',
    seeds: states,
    generate: generatedState,
    mutate: tamperedState,
    run: (input) => {
      const s = decodeMigrationState(input)
      if (E.isLeft(s)) return
      const state = s.right
      const hosts = judgedHosts(state)
      const inventory = createInventory(hosts)
      // An update: the first host's functions all taken, then freed again under a new object.
      inventory.put({ ...hosts[0]!, functions: hosts[0]!.functions.map((f) => ({ ...f, free: false })) })
      inventory.put({ ...hosts[0]!, functions: [...hosts[0]!.functions] })
      const said = (r: FilterResult) => JSON.stringify([r.accepted.map((a) => [a.host.name, a.assignment.map((x) => x.hostAddress)]), r.rejected.map((x) => [x.host.name, x.reasons.map((y) => y.message)])])
      const got = said(inventory.filter(state))
      const want = said(filterHosts(state, inventory.hosts()))
      if (got !== want) throw new Error(`the inventory answered ${got.slice(0, 200)}, filterHosts ${want.slice(0, 200)}`)
    },
  },
  {
    // Item 2 of issue 11: a state whose parts contradict each other (an image, a digest, a PASID
    // claim its layout does not back) must be refused by every host, even one made of its own layouts.
    name: 'state-host',
    seeds: () => [...states(), ...files('state/tampered', (n) => n.endsWith('.pb')).map(bytesOf)],
    generate: generatedState,
    mutate: tamperedState,
    run: (input) => {
      const s = decodeMigrationState(input)
      if (E.isLeft(s)) return
      const state = s.right
      const hosts = judgedHosts(state)
      const why = contradictions(state)
      const accepted = hosts.filter((h) => checkMigration(state, h).compatible).map((h) => h.name)
      if (why.length > 0 && accepted.length > 0) throw new Error(`a state that contradicts itself (${why[0]}) was accepted by ${accepted[0]}`)
      if (why.length > 0 && filterHosts(state, hosts).accepted.length > 0) throw new Error(`filterHosts accepted a state that contradicts itself (${why[0]})`)
      const self = checkMigration(state, hosts[0]!).reasons.find((r) => SELF_CONTRADICTION.has(r.code))
      if (why.length === 0 && self !== undefined) throw new Error(`a state that agrees with itself was refused as contradicting itself (${self.code})`)
    },
  },
  {
    // Item 11 of issue 11: a host file with a key its format does not have must not decode.
    name: 'host-keys',
    seeds: hostsYaml,
    mutate: (r, input) => utf8(misspellHostKey(r, textOf(input))),
    run: (input) => {
      const text = textOf(input)
      const host = decodeHostFile(text)
      if (E.isLeft(host)) return
      let raw: unknown
      try {
        raw = parseYaml(text, { maxAliasCount: 100 })
      } catch {
        return
      }
      const unknown = unknownHostKeys(raw)
      if (unknown.length > 0) throw new Error(`a host file with the unknown key ${unknown[0]} decoded`)
    },
  },
  {
    name: 'state-json',
    seeds: () => files('state', (n) => n.endsWith('.json')).map(bytesOf),
    run: (input) => {
      let raw: unknown
      try {
        raw = JSON.parse(textOf(input))
      } catch {
        return
      }
      migrationStateFromJson(raw)
    },
  },
  stateProtoJsonTarget,
  {
    name: 'paths',
    budget: 300,
    // Real paths (FIFOs, devices, loops, folders, a sparse file, escaping host files) and the CLI's stdout through a pipe: fuzz/path-target.ts.
    seeds: () => pathSeeds([...dumps().slice(0, 3), ...layouts().slice(0, 2), ...states(), ...hostsYaml().slice(0, 1)]),
    maxMs: 5000,
    run: runPathCase,
  },
  {
    name: 'argv',
    // An argv (NUL-separated) whose every file reads as the same bytes: a corpus file.
    seeds: () => ARGV.flatMap((argv) => [...dumps().slice(0, 2), ...layouts().slice(0, 1), ...states(), ...hostMessages()].map((file) => encodeArgv(argv, file))),
    mutate: (r, input) => argvNoise(r, input),
    run: async (input) => {
      const { argv, file } = decodeArgv(input)
      const code = await run(argv, memoryIo(file))
      if (code === 3) throw new Error(`internal error (exit 3) for ${JSON.stringify(argv)}`)
    },
  },
  extenderHttpTarget,
  nearHostsTarget,
  scaledTarget(CORPUS),
]

/** Mixes command-line noise into an argv input: words removed, noise options added. */
const argvNoise = (r: () => number, input: Uint8Array): Uint8Array => {
  const { argv, file } = decodeArgv(input)
  const out = [...argv]
  const n = Math.floor(r() * 3)
  for (let k = 0; k <= n; k++) {
    const at = Math.floor(r() * (out.length + 1))
    if (r() < 0.3 && out.length > 0) out.splice(Math.min(at, out.length - 1), 1)
    else out.splice(at, 0, ARGV_NOISE[Math.floor(r() * ARGV_NOISE.length)]!)
  }
  return encodeArgv(out, file)
}

const MARK = Uint8Array.of(0x00, 0xfe, 0x00, 0xfe)
const indexOfMark = (input: Uint8Array): number => {
  for (let i = 0; i + MARK.length <= input.length; i++) if (input[i] === 0 && input[i + 1] === 0xfe && input[i + 2] === 0 && input[i + 3] === 0xfe) return i
  return -1
}
const concatResource = (config: Uint8Array, resource: string): Uint8Array => {
  const r = new TextEncoder().encode(resource)
  const out = new Uint8Array(config.length + MARK.length + r.length)
  out.set(config)
  out.set(MARK, config.length)
  out.set(r, config.length + MARK.length)
  return out
}
const splitResource = (input: Uint8Array): { config: Uint8Array; resource?: string } => {
  const at = indexOfMark(input)
  return at < 0 ? { config: input } : { config: input.slice(0, at), resource: textOf(input.slice(at + MARK.length)) }
}
/** argv words, then a 0x01 line, then the file's bytes. */
const encodeArgv = (argv: readonly string[], file: Uint8Array): Uint8Array => {
  const head = new TextEncoder().encode(`${argv.join('\u0000')}\u0001`)
  const out = new Uint8Array(head.length + file.length)
  out.set(head)
  out.set(file, head.length)
  return out
}
const decodeArgv = (input: Uint8Array): { argv: string[]; file: Uint8Array } => {
  const at = input.indexOf(0x01)
  const head = at < 0 ? input : input.slice(0, at)
  return { argv: textOf(head).split('\u0000').slice(0, 64), file: at < 0 ? new Uint8Array() : input.slice(at + 1) }
}

/**
 * Fuzz target `host-pb`: Host messages (`vpci.migration.v1.Host`), as `vpci check`, `filter` and
 * `remap --host` read them. Seeds are the golden messages and the corpus's host files encoded
 * with their files embedded; generated hosts (`arb.hostSpec`) and mutations add the rest:
 * the generic byte mutators, and structured ones written as an attacker would (a repeated
 * address or PASID id, a PF that is not there, a range past its width or over another, an image
 * of the wrong size, two sources, an unknown enum, a schema version, and lists scaled to 10^5
 * ranges or 10^4 functions). Besides exceptions, hangs and unbounded memory (the harness's), a
 * failure is a message that decodes although it breaks a rule of the host format (checked here
 * from the rules, not by the decoder), or one that does not read back the same through the
 * message or the host file.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import protobuf from 'protobufjs'
import * as arb from '../src/arbitraries/index.js'
import { readDump, readSysfsFunction } from '../src/dump/read-dump.js'
import { embeddedKey, isEmbedded, prepareEmbedded } from '../src/host/embedded-function.js'
import { decodeHostFile } from '../src/host/host-file.js'
import { encodeHostFile } from '../src/host/host-file-encode.js'
import type { HostSpec } from '../src/host/host-spec.js'
import { decodeLayout } from '../src/layout/layout-yaml.js'
import { checkMigration } from '../src/migrate/check-migration.js'
import type { Host, HostFunction } from '../src/migrate/host.js'
import type { PasidRanges } from '../src/pasid/pasid-ranges.js'
import type { PreparedFunction } from '../src/semantic/prepared-function.js'
import { decodeHostMessage, encodeHostMessage } from '../src/state/host-codec.js'
import { decodeMigrationState } from '../src/state/state-codec.js'
import { hostJsonText } from '../test/support/host-json.js'
import type { Target } from './targets.js'

const CORPUS = fileURLToPath(new URL('../corpus/', import.meta.url))
const text = (p: string): string => readFileSync(`${CORPUS}${p}`, 'utf8')
const bytes = (p: string): Uint8Array => new Uint8Array(readFileSync(`${CORPUS}${p}`))

// Messages are changed through protobufjs's reflection over proto/ (so any field can be given any value).
const root = new protobuf.Root()
const protoDir = fileURLToPath(new URL('../proto/', import.meta.url))
root.resolvePath = (_origin, target) => (target.startsWith(protoDir) ? target : `${protoDir}${target}`)
root.loadSync('vpci/migration/v1/host.proto')
root.resolveAll()
const HostType = root.lookupType('vpci.migration.v1.Host')

/** A corpus host file with every file it names embedded, as `vpci host encode` writes it. */
const embeddedCorpusHost = (yaml: string): Uint8Array | null => {
  const spec = decodeHostFile(text(yaml))
  if (E.isLeft(spec)) return null
  const base = yaml.slice(0, yaml.lastIndexOf('/') + 1)
  const functions = spec.right.functions.map((f) => {
    const s = f.source
    if (!('path' in s)) return f
    const at = `${base}${s.path}`
    if (s.kind === 'layout') {
      const l = decodeLayout(text(at), at)
      return E.isLeft(l) ? f : { ...f, source: { kind: 'inline-layout' as const, layout: l.right } }
    }
    const d = s.kind === 'sysfs' ? readSysfsFunction({ config: bytes(`${at}/config`), resource: text(`${at}/resource`) }, at) : readDump(bytes(at), at)
    return E.isLeft(d) ? f : { ...f, source: { kind: 'image' as const, name: d.right.device ?? d.right.file, config: d.right.config, resources: d.right.resources } }
  })
  return encodeHostMessage({ ...spec.right, functions })
}

const seeds = (): Uint8Array[] => [
  bytes('hosts/host-good-schema-v1.pb'),
  bytes('hosts/host-mixed-schema-v1.pb'),
  ...['hosts/host-good.yaml', 'hosts/host-no-translation.yaml', 'hosts/host-split-low.yaml', 'hosts/host-v2-accelerator.yaml', 'hosts/host-mixed.yaml', 'pasid/host-b.yaml'].flatMap((y) => embeddedCorpusHost(y) ?? []),
]

type Msg = Record<string, unknown>
const list = (m: Msg, key: string): Msg[] => {
  if (!Array.isArray(m[key])) m[key] = []
  return m[key] as Msg[]
}
const pick = <T,>(r: () => number, xs: readonly T[]): T | undefined => xs[Math.floor(r() * xs.length)]
const BIG = [0, 1, 20, 21, 64, 0xffff, 0x10000, 0xfffff, 0x100000, 0x100001, 0x7fffffff, 0xffffffff]

/** One change an attacker would make to a message, on its decoded fields. */
const CHANGES: ReadonlyArray<(r: () => number, m: Msg) => void> = [
  (r, m) => {
    const fs = list(m, 'functions')
    if (fs.length > 1) fs[fs.length - 1]!.address = pick(r, fs)!.address
  },
  (r, m) => {
    const f = pick(r, list(m, 'functions'))
    if (f !== undefined) f.pfAddress = pick(r, ['', 'nowhere', '0000:5a:00.0'])
  },
  (r, m) => {
    const p = (m.pasid ?? {}) as Msg
    const fs = list(p, 'functions')
    if (fs.length > 0) fs.push({ ...pick(r, fs)! })
    m.pasid = p
  },
  (r, m) => {
    const p = (m.pasid ?? {}) as Msg
    const start = pick(r, BIG)!
    list(r() < 0.5 ? p : (pick(r, list(p, 'functions')) ?? p), r() < 0.5 ? 'globalAllocated' : 'allocated').push({ start, end: start + pick(r, [0, 1, 2, 1 << 20, -1 >>> 0])! })
    m.pasid = p
  },
  (r, m) => {
    const f = pick(r, list(m, 'functions'))
    if (f !== undefined) f.configImage = new Uint8Array(pick(r, [0, 1, 63, 64, 255, 256, 4095, 4097, 8192])!).fill(0xff)
  },
  (r, m) => {
    const f = pick(r, list(m, 'functions'))
    if (f !== undefined) f.file = { kind: pick(r, [0, 1, 2, 3, 4, 99])!, path: pick(r, ['', 'x.lspci', '../../etc/passwd'])! }
  },
  (r, m) => {
    const f = pick(r, list(m, 'functions'))
    if (f !== undefined) f.resources = [{ index: pick(r, [0, 0, 5, 0xffffffff])!, kind: pick(r, [0, 1, 2, 3, 7])!, size: pick(r, ['0', '4096', '18446744073709551615'])!, prefetchable: r() < 0.5, is_64bit: r() < 0.5 }, { index: 0, kind: 2, size: '1' }]
  },
  (r, m) => void (m.schemaVersion = pick(r, [0, 1, 2, 0xffffffff])),
  (r, m) => {
    const p = (m.pasid ?? {}) as Msg
    p.iommuWidth = pick(r, BIG)
    p.split = pick(r, [undefined, 0, 1, 64, 0xffffffff])
    m.pasid = p
  },
  // Scaled: 10^5 ranges in one pool, or 10^4 functions (named by file, so the message stays small).
  (r, m) => {
    const p = (m.pasid ?? { iommuWidth: 20, functions: [] }) as Msg
    const n = 100_000
    const step = r() < 0.5 ? 3 : 2
    p.globalAllocated = Array.from({ length: n }, (_, k) => ({ start: 1 + k * step, end: 2 + k * step + (r() < 0.001 ? 5 : 0) }))
    m.pasid = p
  },
  (r, m) => {
    const fs = list(m, 'functions')
    const first = fs[0]
    if (first === undefined) return
    for (let k = 0; k < 10_000; k++) fs.push({ address: r() < 0.0002 ? first.address : `f${k}`, file: { kind: 1, path: 'nic.lspci' }, free: true })
  },
]

const mutate = (r: () => number, input: Uint8Array): Uint8Array => {
  let m: Msg
  try {
    m = HostType.toObject(HostType.decode(input), { longs: String, defaults: false }) as Msg
  } catch {
    return input
  }
  for (let k = 0; k <= Math.floor(r() * 2); k++) pick(r, CHANGES)!(r, m)
  try {
    return HostType.encode(HostType.fromObject(m)).finish()
  } catch {
    return input
  }
}

/** Every rule of the host format a decoded host breaks, checked from the format (not by the decoder). */
const broken = (h: HostSpec): string[] => {
  const why: string[] = []
  const addresses = h.functions.map((f) => f.address)
  if (new Set(addresses).size !== addresses.length) why.push('an address twice')
  for (const f of h.functions) if (f.pf !== null && !addresses.includes(f.pf)) why.push(`PF ${f.pf} not on the host`)
  for (const f of h.functions) if (f.source.kind === 'image' && ![64, 256, 4096].includes(f.source.config.bytes.length)) why.push('an image of no config-space size')
  if (h.pasid !== null) {
    const ids = h.pasid.functions.map((f) => f.id)
    if (new Set(ids).size !== ids.length) why.push('a PASID function id twice')
    const pools: Array<[PasidRanges, number]> = [[h.pasid.global, h.pasid.iommuWidth], ...h.pasid.functions.map((f): [PasidRanges, number] => [f.pool, f.capabilityWidth])]
    if (h.pasid.iommuWidth > 20) why.push('an IOMMU wider than 20 bits')
    for (const [pool, width] of pools) {
      const a = pool.ranges
      if (pool.width !== width || a[0] !== 0 || a.length % 3 !== 0) why.push('a pool not of its width or without PASID 0')
      for (let k = 0; k < a.length; k += 3) {
        if (!(a[k + 1]! > a[k]!) || a[k + 1]! > 2 ** width || (k > 0 && a[k]! <= a[k - 2]!)) why.push('a pool range empty, past the width, or out of order')
      }
    }
  }
  return why
}

const state = (() => {
  const s = decodeMigrationState(bytes('state/vm-17-n2-schema-v1.pb'))
  if (E.isLeft(s)) throw new Error('corpus/state/vm-17-n2-schema-v1.pb must decode')
  return s.right
})()
const models = new Map<string, PreparedFunction>()

export const hostPbTarget: Target = {
  name: 'host-pb',
  seeds,
  generate: (seed) => encodeHostMessage(fc.sample(arb.hostSpec({ maxFunctions: 3 }), { seed, numRuns: 1 })[0]!),
  mutate,
  run: (input) => {
    const decoded = decodeHostMessage(input)
    if (E.isLeft(decoded)) return
    const h = decoded.right
    const why = broken(h)
    if (why.length > 0) throw new Error(`a message that breaks the host format decoded: ${why[0]}`)
    const expected = hostJsonText(h)
    const again = decodeHostMessage(encodeHostMessage(h))
    if (E.isLeft(again) || hostJsonText(again.right) !== expected) throw new Error('a decoded host does not read back the same through the message')
    const file = decodeHostFile(encodeHostFile(h))
    if (E.isLeft(file) || hostJsonText(file.right) !== expected) throw new Error(`a decoded host does not read back the same through the host file${E.isLeft(file) ? `: ${file.left[0]!.message}` : ''}`)
    // Judged as a destination (the functions it carries; those named by file have no file here).
    const functions: HostFunction[] = h.functions.flatMap((f) => {
      if (!isEmbedded(f.source)) return []
      const key = embeddedKey(f.source)
      let prepared = models.get(key)
      if (prepared === undefined) {
        const made = prepareEmbedded(f.source)
        if (E.isLeft(made)) throw new Error(`an embedded layout that decoded does not build: ${made.left[0]!.message}`)
        if (models.size > 1000) models.clear()
        models.set(key, (prepared = made.right))
      }
      return [{ address: f.address, function: prepared, persona: f.persona, pf: f.pf, free: f.free }]
    })
    const host: Host = { name: h.name, functions, pasid: h.pasid }
    checkMigration(state, host)
  },
}

/**
 * The Host message codec (issue 12 item 5; issue 16 item 4: "the Host message read and written by
 * the codec"). Golden fixtures (add-only) keep decoding and re-encode to the same bytes; the
 * message refuses exactly what a host file refuses, at the same path (both written by hand here:
 * the YAML as text, the message with protobufjs's reflection over proto/, not the generated
 * code); the content sniff tells a Host from a MigrationState, YAML and config images; hostile
 * bytes give typed errors.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import protobuf from 'protobufjs'
import { describe, expect, it } from 'vitest'
import * as arb from '../../src/arbitraries/index.js'
import { readDump, readSysfsFunction } from '../../src/dump/read-dump.js'
import { decodeHostFile } from '../../src/host/host-file.js'
import type { HostSpec } from '../../src/host/host-spec.js'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { looksLikeHostMessage } from '../../src/decode/input-kind.js'
import { decodeHostMessage, encodeHostMessage } from '../../src/state/host-codec.js'
import { hostJson } from '../support/host-json.js'
import { corpusPath, readCorpusBytes, readCorpusText } from '../support/repo-corpus.js'

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left))
  return e.right
}
const same = (a: Uint8Array, b: Uint8Array) => expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0)

/** The host file with every function's file read and embedded, as `vpci host encode` does (`keep`: left as files). */
const embedded = (yaml: string, keep: readonly string[] = []): HostSpec => {
  const spec = right(decodeHostFile(readCorpusText(`hosts/${yaml}`)))
  return {
    ...spec,
    functions: spec.functions.map((f) => {
      const s = f.source
      if (keep.includes(f.address) || !('path' in s)) return f
      const at = `hosts/${s.path}`
      if (s.kind === 'layout') return { ...f, source: { kind: 'inline-layout', layout: right(decodeLayout(readCorpusText(at), at)) } }
      const dump = s.kind === 'sysfs' ? readSysfsFunction({ config: readCorpusBytes(`${at}/config`), resource: readCorpusText(`${at}/resource`) }, at) : readDump(readCorpusBytes(at), at)
      const d = right(dump)
      return { ...f, source: { kind: 'image', name: d.device ?? d.file, config: d.config, resources: d.resources } }
    }),
  }
}

describe('golden Host messages (corpus/hosts/*-schema-v1.pb, add-only)', () => {
  // host-mixed-embedded.yaml holds the inline layout as corpus/layouts/nic-v2.yaml was when the
  // golden was made (corpus layouts have started from reset since); the rest is host-mixed.yaml.
  it.each([
    ['host-good-schema-v1.pb', 'host-good.yaml', []],
    ['host-mixed-schema-v1.pb', 'host-mixed-embedded.yaml', ['0000:5e:00.1']],
  ] as const)('%s decodes to %s with its files embedded, and re-encodes to the same bytes', (pb, yaml, keep) => {
    const bytes = readCorpusBytes(`hosts/${pb}`)
    const host = right(decodeHostMessage(bytes))
    expect(hostJson(host)).toEqual(hostJson(embedded(yaml, keep)))
    same(encodeHostMessage(host), bytes)
  })

  it('host-mixed-schema-v1.pb is host-mixed.yaml with its files embedded, but for the layout file edited since', () => {
    const host = right(decodeHostMessage(readCorpusBytes('hosts/host-mixed-schema-v1.pb')))
    const now = embedded('host-mixed.yaml', ['0000:5e:00.1'])
    const withoutLayout = (h: HostSpec) => hostJson({ ...h, functions: h.functions.map((f) => (f.source.kind === 'inline-layout' ? { ...f, source: { kind: 'layout', path: '' } } : f)) })
    expect(withoutLayout(host)).toEqual(withoutLayout(now))
    // The edit changed field values (reset values), not what the layout is: its name, identity and capabilities.
    const shape = (h: HostSpec) => {
      const s = h.functions.find((f) => f.source.kind === 'inline-layout')!.source
      if (s.kind !== 'inline-layout') throw new Error('no inline layout')
      return { name: s.layout.name, identity: s.layout.identity, capabilities: s.layout.capabilities.map((c) => [c.space, c.id, c.offset, c.backing]) }
    }
    expect(shape(host)).toEqual(shape(now))
  })

  it('host-mixed carries each kind of source: an image with sysfs BAR sizes, a layout, a file', () => {
    const host = right(decodeHostMessage(readCorpusBytes('hosts/host-mixed-schema-v1.pb')))
    expect(host.functions.map((f) => f.source.kind)).toEqual(['image', 'inline-layout', 'dump'])
    const image = host.functions[0]!.source
    expect(image.kind === 'image' && image.resources?.entries[0]).toEqual({ index: 0, kind: 'memory', size: 0x400000n, prefetchable: true, is64Bit: true })
    expect(host.functions[2]).toMatchObject({ pf: '0000:5e:00.0', free: false })
  })
})

// The message, written with protobufjs reflection from proto/ (the generated code is not the oracle).
const protoDir = fileURLToPath(new URL('../../proto/', import.meta.url))
const root = new protobuf.Root()
root.resolvePath = (_origin, target) => (target.startsWith(protoDir) ? target : `${protoDir}${target}`)
root.loadSync('vpci/migration/v1/host.proto')
root.resolveAll()
const HostType = root.lookupType('vpci.migration.v1.Host')
const image = Uint8Array.from(right(readDump(readCorpusBytes('families/nic/v2.lspci'), 'v2')).config.bytes)
type Msg = Record<string, unknown> & { functions: Array<Record<string, unknown>>; pasid: Record<string, unknown> & { functions: Array<Record<string, unknown>> } }
const baseMessage = (): Msg => ({
  name: 'h',
  schemaVersion: 1,
  functions: [
    { address: 'a0', configImage: image, free: true },
    { address: 'a1', configImage: image, pfAddress: 'a0', free: true },
  ],
  pasid: {
    iommuWidth: 20,
    cpuTranslation: true,
    split: 64,
    globalAllocated: [{ start: 64, end: 100 }],
    functions: [
      { id: 'a0', capabilityWidth: 16, execute: true, privileged: true, pasidEnabled: true, vf: false, allocated: [] },
      { id: 'a1', capabilityWidth: 16, execute: true, privileged: true, pasidEnabled: true, vf: true, allocated: [{ start: 1, end: 4 }] },
    ],
  },
})
const encode = (m: Msg): Uint8Array => HostType.encode(HostType.fromObject(m)).finish()
const rows = (bytes: Uint8Array) => Array.from({ length: bytes.length / 16 }, (_, k) => `"${(k * 16).toString(16).padStart(k < 16 ? 2 : 3, '0')}: ${Array.from(bytes.subarray(k * 16, k * 16 + 16), (b) => b.toString(16).padStart(2, '0')).join(' ')}"`)
const IMAGE = `\n    image:\n      config: [${rows(image).join(', ')}]`
const baseYaml = (): string =>
  [
    'apiVersion: vpci/v1',
    'kind: Host',
    'metadata: { name: h }',
    'functions:',
    `  - address: a0${IMAGE}`,
    `  - address: a1${IMAGE}`,
    '    pf: a0',
    'pasid:',
    '  iommuWidth: 20',
    '  cpuTranslation: true',
    '  split: 64',
    '  globalAllocated: [[64, 100]]',
    '  functions:',
    '    - { id: a0, capabilityWidth: 16, execute: true, privileged: true, pasidEnabled: true, vf: false, allocated: [] }',
    '    - { id: a1, capabilityWidth: 16, execute: true, privileged: true, pasidEnabled: true, vf: true, allocated: [[1, 4]] }',
    '',
  ].join('\n')

describe('the message refuses what a host file refuses, at the same path', () => {
  it('the base host reads the same in both forms', () => {
    expect(hostJson(right(decodeHostMessage(encode(baseMessage()))))).toEqual(hostJson(right(decodeHostFile(baseYaml()))))
  })

  const defects: ReadonlyArray<readonly [string, string, (m: Msg) => void, (y: string) => string]> = [
    ['an address twice', 'functions.1.address', (m) => void (m.functions[1]!.address = 'a0'), (y) => y.replace('address: a1', 'address: a0').replace('pf: a0', 'pf: a0')],
    ['a PF that is no function of the host', 'functions.1.pf', (m) => void (m.functions[1]!.pfAddress = 'zz'), (y) => y.replace('pf: a0', 'pf: zz')],
    ['a PASID function id twice', 'pasid.functions.1.id', (m) => void (m.pasid.functions[1]!.id = 'a0'), (y) => y.replace('{ id: a1', '{ id: a0')],
    ['a global range past the IOMMU width', 'pasid.globalAllocated.0', (m) => void (m.pasid.globalAllocated = [{ start: 64, end: 2 ** 20 + 1 }]), (y) => y.replace('[[64, 100]]', `[[64, ${2 ** 20 + 1}]]`)],
    ['a function range past its capability width', 'pasid.functions.1.allocated.0', (m) => void (m.pasid.functions[1]!.allocated = [{ start: 1, end: 65537 }]), (y) => y.replace('[[1, 4]]', '[[1, 65537]]')],
    ['overlapping ranges', 'pasid.globalAllocated.1', (m) => void (m.pasid.globalAllocated = [{ start: 64, end: 100 }, { start: 90, end: 120 }]), (y) => y.replace('[[64, 100]]', '[[64, 100], [90, 120]]')],
    ['an inverted range', 'pasid.functions.1.allocated.0', (m) => void (m.pasid.functions[1]!.allocated = [{ start: 4, end: 1 }]), (y) => y.replace('[[1, 4]]', '[[4, 1]]')],
    ['an IOMMU width of 21', 'pasid.iommuWidth', (m) => void (m.pasid.iommuWidth = 21), (y) => y.replace('iommuWidth: 20', 'iommuWidth: 21')],
    ['a 100-byte image', 'functions.0.image.config', (m) => void (m.functions[0]!.configImage = image.subarray(0, 100)), (y) => y.replace(/config: \[("[^"]*", ){6}("[^"]*", )*?("[^"]*")\]/, (all) => `config: [${all.slice(9, -1).split(', ').slice(0, 6).join(', ')}]`)],
    ['no source', 'functions.0', (m) => void delete m.functions[0]!.configImage, (y) => y.replace(IMAGE, '')],
    ['two sources', 'functions.0', (m) => void (m.functions[0]!.file = { kind: 1, path: 'x.lspci' }), (y) => y.replace(`address: a0${IMAGE}`, `address: a0${IMAGE}\n    dump: x.lspci`)],
  ]

  it.each(defects)('%s', (_, path, onMessage, onYaml) => {
    const yaml = decodeHostFile(onYaml(baseYaml()))
    const m = baseMessage()
    onMessage(m)
    const message = decodeHostMessage(encode(m))
    expect(E.isLeft(yaml) && yaml.left.map((e) => e.path.join('.'))).toContain(path)
    expect(E.isLeft(message) && message.left.map((e) => e.path.join('.'))).toContain(path)
  })

  it.each([
    ['a schema version other than 1', 'schemaVersion', (m: Msg) => void (m.schemaVersion = 2)],
    ['no schema version', 'schemaVersion', (m: Msg) => void delete m.schemaVersion],
    ['an unknown file kind', 'functions.0.file.kind', (m: Msg) => void Object.assign(m.functions[0]!, { configImage: new Uint8Array(), file: { kind: 7, path: 'x' } })],
    ['an unspecified resource kind', 'functions.0.image.resources.0.kind', (m: Msg) => void (m.functions[0]!.resources = [{ index: 0, kind: 0, size: 4096 }])],
    ['resources without an image', 'functions.0.resources', (m: Msg) => void Object.assign(m.functions[0]!, { configImage: new Uint8Array(), file: { kind: 1, path: 'x' }, resources: [{ index: 0, kind: 2, size: 4096 }] })],
  ])('the message alone: %s', (_, path, onMessage) => {
    const m = baseMessage()
    onMessage(m)
    const message = decodeHostMessage(encode(m))
    expect(E.isLeft(message) && message.left.map((e) => e.path.join('.'))).toContain(path)
  })
})

describe('telling a Host message from other inputs by content', () => {
  it('Host messages are told as such; states, YAML, JSON, config images and nothing are not', () => {
    expect(looksLikeHostMessage(readCorpusBytes('hosts/host-good-schema-v1.pb'))).toBe(true)
    expect(looksLikeHostMessage(readCorpusBytes('hosts/host-mixed-schema-v1.pb'))).toBe(true)
    expect(looksLikeHostMessage(encode(baseMessage()))).toBe(true)
    for (const other of ['state/vm-17-schema-v1.pb', 'state/vm-17-n2-schema-v1.pb', 'hosts/host-good.yaml', 'state/vm-17-schema-v1.json', 'sysfs/0000:5a:00.0/config', 'families/nic/v2.lspci']) {
      expect(looksLikeHostMessage(readCorpusBytes(other)), other).toBe(false)
    }
    expect(looksLikeHostMessage(new Uint8Array())).toBe(false)
  })

  it('generated hosts are told as Host messages and read back unchanged', () => {
    fc.assert(
      fc.property(arb.hostSpec({ maxFunctions: 3 }), (h) => {
        const bytes = encodeHostMessage(h)
        expect(looksLikeHostMessage(bytes)).toBe(true)
        expect(hostJson(right(decodeHostMessage(bytes)))).toEqual(hostJson(h))
      }),
      { numRuns: 60 },
    )
  })
})

describe('hostile bytes', () => {
  const golden = readCorpusBytes('hosts/host-mixed-schema-v1.pb')

  it('no truncation of a golden message throws; every cut inside a field is refused', () => {
    let refused = 0
    for (let n = 0; n < golden.length; n += 5) {
      const r = decodeHostMessage(golden.subarray(0, n))
      if (E.isLeft(r)) refused++
    }
    expect(refused).toBe(Math.ceil(golden.length / 5))
  })

  it('flipped bytes never throw', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: golden.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }), (flips) => {
        const bytes = golden.slice()
        for (const [at, x] of flips) bytes[at]! ^= x
        expect(() => decodeHostMessage(bytes)).not.toThrow()
      }),
      { numRuns: 300 },
    )
  })

  it('a length prefix of 2^31 is refused, not allocated', () => {
    const r = decodeHostMessage(Uint8Array.of(0x12, 0x80, 0x80, 0x80, 0x80, 0x08, 0x00))
    expect(E.isLeft(r) && r.left[0]!.message).toMatch(/^not a vpci.migration.v1.Host/)
  })

  it('a host file path in a message is kept as the file, resolved by the reader like a host file', () => {
    const host = right(decodeHostMessage(readCorpusBytes('hosts/host-mixed-schema-v1.pb')))
    expect(host.functions[2]!.source).toEqual({ kind: 'dump', path: '../families/nic/v2.lspci' })
    expect(readFileSync(corpusPath('hosts/../families/nic/v2.lspci')).length).toBeGreaterThan(0)
  })
})

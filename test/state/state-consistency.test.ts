/**
 * A migration state is checked against itself (issue 11, item 2; DESIGN.md §4, soundness rules):
 * its image is as large as its layout, its read-only bits are the layout's, its recorded digest
 * is the built layout's, and its PASID state claims the PASID capability its layout shows (item
 * 4). The rule, from the outside: a source host may lie in any part of the state, and whatever
 * it changes that the layout fixes, vpci refuses, naming the function and the field.
 *
 * Fixtures: corpus/state/tampered/ (made by make-tampered.mjs from vm-17-n2-schema-v1, which
 * host-good takes), each changed in one way. The property: for generated states, any read-only
 * bit of any image, any digest byte, or the image's size changed is refused by every host, even
 * one made of the state's own layouts, which takes the state unchanged.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { processIo } from '../../src/cli/io.js'
import { loadHost } from '../../src/cli/load-host.js'
import { configSpace } from '../../src/config-space/config-space.js'
import { build } from '../../src/layout/build.js'
import * as arb from '../../src/arbitraries/index.js'
import { checkMigration } from '../../src/migrate/check-migration.js'
import { filterHosts } from '../../src/migrate/filter-hosts.js'
import type { Host } from '../../src/migrate/host.js'
import { prepareFunction } from '../../src/semantic/prepared-function.js'
import type { MigrationState } from '../../src/state/migration-state.js'
import { decodeMigrationState } from '../../src/state/state-codec.js'
import { stateConsistency } from '../../src/state/state-consistency.js'
import { vpci } from '../support/cli.js'
import { CORPUS_ROOT, corpusPath } from '../support/repo-corpus.js'

const decoded = (name: string): MigrationState => {
  const s = decodeMigrationState(new Uint8Array(readFileSync(corpusPath(name))))
  if (E.isLeft(s)) throw new Error(`${name}: ${JSON.stringify(s.left)}`)
  return s.right
}
const hostGood = async (): Promise<Host> => {
  const h = await loadHost(processIo, corpusPath('hosts/host-good.yaml'), { root: corpusPath('') })
  if (E.isLeft(h)) throw new Error(JSON.stringify(h.left.errors(null)))
  return h.right
}

/** Each tampered fixture and the one refusal it must bring: code, function, capability, field, what the state says, what the layout builds. */
const TAMPERED: ReadonlyArray<readonly [string, { code: string; fn: string; capability: string | null; field: string | null; source?: unknown; destination?: unknown }]> = [
  ['zero-digest', { code: 'STATE_DIGEST', fn: '00:05.0', capability: null, field: 'semanticDigest', source: '0'.repeat(64) }],
  ['digest-of-other-layout', { code: 'STATE_DIGEST', fn: '00:05.0', capability: null, field: 'semanticDigest' }],
  // The accelerator's Vendor ID is 0x1234 (corpus/layouts/accelerator-v1.yaml); the image says Intel's.
  ['image-vendor-id', { code: 'STATE_READ_ONLY', fn: '00:05.0', capability: null, field: 'vendorId', source: 0x8086, destination: 0x1234 }],
  ['image-device-id', { code: 'STATE_READ_ONLY', fn: '00:05.0', capability: null, field: 'deviceId', source: 0x5b02, destination: 0x5a01 }],
  ['image-256-under-4096', { code: 'STATE_IMAGE_SIZE', fn: '00:05.0', capability: null, field: 'configImage', source: 256, destination: 4096 }],
  // MSI-X Message Control bits 10:0 are Table Size − 1, read-only (PCIe 6.0 §7.7.2.2); the layout has 16 vectors.
  ['image-msix-table-size-bit', { code: 'STATE_READ_ONLY', fn: '00:05.0', capability: 'MSI-X', field: 'tableSize', source: 14, destination: 15 }],
  // N2's vPASID shows Max PASID Width 16 (corpus/layouts/nic-v2.yaml) and no execute support.
  ['pasid-width-20-under-16', { code: 'STATE_PASID_WIDTH', fn: '00:06.0', capability: 'Process Address Space ID', field: 'maxPasidWidth', source: 20, destination: 16 }],
  ['pasid-execute-unsupported', { code: 'STATE_PASID_FEATURES', fn: '00:06.0', capability: 'Process Address Space ID', field: 'executePermission', source: true, destination: 0 }],
]

describe('tampered states (corpus/state/tampered)', () => {
  it('the untampered state agrees with itself and host-good takes it', async () => {
    const state = decoded('state/vm-17-n2-schema-v1.pb')
    expect(stateConsistency(state).reasons).toEqual([])
    expect(checkMigration(state, await hostGood()).compatible).toBe(true)
  })

  it.each(TAMPERED)('%s: decodes, and is refused with its one reason naming the function and field, no certificate', async (name, expected) => {
    const state = decoded(`state/tampered/${name}.pb`)
    const reasons = stateConsistency(state).reasons
    expect(reasons.map((r) => [r.code, r.severity, r.capability, r.field])).toEqual([[expected.code, 'error', expected.capability, expected.field]])
    expect(reasons[0]!.message.startsWith(`${expected.fn} (functions[`)).toBe(true)
    if ('source' in expected) expect(reasons[0]!.source).toEqual(expected.source)
    if ('destination' in expected) expect(reasons[0]!.destination).toEqual(expected.destination)
    const host = await hostGood()
    const v = checkMigration(state, host)
    expect(v.compatible).toBe(false)
    expect(v.certificate).toBeNull()
    expect(v.reasons).toEqual(reasons)
    expect(filterHosts(state, [host]).rejected[0]!.reasons).toEqual(reasons)
  })

  it.each(TAMPERED)('vpci check %s host-good: exit 1, the reason named', async (name, expected) => {
    const r = await vpci('check', corpusPath(`state/tampered/${name}.pb`), corpusPath('hosts/host-good.yaml'), ...CORPUS_ROOT)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^INCOMPATIBLE: /)
    expect(r.stdout).toContain(`error ${expected.code}`)
    expect(r.stdout).toContain(`${expected.fn} (functions[`)
    const json = await vpci('check', corpusPath(`state/tampered/${name}.pb`), corpusPath('hosts/host-good.yaml'), '--json', ...CORPUS_ROOT)
    expect(json.code).toBe(1)
    const out = JSON.parse(json.stdout)
    expect([out.compatible, out.certificate, out.reasons.map((x: { code: string; field: string | null }) => [x.code, x.field])]).toEqual([false, null, [[expected.code, expected.field]]])
  })
})

/** A host whose free functions are the state's own layouts, built: it can back each of them. */
const ownHost = (state: MigrationState): Host => ({
  name: 'own-layouts',
  functions: state.functions.map((f, k) => {
    const built = build(f.layout)
    if (E.isLeft(built)) throw new Error('generated layouts build')
    return { address: `0000:${(0x10 + k).toString(16)}:00.0`, function: prepareFunction(built.right), persona: null, pf: null, free: true }
  }),
  pasid: null,
})

/** One way a source could lie about function `i`, picked by `pick`, from the built layout's own masks. */
const tamper = (state: MigrationState, i: number, kind: 'read-only bit' | 'digest' | 'size', pick: number): MigrationState | null => {
  const f = state.functions[i]!
  const built = prepareFunction((build(f.layout) as E.Right<Parameters<typeof prepareFunction>[0]>).right)
  let edited = f
  if (kind === 'digest') {
    const digest = Uint8Array.from(f.semanticDigest)
    digest[pick % 32]! ^= 1 << (pick % 8)
    edited = { ...f, semanticDigest: digest }
  } else if (kind === 'size') {
    if (f.configImage.size !== 4096) return null
    edited = { ...f, configImage: configSpace(Uint8Array.from(f.configImage.bytes).slice(0, 256))! }
  } else {
    // Bits the guest can neither write nor clear: read-only under the layout.
    const size = built.semantic.size
    const packed = built.semantic.packed
    const bits: number[] = []
    for (let at = 0; at < size; at++) for (let b = 0; b < 8; b++) if (!((packed[size + at]! | packed[2 * size + at]!) & (1 << b))) bits.push(8 * at + b)
    const bit = bits[pick % bits.length]!
    const bytes = Uint8Array.from(f.configImage.bytes)
    bytes[bit >> 3]! ^= 1 << (bit & 7)
    edited = { ...f, configImage: configSpace(bytes)! }
  }
  return { ...state, functions: state.functions.map((x, k) => (k === i ? edited : x)) }
}

describe('generated states', () => {
  it('agree with themselves; when certified, the certificate records one digest per layout', () => {
    fc.assert(
      fc.property(arb.migrationState({ maxFunctions: 3 }), (state) => {
        expect(stateConsistency(state).reasons).toEqual([])
        const v = checkMigration({ ...state, pasid: null }, ownHost(state))
        expect(v.reasons.filter((r) => r.code.startsWith('STATE_'))).toEqual([])
        for (const f of v.certificate?.functions ?? []) expect(f.layoutDigest).toBe(f.stateDigest)
      }),
      { numRuns: 60 },
    )
  })

  it('changed in any read-only bit, digest byte or image size, are refused with a STATE_ reason for that function by a host that takes them unchanged', () => {
    let judged = 0
    fc.assert(
      fc.property(arb.migrationState({ maxFunctions: 3 }), fc.nat(), fc.constantFrom('read-only bit' as const, 'digest' as const, 'size' as const), fc.nat(), (state, which, kind, pick) => {
        const i = which % state.functions.length
        const tampered = tamper(state, i, kind, pick)
        const host = ownHost(state)
        if (tampered === null || !checkMigration({ ...state, pasid: null }, host).compatible) return
        judged++
        const v = checkMigration({ ...tampered, pasid: null }, host)
        expect(v.compatible).toBe(false)
        expect(v.certificate).toBeNull()
        const code = { 'read-only bit': 'STATE_READ_ONLY', digest: 'STATE_DIGEST', size: 'STATE_IMAGE_SIZE' }[kind]
        expect(v.reasons.some((r) => r.code === code && r.message.startsWith(`${state.functions[i]!.guestAddress} (functions[${i}])`))).toBe(true)
      }),
      { numRuns: 150 },
    )
    // Most generated states are taken by their own layouts' host; the property is not vacuous.
    expect(judged).toBeGreaterThan(50)
  })
})

describe('states made in memory', () => {
  it('a guest address given twice or not at all is refused (the decoders refuse it; the library holds in-memory states to it too)', async () => {
    const state = decoded('state/vm-17-n2-schema-v1.pb')
    const twice = { ...state, functions: state.functions.map((f) => ({ ...f, guestAddress: '00:05.0' })) }
    expect(stateConsistency(twice).reasons.filter((r) => r.code === 'STATE_GUEST_ADDRESS').map((r) => r.message)).toEqual(['functions[1].guestAddress: "00:05.0" appears twice (first at functions[0])'])
    const none = { ...state, functions: state.functions.map((f, i) => (i === 0 ? { ...f, guestAddress: '' } : f)) }
    expect(checkMigration(none, await hostGood()).reasons.map((r) => r.code)).toContain('STATE_GUEST_ADDRESS')
  })
})

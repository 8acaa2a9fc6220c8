/**
 * The whole-VM check on corpus hosts. vm-17 (corpus/state/vm-17-n2-schema-v1) has two functions:
 * 00:05.0 with instance type A (the accelerator V1 layout, stream 1, a 20-bit vPASID) and 00:06.0
 * with N2 (the NIC V2 layout, streams 2–3, a 16-bit vPASID), and ENQCMD PASIDs in global-split
 * mode (split 64; locals 3 and 9 touch the 16-bit non-ENQCMD 00:06.0, local 5 only the ENQCMD
 * 00:05.0). One host takes it; three refuse it, each for its own reason. The first golden state
 * (vm-17-schema-v1) put 00:06.0 on N1, which shows no PASID capability: it contradicts its own
 * PASID state and every host refuses it.
 */
import { readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { processIo } from '../../src/cli/io.js'
import { loadHost } from '../../src/cli/load-host.js'
import fc from 'fast-check'
import { checkMigration, verifyMigrationCertificate } from '../../src/migrate/check-migration.js'
import { filterHosts } from '../../src/migrate/filter-hosts.js'
import type { CertificateProblem } from '../../src/proof/certificate.js'
import { decodeMigrationState } from '../../src/state/state-codec.js'
import { vpci } from '../support/cli.js'
import { corpusPath } from '../support/repo-corpus.js'
import { preparedCorpus } from '../support/prepared.js'

const decoded = (name: string) => {
  const s = decodeMigrationState(new Uint8Array(readFileSync(corpusPath(name))))
  if (E.isLeft(s)) throw new Error(JSON.stringify(s.left))
  return s.right
}
const state = decoded('state/vm-17-n2-schema-v1.pb')
const HOSTS = ['host-good', 'host-v2-accelerator', 'host-split-low', 'host-no-translation']
const host = async (name: string) => {
  // The corpus hosts name dumps in ../families: the corpus is their root.
  const h = await loadHost(processIo, corpusPath(`hosts/${name}.yaml`), { root: corpusPath('') })
  if (E.isLeft(h)) throw new Error(JSON.stringify(h.left.errors(null)))
  return h.right
}
const errorCodes = (v: ReturnType<typeof checkMigration>) => v.reasons.filter((r) => r.severity === 'error').map((r) => r.code)

describe('vm-17 on the corpus hosts', () => {
  it('host-good takes it: the accelerator on the V1 device, N2 on the V2 NIC, both vPASIDs emulated, PASIDs placed', async () => {
    const v = checkMigration(state, await host('host-good'))
    expect(v.compatible).toBe(true)
    expect(v.assignment!.map((a) => [a.guestAddress, a.hostAddress])).toEqual([
      ['00:05.0', '0000:5a:00.0'],
      ['00:06.0', '0000:5e:00.0'],
    ])
    // Each layout was derived from the hardware that backs it: only the emulated vPASID at 0xff8 has no physical offset.
    for (const a of v.assignment!) expect(a.offsetMap.filter((m) => m.physicalOffset !== m.virtualOffset).map((m) => [m.virtualOffset, m.backing])).toEqual([[0xff8, 'emulated']])
    // Free globals from 64: 100, 200, 201. Locals 3 and 9 are bounded by the 16-bit function
    // (limit 2^16) and served first; local 5 (20-bit only) last.
    expect(v.pasidPlan!.map).toEqual([
      { local: 3, global: 100 },
      { local: 5, global: 201 },
      { local: 9, global: 200 },
    ])
    expect(v.pasidPlan!.cpuTable).toEqual([
      { local: 3, global: 100 },
      { local: 5, global: 201 },
    ])
  })

  it('the NIC V1 layout on V2 hardware: its firmware moved MSI-X and PCI Express (vm-17 without PASIDs)', async () => {
    const v = checkMigration({ ...decoded('state/vm-17-schema-v1.pb'), pasid: null }, await host('host-good'))
    expect(v.compatible).toBe(true)
    // NIC V2 firmware moved MSI-X 0x50 → 0x90 and PCI Express 0x60 → 0x48 (corpus/README.md).
    const nic = v.assignment![1]!.offsetMap
    expect(nic.filter((m) => m.physicalOffset !== m.virtualOffset).map((m) => [m.virtualOffset, m.physicalOffset])).toEqual([
      [0x50, 0x90],
      [0x60, 0x48],
    ])
  })

  it('host-v2-accelerator refuses: its accelerator has less PASID width and PRI capacity, and speaks another stream', async () => {
    const v = checkMigration(state, await host('host-v2-accelerator'))
    expect(v.compatible).toBe(false)
    expect(errorCodes(v)).toEqual(['NO_CANDIDATE', 'FIELD_CAPACITY', 'FIELD_CAPACITY', 'PERSONA_STREAM'])
    expect(v.reasons.filter((r) => r.code === 'FIELD_CAPACITY').map((r) => r.field)).toEqual(['outstandingPageRequestCapacity', 'maxPasidWidth'])
  })

  it('host-split-low refuses: it leaves guests locals [1, 32), the VM owns [1, 64)', async () => {
    expect(errorCodes(checkMigration(state, await host('host-split-low')))).toEqual(['PASID_SPLIT'])
  })

  it('host-no-translation refuses: ENQCMD needs the CPU to translate PASIDs', async () => {
    expect(errorCodes(checkMigration(state, await host('host-no-translation')))).toEqual(['PASID_NO_TRANSLATION'])
  })

  it('a busy function is not a candidate', async () => {
    const h = await host('host-good')
    const busy = { ...h, functions: h.functions.map((f) => (f.address === '0000:5a:00.0' ? { ...f, free: false } : f)) }
    const v = checkMigration(state, busy)
    expect(v.compatible).toBe(false)
    expect(v.reasons[0]).toMatchObject({ code: 'NO_CANDIDATE', source: '00:05.0', destination: '0000:5e:00.0' })
  })

  it('vpci check STATE.pb HOST.yaml: exit 0 with the assignment, 1 refused', async () => {
    const ok = await vpci('check', corpusPath('state/vm-17-n2-schema-v1.pb'), corpusPath('hosts/host-good.yaml'), '--json', '--root', corpusPath(''))
    expect(ok.code).toBe(0)
    expect(Object.keys(JSON.parse(ok.stdout))).toEqual(['compatible', 'reasons', 'omittedReasons', 'certificate', 'assignment', 'pasidPlan'])
    expect(JSON.parse(ok.stdout).certificate.kind).toBe('vpci/migration-certificate')
    const refused = await vpci('check', corpusPath('state/vm-17-n2-schema-v1.pb'), corpusPath('hosts/host-split-low.yaml'), '--root', corpusPath(''))
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain('PASID_SPLIT')
  })
})

describe('the whole-VM certificate', () => {
  it('names each layout and host function by digest, with the offset maps and the PASID plan, and re-derives', async () => {
    const h = await host('host-good')
    const v = checkMigration(state, h)
    const c = v.certificate!
    expect(c.functions.map((f) => [f.guestAddress, f.hostAddress])).toEqual([
      ['00:05.0', '0000:5a:00.0'],
      ['00:06.0', '0000:5e:00.0'],
    ])
    // The digest the state recorded is the digest of its layout built now (corpus/state/make-golden.mjs).
    for (const f of c.functions) expect(f.layoutDigest).toBe(f.stateDigest)
    expect(c.functions[1]!.physicalDigest).toBe(h.functions[1]!.function.digest)
    expect(c.pasid!.map).toEqual(v.pasidPlan!.map)
    expect(verifyMigrationCertificate(c, state, h)).toEqual(E.right(c))
    expect(checkMigration(state, await host('host-split-low')).certificate).toBeNull()
  })

  it('fails to verify when a destination function changes or the certificate is edited', async () => {
    const h = await host('host-good')
    const c = checkMigration(state, h).certificate!
    // The accelerator's place taken by the same model on host B (its serial number differs): still
    // compatible, but not the function the certificate names.
    const hostB = preparedCorpus('families/accelerator/v1-host-b.lspci')
    const swapped = { ...h, functions: [{ ...h.functions[0]!, function: hostB }, h.functions[1]!] }
    expect(checkMigration(state, swapped).compatible).toBe(true)
    expect(mismatched(verifyMigrationCertificate(c, state, swapped))).toEqual(['functions[0].physicalDigest'])
    // A host that no longer takes the VM at all.
    expect(verifyMigrationCertificate(c, state, await host('host-split-low'))).toEqual(E.left([{ _tag: 'CertificateMismatch', what: 'verdict', expected: '"compatible"', actual: '"the host no longer takes the VM"' }]))
    const edited = { ...c, functions: c.functions.map((f, i) => (i === 1 ? { ...f, offsetMap: f.offsetMap.map((m) => ({ ...m, physicalOffset: m.virtualOffset })) } : f)) }
    // The emulated vPASID's physical offset, null in the certificate, edited to 0xff8.
    expect(mismatched(verifyMigrationCertificate(edited, state, h))).toEqual([`functions[1].offsetMap[${c.functions[1]!.offsetMap.findIndex((m) => m.physicalOffset === null)}].physicalOffset`])
  })
})

const mismatched = (r: E.Either<readonly CertificateProblem[], unknown>): string[] => (E.isLeft(r) ? r.left.flatMap((p) => (p._tag === 'CertificateMismatch' ? [p.what] : [])) : [])
const malformed = (r: E.Either<readonly CertificateProblem[], unknown>): string[] => (E.isLeft(r) ? r.left.flatMap((p) => (p._tag === 'CertificateMalformed' ? [p.path.join('.')] : [])) : [])

/**
 * A whole-VM certificate is verified whole (issue 11, item 12): decoded with a codec first, so
 * arrays made index-keyed objects, `{}` or garbage are typed problems, never accepted, never
 * thrown; then every field is compared.
 */
describe('whole-VM certificates are verified whole', () => {
  it('arrays replaced by index-keyed objects, {}, garbage and extra keys are malformed', async () => {
    const h = await host('host-good')
    const c = checkMigration(state, h).certificate!
    const indexKeyed = { ...c, functions: Object.fromEntries(c.functions.map((f, i) => [String(i), f])) }
    expect(malformed(verifyMigrationCertificate(indexKeyed, state, h))).toEqual(['functions'])
    const mapKeyed = { ...c, functions: c.functions.map((f) => ({ ...f, offsetMap: { ...f.offsetMap } })) }
    expect(malformed(verifyMigrationCertificate(mapKeyed, state, h))).toEqual(['functions.0.offsetMap', 'functions.1.offsetMap'])
    expect(malformed(verifyMigrationCertificate({}, state, h))).toEqual(['kind', 'version', 'vm', 'host', 'functions', 'pasid', 'assumptions'])
    expect(malformed(verifyMigrationCertificate({ ...c, checkedBy: 'me' }, state, h))).toEqual(['checkedBy'])
    for (const junk of [null, 7, 'garbage', [c], { ...c, kind: 'vpci/equivalence-certificate' }]) expect(malformed(verifyMigrationCertificate(junk, state, h)).length).toBeGreaterThan(0)
  })

  it('a changed digest, a dropped function, another VM or host name are each named', async () => {
    const h = await host('host-good')
    const c = checkMigration(state, h).certificate!
    expect(mismatched(verifyMigrationCertificate({ ...c, functions: [{ ...c.functions[0]!, stateDigest: '0'.repeat(64) }, c.functions[1]!] }, state, h))).toEqual(['functions[0].stateDigest'])
    expect(mismatched(verifyMigrationCertificate({ ...c, functions: c.functions.slice(0, 1) }, state, h))).toEqual(['functions', 'functions[1]'])
    expect(mismatched(verifyMigrationCertificate({ ...c, vm: 'vm-18', host: 'host-bad' }, state, h))).toEqual(['vm', 'host'])
    expect(mismatched(verifyMigrationCertificate({ ...c, assumptions: [] }, state, h))).toEqual(['assumptions', 'assumptions[0]'])
  })

  it('any JSON value is refused or verified, never thrown', async () => {
    const h = await host('host-good')
    const c = checkMigration(state, h).certificate!
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.constantFrom(...Object.keys(c)).chain((k) => fc.jsonValue().map((v) => ({ ...c, [k]: v })))), (given) => {
        const r = verifyMigrationCertificate(given, state, h)
        if (E.isRight(r)) expect(JSON.stringify(given)).toBe(JSON.stringify(c))
      }),
      { numRuns: 200 },
    )
  })
})

/**
 * A state is checked against itself (issue 11, item 2): the first golden state contradicts its
 * own PASID state, and every host refuses it for that, with no certificate.
 */
describe('a state that contradicts itself is refused by every host', () => {
  it('vm-17-schema-v1: 00:06.0 is a PASID function, but N1 shows the guest no PASID capability', async () => {
    const first = decoded('state/vm-17-schema-v1.pb')
    for (const name of HOSTS) {
      const v = checkMigration(first, await host(name))
      expect(v.compatible).toBe(false)
      expect(v.certificate).toBeNull()
      expect(v.reasons.map((r) => [r.code, r.capability, r.source])).toEqual([['STATE_PASID_CAPABILITY', 'Process Address Space ID', 16]])
      expect(v.reasons[0]!.message).toMatch(/^00:06\.0 \(functions\[1\]\): .*nic-v1/)
    }
    const filtered = filterHosts(first, await Promise.all(HOSTS.map(host)))
    expect(filtered.accepted).toEqual([])
    expect(filtered.rejected.map((r) => r.reasons.map((x) => x.code))).toEqual(HOSTS.map(() => ['STATE_PASID_CAPABILITY']))
  })
})

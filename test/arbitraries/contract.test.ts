/**
 * The contract every exported arbitrary keeps (src/arbitraries): the same seed gives the same
 * values; every value passes the library's decoder for its kind (or, for pairs, the judgement
 * it promises); shrinking (driven by fast-check on an always-failing property, recording every
 * candidate) only offers valid values and ends no larger than it started.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as arb from '../../src/arbitraries/index.js'
import { lookupCapability } from '../../src/capability/registry.js'
import { walkCapabilities } from '../../src/capability/walk.js'
import { readBinaryConfig } from '../../src/dump/read-dump.js'
import { build } from '../../src/layout/build.js'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { encodePasidState, decodePasidState, hostPasidFromData } from '../../src/pasid/pasid-files.js'
import { poolToRanges, rangesToPool, type PasidRanges } from '../../src/pasid/pasid-ranges.js'
import { validatePasidState } from '../../src/pasid/validate-state.js'
import { proveEquivalence } from '../../src/proof/prove-equivalence.js'
import { prepareFunction } from '../../src/semantic/prepared-function.js'
import { decodeMigrationState, encodeMigrationState } from '../../src/state/state-codec.js'
import { stateConsistency } from '../../src/state/state-consistency.js'
import { decodeHostFile } from '../../src/host/host-file.js'
import { encodeHostFile } from '../../src/host/host-file-encode.js'
import { decodeHostMessage, encodeHostMessage } from '../../src/state/host-codec.js'
import { hostJson } from '../support/host-json.js'

/** Why a value is not valid, or null. */
type Check<T> = (v: T) => string | null
const ok = (cond: boolean, why: string): string | null => (cond ? null : why)

const rangesOf = (r: PasidRanges): Array<[number, number]> => {
  const out: Array<[number, number]> = []
  // PASID 0 is implied; a range it was merged into starts at 1 in a file.
  for (let i = 0; i < r.ranges.length; i += 3) if (r.ranges[i + 1]! > Math.max(1, r.ranges[i]!)) out.push([Math.max(1, r.ranges[i]!), r.ranges[i + 1]!])
  return out
}

interface Contract<T> {
  readonly name: string
  readonly arbitrary: fc.Arbitrary<T>
  readonly valid: Check<T>
  readonly size: (v: T) => number
}
const contract = <T,>(name: string, arbitrary: fc.Arbitrary<T>, valid: Check<T>, size: (v: T) => number): Contract<unknown> => ({ name, arbitrary, valid, size }) as Contract<unknown>

const CONTRACTS: ReadonlyArray<Contract<unknown>> = [
  contract('configImage', arb.configImage(), (g) => {
    const d = readBinaryConfig(g.bytes, 'g')
    return E.isLeft(d) ? 'unreadable' : ok(walkCapabilities(d.right.config).problems.length === 0, 'walk problems')
  }, (g) => g.capabilities.length),
  contract(
    'capabilityChain',
    arb.capabilityChain(),
    (c) => ok(c.every((x) => x.offset % 4 === 0 && x.length > 0 && lookupCapability(x.offset < 0x100 ? 'standard' : 'extended', x.id) !== undefined), 'misaligned, empty, or not in the registry'),
    (c) => c.length,
  ),
  contract('physicalFunction', arb.physicalFunction(), (f) => ok(walkCapabilities(f.config).problems.length === 0, 'walk problems'), (f) => walkCapabilities(f.config).capabilities.length),
  contract('functionLayout', arb.functionLayout(), (l) => ok(E.isRight(build(l)), 'does not build'), (l) => l.capabilities.length),
  contract('layoutFile', arb.layoutFile(), (t) => ok(E.isRight(decodeLayout(t, 'generated.yaml')), 'does not decode'), (t) => t.length),
  contract('compatiblePair', arb.compatiblePair(), (p) => ok(proveEquivalence(prepareFunction(p.source), prepareFunction(p.destination)).compatible, `refused after ${p.change}`), (p) => walkCapabilities(p.source.config).capabilities.length),
  contract('incompatiblePair', arb.incompatiblePair(), (p) => {
    const v = proveEquivalence(prepareFunction(p.source), prepareFunction(p.destination))
    return ok(!v.compatible && v.reasons.some((r) => r.severity === 'error' && r.code === p.code), `${p.change}: expected ${p.code}, got ${v.reasons.map((r) => r.code).join(', ')}`)
  }, (p) => walkCapabilities(p.source.config).capabilities.length),
  ...[arb.pasidState(), arb.pasidState({ minWidth: 1, maxWidth: 4 })].map((a, k) =>
    contract(k === 0 ? 'pasidState' : 'pasidState (widths 1–4)', a, (s) => (validatePasidState(s).length > 0 ? 'invalid' : ok(E.isRight(decodePasidState(encodePasidState(s))), 'file does not decode')), (s) => s.functions.length + (s.mode === 'global-split' ? s.locals.length : s.bindings.length)),
  ),
  contract('pasidPool', arb.pasidPool(), (r) => ok(JSON.stringify(poolToRanges(rangesToPool(r))) === JSON.stringify(r), 'not canonical'), (r) => r.ranges.length),
  ...[arb.hostPasid(), arb.hostPasid({ width: 8, maxWidth: 8, functionPools: true })].map((a, k) =>
    contract(k === 0 ? 'hostPasid' : 'hostPasid (occupied function pools)', a, (h) => {
      const data = { iommuWidth: h.iommuWidth, cpuTranslation: h.cpuTranslation, split: h.split, globalAllocated: rangesOf(h.global), functions: h.functions.map((f) => ({ id: f.id, capabilityWidth: f.capabilityWidth, execute: f.execute, privileged: f.privileged, pasidEnabled: f.pasidEnabled, vf: f.isVf, allocated: rangesOf(f.pool) })) }
      const back = hostPasidFromData(data)
      return E.isLeft(back) ? 'host file section does not decode' : ok(JSON.stringify(back.right) === JSON.stringify(h), 'does not read back as generated')
    }, (h) => h.global.ranges.length + h.functions.reduce((n, f) => n + f.pool.ranges.length, 0)),
  ),
  contract('host', arb.host(), (h) => ok(h.functions.some((f) => f.free) && h.functions.every((f, k) => h.pasid?.functions[k]?.id === f.address && f.function.walk.problems.length === 0), 'no free function, or PASID ids off'), (h) => h.functions.length),
  contract('migrationState', arb.migrationState({ maxFunctions: 2 }), (s) => {
    const back = decodeMigrationState(encodeMigrationState(s))
    if (E.isLeft(back)) return `does not decode: ${back.left[0]!.message}`
    const invalid = s.pasid === null ? [] : validatePasidState(s.pasid)
    if (invalid.length > 0) return `PASID state invalid: ${invalid[0]!.message}`
    const contradictions = stateConsistency(s).reasons
    return contradictions.length > 0 ? `contradicts itself: ${contradictions[0]!.message}` : null
  }, (s) => s.functions.length * 100 + (s.pasid === null ? 0 : s.pasid.functions.length)),
  contract('hostSpec', arb.hostSpec({ maxFunctions: 3 }), (h) => {
    const message = decodeHostMessage(encodeHostMessage(h))
    if (E.isLeft(message)) return `the message does not decode: ${message.left[0]!.message}`
    const file = decodeHostFile(encodeHostFile(h))
    if (E.isLeft(file)) return `the host file does not decode: ${file.left[0]!.message}`
    return ok(JSON.stringify(hostJson(message.right)) === JSON.stringify(hostJson(h)) && JSON.stringify(hostJson(file.right)) === JSON.stringify(hostJson(h)), 'does not read back as generated')
  }, (h) => h.functions.length),
]

describe.each(CONTRACTS.map((c) => [c.name, c] as const))('%s', (_, c) => {
  it('the same seed gives the same values', () => {
    expect(fc.sample(c.arbitrary, { seed: 1234, numRuns: 4 })).toEqual(fc.sample(c.arbitrary, { seed: 1234, numRuns: 4 }))
  })
  it('every value passes its decoder', () => {
    fc.assert(
      fc.property(c.arbitrary, (v) => {
        expect(c.valid(v)).toBeNull()
      }),
      { numRuns: 40, seed: 99 },
    )
  })
  it('shrinks are valid and end no larger than they start', () => {
    const seen: unknown[] = []
    const result = fc.check(
      fc.property(c.arbitrary, (v) => {
        seen.push(v)
        return false
      }),
      { numRuns: 1, seed: 7, interruptAfterTimeLimit: 5000, markInterruptAsFailure: false },
    )
    expect(result.failed).toBe(true)
    for (const v of seen.slice(0, 200)) expect(c.valid(v)).toBeNull()
    expect(c.size(result.counterexample![0])).toBeLessThanOrEqual(c.size(seen[0]))
  })
})

describe('the vpci-migrate/arbitraries subpath (built by npm test before the suite runs)', () => {
  it('resolves to a module of the same arbitraries, and the main entry does not load fast-check', async () => {
    const { readFileSync } = await import('node:fs')
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    const entry = new URL(`../../${pkg.exports['./arbitraries'].import.default}`, import.meta.url)
    const built = (await import(entry.href)) as typeof arb
    expect(Object.keys(built).sort()).toEqual(Object.keys(arb).sort())
    const [state] = fc.sample(built.pasidState({ mode: 'global-split' }), { seed: 5, numRuns: 1 })
    expect(state!.mode).toBe('global-split')
    expect(pkg.peerDependenciesMeta['fast-check'].optional).toBe(true)
    expect(readFileSync(new URL(`../../${pkg.exports['.'].import.default}`, import.meta.url), 'utf8')).not.toContain('fast-check')
  })
})

/**
 * Filtering a generated fleet for vm-17 against a brute-force oracle that shares nothing with
 * the filter: for each host, every one-to-one assignment of the VM's functions to free host
 * functions, each pair realized and translated from scratch (models prepared afresh, no class
 * cache), the PASIDs planned on bitmap pools (`remapPasids`). The host is accepted exactly when
 * some assignment passes all three.
 */
import { readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { build } from '../../src/layout/build.js'
import { realize } from '../../src/layout/realize.js'
import { translate } from '../../src/layout/translate.js'
import { checkHost } from '../../src/migrate/check-migration.js'
import { filterHosts } from '../../src/migrate/filter-hosts.js'
import type { Host } from '../../src/migrate/host.js'
import { withBitmapPools } from '../../src/pasid/host-pasid.js'
import { remapPasids } from '../../src/pasid/remap.js'
import { prepareFunction } from '../../src/semantic/prepared-function.js'
import { decodeMigrationState } from '../../src/state/state-codec.js'
import { deviceModels, fleet } from '../support/fleet.js'
import { corpusPath } from '../support/repo-corpus.js'

const state = (() => {
  const s = decodeMigrationState(new Uint8Array(readFileSync(corpusPath('state/vm-17-n2-schema-v1.pb'))))
  if (E.isLeft(s)) throw new Error(JSON.stringify(s.left))
  return s.right
})()

/** Every assignment tried from scratch: does any pass? */
const oracle = (host: Host): boolean => {
  const virtual = state.functions.map((f) => {
    const b = build(f.layout)
    if (E.isLeft(b)) throw new Error('vm-17 layouts build')
    return prepareFunction(b.right)
  })
  // Fresh preparations: nothing shared with the filter's device classes.
  const fresh = host.functions.map((c) => prepareFunction({ file: c.function.name, device: null, description: null, config: c.function.config, resources: null }))
  const fits = (i: number, k: number): boolean => {
    const c = host.functions[k]!
    if (!c.free) return false
    const r = realize(state.functions[i]!.layout, fresh[k]!, c.persona === null ? {} : { destinationPersona: c.persona })
    if (E.isLeft(r) || r.right.offsetMap === null || r.right.reasons.some((x) => x.severity === 'error')) return false
    return E.isRight(translate(state.functions[i]!.configImage, virtual[i]!, r.right.offsetMap, fresh[k]!))
  }
  const options = state.functions.map((_, i) => host.functions.map((_, k) => k).filter((k) => fits(i, k)))
  const pick = (i: number, used: number[]): boolean => {
    if (i === state.functions.length) {
      const plan = remapPasids(state.pasid!, withBitmapPools(host.pasid!), { assignment: new Map(used.map((k, j) => [state.functions[j]!.guestAddress, host.functions[k]!.address])) })
      return E.isRight(plan) && plan.right.compatible
    }
    return options[i]!.some((k) => !used.includes(k) && pick(i + 1, [...used, k]))
  }
  return pick(0, [])
}

describe('filterHosts on a generated fleet', () => {
  const models = deviceModels()
  const hosts = fleet({ hosts: 4000, seed: 7, models })

  it('accepts exactly the hosts the brute-force oracle accepts (400 hosts, both outcomes)', () => {
    const sample = hosts.slice(0, 400)
    const result = filterHosts(state, sample)
    const accepted = new Set(result.accepted.map((a) => a.host))
    const expected = sample.filter(oracle)
    expect(expected.length).toBeGreaterThan(20)
    expect(sample.length - expected.length).toBeGreaterThan(20)
    expect([...accepted].map((h) => h.name)).toEqual(expected.map((h) => h.name))
    expect(result.accepted.length + result.rejectedCount).toBe(sample.length)
  })

  it('judges each device class once however many hosts carry it', () => {
    const result = filterHosts(state, hosts)
    // The fleet draws from 20 models with their personas; no PFs: at most 20 classes.
    expect(result.plan.classesJudged()).toBeLessThanOrEqual(models.length)
    expect(result.plan.classesJudged()).toBeGreaterThan(15)
  })

  it('an async iterable gives the same answer as the array', async () => {
    const sample = hosts.slice(0, 500)
    async function* stream() {
      for (const h of sample) yield h
    }
    const fromArray = filterHosts(state, sample)
    const fromStream = await filterHosts(state, stream())
    expect(fromStream.accepted.map((a) => a.host.name)).toEqual(fromArray.accepted.map((a) => a.host.name))
    expect(fromStream.rejected.map((r) => r.reasons.map((x) => x.code))).toEqual(fromArray.rejected.map((r) => r.reasons.map((x) => x.code)))
  })

  it('accepted hosts carry their assignment; the exact PASID plan is made for the chosen one', () => {
    const result = filterHosts(state, hosts.slice(0, 400))
    const chosen = result.accepted[0]!
    expect(chosen.assignment.map((a) => a.guestAddress)).toEqual(['00:05.0', '00:06.0'])
    const exact = checkHost(result.plan, chosen.host)
    expect(exact.compatible).toBe(true)
    expect(exact.assignment).toEqual(chosen.assignment)
    // vm-17 has three locals, each given a fresh global at or above the host's split.
    expect(exact.pasidPlan!.map.map((m) => m.local)).toEqual([3, 5, 9])
    expect(exact.pasidPlan!.map.every((m) => m.global >= chosen.host.pasid!.split!)).toBe(true)
  })

  it('rejected hosts give reasons written from the rules', () => {
    const result = filterHosts(state, hosts)
    const firstCodes = new Set(result.rejected.map((r) => r.reasons[0]!.code))
    // Hosts missing a model that can take a function; hosts without CPU translation (1 in 50),
    // with split 32 (1 in 50), with a nearly full global pool (1 in 30).
    expect([...firstCodes].sort()).toEqual(['NO_CANDIDATE', 'PASID_NO_TRANSLATION', 'PASID_POOL_EXHAUSTED', 'PASID_SPLIT'])
    const noTranslation = result.rejected.find((r) => r.reasons[0]!.code === 'PASID_NO_TRANSLATION')!
    expect(noTranslation.host.pasid!.cpuTranslation).toBe(false)
    const split = result.rejected.find((r) => r.reasons[0]!.code === 'PASID_SPLIT')!
    expect(split.host.pasid!.split).toBe(32)
  })

  it('reports progress', () => {
    const seen: number[] = []
    filterHosts(state, hosts.slice(0, 1000), { onProgress: (n) => seen.push(n), progressEvery: 300 })
    expect(seen).toEqual([300, 600, 900, 1000])
    const even: number[] = []
    filterHosts(state, hosts.slice(0, 600), { onProgress: (n) => even.push(n), progressEvery: 300 })
    expect(even).toEqual([300, 600])
  })
})

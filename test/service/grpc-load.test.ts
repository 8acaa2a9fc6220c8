/**
 * Load: the server's inventory holds 10,000 generated hosts, and 200 FilterHosts calls of one VM
 * are sent at once: most over the whole inventory by names only (as a scheduler's filter asks),
 * one in 20 over 500 hosts named in the request with assignments, warnings and reasons. Every
 * call is answered OK (none lost), and every answer is the library's `filterHosts` on the same
 * hosts: the accepted in order (with assignments and warnings when asked), the rejected in order
 * (with reasons when asked).
 * (Latency and throughput are the bench's: bench/README.md.)
 */
import * as grpc from '@grpc/grpc-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { filterHosts } from '../../src/migrate/filter-hosts.js'
import { decodeMigrationState } from '../../src/state/state-codec.js'
import * as E from 'fp-ts/lib/Either.js'
import { readCorpusBytes } from '../support/repo-corpus.js'
import { filterRequest, type Load, startLoad } from '../support/service-load.js'

const HOSTS = 10_000
const CALLS = 200
const stateBytes = readCorpusBytes('state/vm-17-n2-schema-v1.pb')

let load: Load
beforeAll(async () => {
  load = await startLoad(HOSTS)
}, 60_000)
afterAll(async () => load.stop())

describe('FilterHosts under load', () => {
  it(`${CALLS} concurrent calls over ${HOSTS} hosts: all answered, each equal to filterHosts`, async () => {
    const state = decodeMigrationState(stateBytes)
    if (E.isLeft(state)) throw new Error('state')
    const expected = filterHosts(state.right, load.hosts)
    expect(expected.accepted.length).toBeGreaterThan(0)
    expect(expected.rejectedCount).toBeGreaterThan(0)
    const assignment = (list: ReadonlyArray<{ guestAddress?: string | null; hostAddress?: string | null }>) => list.map((x) => `${x.guestAddress}>${x.hostAddress}`).join(',')
    const named = load.hosts.filter((_, i) => i % 20 === 0)
    const subset = filterHosts(state.right, named)
    const requests = Array.from({ length: CALLS }, (_, i) => ((i + 1) % 20 === 0 ? filterRequest(stateBytes, { hostNames: named.map((h) => h.name) }) : filterRequest(stateBytes, { namesOnly: true })))
    const { answers } = await load.burst(requests)
    expect(answers.length).toBe(CALLS)
    const wantDetail = {
      accepted: subset.accepted.map((a) => [a.host.name, assignment(a.assignment), a.warnings.map((w) => w.message)]),
      rejected: subset.rejected.map((r) => [r.host.name, r.reasons.slice(0, 100).map((x) => x.message)]),
    }
    expect(wantDetail.accepted.length).toBeGreaterThan(0)
    answers.forEach((a, i) => {
      expect(a.code, a.details).toBe(grpc.status.OK)
      const r = a.response!
      if ((i + 1) % 20 !== 0) {
        expect(r.acceptedNames).toEqual(expected.accepted.map((x) => x.host.name))
        expect(r.rejectedNames).toEqual(expected.rejected.map((x) => x.host.name))
        return
      }
      expect(r.accepted.map((x) => [x.host, assignment(x.assignment ?? []), (x.warnings ?? []).map((w) => w.message)])).toEqual(wantDetail.accepted)
      expect(r.rejected.map((x) => [x.host, (x.reasons ?? []).map((y) => y.message)])).toEqual(wantDetail.rejected)
    })
    const logged = load.running.logs.map((l) => JSON.parse(l)).filter((l) => l.method.endsWith('/FilterHosts'))
    expect(logged.length).toBe(CALLS)
    expect(new Set(logged.map((l) => l.verdict))).toEqual(new Set([`${expected.accepted.length}/${HOSTS} accepted`, `${subset.accepted.length}/${named.length} accepted`]))
  }, 120_000)
})

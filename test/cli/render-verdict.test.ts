/**
 * Rendering is linear and bounded: 10^5 reasons render as the first 100 and a count line (all
 * of them with --all), in text and JSON, touching each reason a bounded number of times
 * (counted through proxies, never timed; the test timeout guards against the quadratic grouping
 * that took minutes).
 */
import { describe, expect, it } from 'vitest'
import { verdictJson, verdictText } from '../../src/cli/render-verdict.js'
import { REASON_LIMIT } from '../../src/proof/reason-limit.js'
import { type Reason, wholeReason } from '../../src/proof/reason.js'
import type { Verdict } from '../../src/proof/prove-equivalence.js'

const N = 100_000
const GUARD = 20_000

/** `n` reasons, each a proxy counting the properties read from it, in an array proxy counting index reads. */
const countedReasons = (n: number): { reasons: Reason[]; reads: () => number } => {
  let reads = 0
  const handler: ProxyHandler<object> = {
    get(target, key, receiver) {
      reads++
      return Reflect.get(target, key, receiver)
    },
  }
  const plain = Array.from({ length: n }, (_, i) => wholeReason('PASID_NO_FUNCTION', `PASID state, pasid.bindings[${i}].function: no function "" in the state`))
  const reasons = new Proxy(plain.map((r) => new Proxy(r, handler) as Reason), handler) as Reason[]
  return { reasons, reads: () => reads }
}

const verdict = (reasons: readonly Reason[]): Verdict => ({ compatible: false, reasons, certificate: null })

describe(`rendering ${N} reasons`, () => {
  it('text: the verdict line, one group, the first 100 and a count line; each reason touched a bounded number of times', { timeout: GUARD }, () => {
    const { reasons, reads } = countedReasons(N)
    const lines = verdictText(verdict(reasons), 'a', 'b', REASON_LIMIT).trimEnd().split('\n')
    expect(lines).toHaveLength(1 + 1 + REASON_LIMIT + 1)
    expect(lines[0]).toBe(`INCOMPATIBLE: a → b (${N} errors, 0 warnings)`)
    expect(lines.at(-2)).toBe(`    error PASID_NO_FUNCTION: PASID state, pasid.bindings[${REASON_LIMIT - 1}].function: no function "" in the state`)
    expect(lines.at(-1)).toBe(`  … and ${N - REASON_LIMIT} more reasons (--all lists them)`)
    // Counting errors reads each reason's severity once; only the shown ones are read further.
    expect(reads()).toBeLessThan(4 * N + 40 * REASON_LIMIT)
  })

  it('text with --all: every reason, in linear work', { timeout: GUARD }, () => {
    const { reasons, reads } = countedReasons(N)
    const lines = verdictText(verdict(reasons), 'a', 'b', null).trimEnd().split('\n')
    expect(lines).toHaveLength(1 + 1 + N)
    expect(lines.at(-1)).toContain(`pasid.bindings[${N - 1}]`)
    expect(reads()).toBeLessThan(40 * N)
  })

  it('JSON: the first 100 and omittedReasons; all of them with --all', { timeout: GUARD }, () => {
    const capped = countedReasons(N)
    const json = verdictJson(verdict(capped.reasons), REASON_LIMIT) as { reasons: unknown[]; omittedReasons: number }
    expect([json.reasons.length, json.omittedReasons]).toEqual([REASON_LIMIT, N - REASON_LIMIT])
    expect(capped.reads()).toBeLessThan(40 * REASON_LIMIT + 4 * N)
    const all = countedReasons(N)
    const full = verdictJson(verdict(all.reasons), null) as { reasons: unknown[]; omittedReasons: number }
    expect([full.reasons.length, full.omittedReasons]).toEqual([N, 0])
    expect(all.reads()).toBeLessThan(40 * N)
  })
})


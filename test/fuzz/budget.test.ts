/**
 * The fuzzer's fixed-seed budget in `npm test`: 20,000 inputs across every target in
 * `fuzz/targets.ts`, an even share each, fewer for the few that cost tens of milliseconds an
 * input (`Target.budget`: servers, processes, brute force); none may throw, take over its time
 * limit or grow memory past its bound. Reproducers are not written from here (the full run
 * writes them; see test/FUZZING.md).
 */
import { describe, expect, it } from 'vitest'
import { fuzz } from '../../fuzz/fuzz.js'
import { TARGETS } from '../../fuzz/targets.js'

const BUDGET = 20_000

/** Targets with a budget of their own get it; the rest share what is left evenly. */
const fixed = TARGETS.filter((t) => t.budget !== undefined)
const share = Math.ceil((BUDGET - fixed.reduce((n, t) => n + t.budget!, 0)) / (TARGETS.length - fixed.length))
const runsOf = (name: string): number => TARGETS.find((t) => t.name === name)!.budget ?? share

describe(`fuzz budget: ${BUDGET} inputs, seed 7`, () => {
  it.each(TARGETS.map((t) => t.name))('%s', async (name) => {
    const summary = await fuzz({ runs: runsOf(name), seed: 7, target: name, save: false })
    expect(summary.failures.map((f) => `${f.kind}: ${f.message}`)).toEqual([])
  }, 300_000)
})

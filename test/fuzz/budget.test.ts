/**
 * The fuzzer's fixed-seed budget in `npm test`: 20,000 inputs across every target (lspci text,
 * binary, sysfs, layout YAML, host YAML, PASID JSON, protobuf, state JSON, CLI argv, the CLI on
 * real paths), none may throw, take over its time limit or grow memory past its bound.
 * Reproducers are not written from here (the full run writes them; see test/FUZZING.md).
 */
import { describe, expect, it } from 'vitest'
import { fuzz } from '../../fuzz/fuzz.js'
import { TARGETS } from '../../fuzz/targets.js'

const BUDGET = 20_000

describe(`fuzz budget: ${BUDGET} inputs, seed 7`, () => {
  it.each(TARGETS.map((t) => t.name))('%s', async (name) => {
    const summary = await fuzz({ runs: Math.ceil(BUDGET / TARGETS.length), seed: 7, target: name, save: false })
    expect(summary.failures.map((f) => `${f.kind}: ${f.message}`)).toEqual([])
  }, 300_000)
})

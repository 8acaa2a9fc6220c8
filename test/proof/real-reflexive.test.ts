/**
 * Every real dump is equivalent to itself: no error, only the warning that a dump carries no
 * BAR sizes. Exercises every field table the corpus reaches, on real register contents.
 */
import { describe, expect, it } from 'vitest'
import { proveEquivalence } from '../../src/proof/prove-equivalence.js'
import { preparedReal } from '../support/prepared.js'
import { realDumpNames, sharedCorpusPresent } from '../support/shared-corpus.js'

describe.skipIf(!sharedCorpusPresent)('real dumps are equivalent to themselves', () => {
  it.each(realDumpNames())('%s', (name) => {
    const f = preparedReal(name)
    const v = proveEquivalence(f, preparedReal(name))
    const expected = f.config.size === 64 ? ['IMAGE_INCOMPLETE', 'IMAGE_INCOMPLETE'] : ['BAR_SIZE_UNKNOWN']
    expect(v.reasons.map((r) => r.code)).toEqual(expected)
    expect(v.certificate!.obligations.every((o) => o.result === 'held' || o.result === 'assumed')).toBe(true)
  })
})

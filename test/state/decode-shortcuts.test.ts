/**
 * Two shortcuts of the state codec. The layout spans it keys checked layouts by: for every assigned function, exactly
 * the bytes of its layout, as an encoder writes them alone (a state of that one function); and
 * for any bytes at all, an answer within the bytes or null, never a throw. A state decoded with
 * its layouts found by these bytes equals the same state decoded cold. And the PASID state read
 * straight from the wire is the one the PASID state file decoder gives, key for key.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { migrationState } from '../../src/arbitraries/index.js'
import { encodePasidState, pasidStateFromData } from '../../src/pasid/pasid-files.js'
import type { Pasid } from '../../src/pasid/pasid.js'
import { layoutSpans } from '../../src/state/layout-spans.js'
import { clearLayoutCache, decodeMigrationState, encodeMigrationState } from '../../src/state/state-codec.js'
import { corpusPath } from '../support/repo-corpus.js'

const decoded = (bytes: Uint8Array) => {
  const s = decodeMigrationState(bytes)
  if (E.isLeft(s)) throw new Error(JSON.stringify(s.left))
  return s.right
}
const golden = ['state/vm-17-schema-v1.pb', 'state/vm-17-n2-schema-v1.pb'].map((n) => new Uint8Array(readFileSync(corpusPath(n))))

describe('layoutSpans', () => {
  it("gives each function's layout bytes, as the encoder writes that layout alone", () => {
    for (const bytes of golden) {
      const state = decoded(bytes)
      // Four functions of two layouts, in another order.
      const big = encodeMigrationState({ ...state, pasid: null, functions: [state.functions[1]!, state.functions[0]!, { ...state.functions[1]!, guestAddress: '00:07.0' }, { ...state.functions[0]!, guestAddress: '00:08.0' }] })
      const spans = layoutSpans(big)!
      expect(spans).toHaveLength(4)
      const bigState = decoded(big)
      bigState.functions.forEach((f, i) => {
        const alone = encodeMigrationState({ ...bigState, pasid: null, functions: [f] })
        const [s] = layoutSpans(alone)!
        const [a, b] = spans[i]!
        expect(Buffer.from(big.subarray(a, b)).equals(Buffer.from(alone.subarray(s![0], s![1])))).toBe(true)
      })
    }
  })

  it('never throws, and answers within the bytes or null, for any bytes', () => {
    const mutated = fc.tuple(fc.constantFrom(...golden), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat()).map(([g, flips, cut]) => {
      const b = g.slice(0, Math.max(1, g.length - (cut % 64)))
      for (const [at, v] of flips) b[at % b.length] = v
      return b
    })
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated), (bytes) => {
        const spans = layoutSpans(bytes)
        for (const s of spans ?? []) if (s !== null) expect(0 <= s[0] && s[0] <= s[1] && s[1] <= bytes.length).toBe(true)
        // Whatever the spans, the codec's answer is the cold one.
        const warm = decodeMigrationState(bytes)
        clearLayoutCache()
        expect(decodeMigrationState(bytes)).toEqual(warm)
      }),
      { numRuns: 300 },
    )
  })

  it('a group, a length past the end, or a function with two layouts: null for the state or for the function', () => {
    expect(layoutSpans(Uint8Array.of(0x1b, 0x00))).toBeNull() // field 3, wire type 3 (group)
    expect(layoutSpans(Uint8Array.of(0x1a, 0x05, 0x00))).toBeNull() // field 3, length 5 of 1
    // One function whose layout field comes twice: no span for it.
    expect(layoutSpans(Uint8Array.of(0x1a, 0x04, 0x1a, 0x00, 0x1a, 0x00))).toEqual([null])
    expect(layoutSpans(Uint8Array.of(0x1a, 0x02, 0x1a, 0x00))).toEqual([[4, 4]])
  })
})

describe('the PASID state read straight from the wire', () => {
  it('is the PASID state file decoder’s, key for key, for generated states of every mode; a bad one gets that decoder’s errors', () => {
    fc.assert(
      fc.property(migrationState(), (state) => {
        const back = decodeMigrationState(encodeMigrationState(state))
        if (E.isLeft(back) || state.pasid === null) return
        const viaFile = pasidStateFromData(JSON.parse(encodePasidState(state.pasid)))
        expect(E.isRight(viaFile)).toBe(true)
        if (E.isRight(viaFile)) expect(JSON.stringify(back.right.pasid)).toBe(JSON.stringify(viaFile.right))
      }),
      { numRuns: 60 },
    )
    // A binding past the width the guest was shown, and a repeated one: the file decoder's errors, under pasid.
    const state = decoded(golden[1]!)
    const bad = { ...state, pasid: { mode: 'delegated' as const, functions: state.pasid!.functions, bindings: [{ function: state.pasid!.functions[1]!.id, pasid: (1 << 17) as Pasid }, { function: '00:05.0', pasid: 3 as Pasid }, { function: '00:05.0', pasid: 3 as Pasid }] } }
    const got = decodeMigrationState(encodeMigrationState(bad))
    expect(E.isLeft(got) ? got.left.map((e) => e.path.join('.')) : []).toEqual(['pasid.bindings.0.pasid', 'pasid.bindings.2'])
  })
})

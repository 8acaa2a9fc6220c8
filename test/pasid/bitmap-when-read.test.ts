/**
 * A host's PASID side becomes bitmap pools to plan on, and a function's bitmap (2^width bits:
 * 128 KiB at 20 bits) is made only when a plan reads that function's pool. The fuzzer's
 * `scaled` target found a host file of 10^5 PASID functions costing 13 GB (and 92 s on the
 * development VM) before `vpci remap` planned anything: every function's bitmap was made up front.
 * Counted in bytes of array buffers, not timed.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeHostPasid, decodePasidState } from '../../src/pasid/pasid-files.js'
import { remapPasids } from '../../src/pasid/remap.js'
import { readCorpusText } from '../support/repo-corpus.js'

const FUNCTIONS = 2_000
const BITMAP_BYTES = (1 << 20) / 8

const hostText = (): string => {
  const lines = ['apiVersion: vpci/v1', 'kind: Host', 'metadata:', '  name: many-vfs', 'pasid:', '  iommuWidth: 20', '  cpuTranslation: true', '  split: 64', '  globalAllocated: []', '  functions:']
  for (let i = 0; i < FUNCTIONS; i++) {
    const id = `0000:${(0x20 + (i >> 8)).toString(16)}:${((i >> 3) & 31).toString(16).padStart(2, '0')}.${i & 7}`
    lines.push(`    - { id: "${id}", capabilityWidth: 20, execute: true, privileged: true, pasidEnabled: true, vf: false, allocated: [[1, 3]] }`)
  }
  return `${lines.join('\n')}\n`
}

describe('bitmap pools are made for the functions a plan reads', () => {
  it(`a host of ${FUNCTIONS} PASID functions: decoded and planned for a VM of two, in a few bitmaps' memory`, () => {
    const text = hostText()
    const state = decodePasidState(readCorpusText('pasid/vm-enqcmd.json'))
    if (E.isLeft(state)) throw new Error('corpus/pasid/vm-enqcmd.json must decode')
    const before = process.memoryUsage().arrayBuffers
    const host = decodeHostPasid(text)
    if (E.isLeft(host)) throw new Error(`the host must decode: ${JSON.stringify(host.left[0])}`)
    const ids = host.right.functions.map((f) => f.id)
    const plan = remapPasids(state.right, host.right, { assignment: new Map([['00:05.0', ids[7]!], ['00:06.0', ids[1500]!]]) })
    const grown = process.memoryUsage().arrayBuffers - before
    expect(E.isRight(plan) && plan.right.compatible).toBe(true)
    expect(host.right.functions).toHaveLength(FUNCTIONS)
    // The global pool and the two functions' pools, and room besides; every function's would be 250 MiB.
    expect(grown).toBeLessThan(16 * BITMAP_BYTES)
    // A function's pool still reads as its ranges say: PASIDs 1 and 2 allocated, 3 free.
    const pool = host.right.functions[42]!.pool
    expect([1, 2, 3].map((p) => (pool.bits[p >>> 3]! >> (p & 7)) & 1)).toEqual([1, 1, 0])
  })
})

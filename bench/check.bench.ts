/**
 * Equivalence of two 4 KiB functions. Targets: on prepared functions, at most 3× a
 * `Buffer.compare` of the same two images (measured in the same run); the full path (read both
 * dumps, walk, prepare, prove with reasons and certificate) under 50 µs. Preparation shares
 * per-model work through the layout skeleton cache; the cold row empties it every time. Each bench call
 * handles BATCH pairs, so per-pair figures are (1 / hz) / BATCH. Figures: bench/README.md.
 */
import { Buffer } from 'node:buffer'
import { readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { bench, describe } from 'vitest'
import { readDump } from '../src/dump/read-dump.js'
import { decideEquivalence, proveEquivalence } from '../src/proof/prove-equivalence.js'
import { clearSkeletonCache } from '../src/semantic/layout-skeleton.js'
import { prepareFunction } from '../src/semantic/prepared-function.js'

const BATCH = 100

/** The accelerator on host A, and the same with migrated state changed (MSI-X and PASID enables). */
const source = new Uint8Array(readFileSync(new URL('../corpus/sysfs/0000:5a:00.0/config', import.meta.url)))
const destination = source.slice()
destination[0x83]! ^= 0x80
destination[0x156]! ^= 0x07
const text = new Uint8Array(readFileSync(new URL('../corpus/functions/pasid-ats-pri-endpoint.lspci', import.meta.url)))

const prepare = (bytes: Uint8Array) => {
  const dump = readDump(bytes, 'bench')
  if (E.isLeft(dump)) throw new Error('fixture did not read')
  return prepareFunction(dump.right)
}
const a = prepare(source)
const b = prepare(destination)
const rawA = Buffer.from(source)
const rawB = Buffer.from(destination)
if (!decideEquivalence(a, b)) throw new Error('bench pair must be equivalent')

let sink = 0

describe(`equivalence of two prepared 4 KiB functions, ${BATCH} per call`, () => {
  bench('baseline: Buffer.compare of the two images', () => {
    for (let i = 0; i < BATCH; i++) sink += Buffer.compare(rawA, rawB)
  })
  bench('decideEquivalence (prepared)', () => {
    for (let i = 0; i < BATCH; i++) sink += decideEquivalence(a, b) ? 1 : 0
  })
  bench('proveEquivalence (prepared: reasons + certificate)', () => {
    for (let i = 0; i < BATCH; i++) sink += proveEquivalence(a, b).reasons.length
  })
})

describe(`full path: read both dumps, walk, prepare, prove, ${BATCH} per call`, () => {
  bench('binary configs', () => {
    for (let i = 0; i < BATCH; i++) sink += proveEquivalence(prepare(source), prepare(destination)).reasons.length
  })
  bench('binary configs, skeleton cache emptied each time (a model seen for the first time)', () => {
    for (let i = 0; i < BATCH; i++) {
      clearSkeletonCache()
      sink += proveEquivalence(prepare(source), prepare(destination)).reasons.length
    }
  })
  bench('lspci text dumps', () => {
    for (let i = 0; i < 10; i++) sink += proveEquivalence(prepare(text), prepare(text)).reasons.length
  })
})

export { sink }

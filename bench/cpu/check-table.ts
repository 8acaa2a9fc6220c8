/**
 * The full path (issue 15, item 5), CPU time per pair: read both 4 KiB sysfs configs, walk,
 * prepare (a known model: its skeleton cached), prove with every reason and the certificate.
 * Target: at most 20 µs mean. Baselines in the same run: `Buffer.compare` of the two images
 * with a SHA-256 of one (the floor), and the same with a SHA-256 of each (the full path
 * must digest both: the certificate names both).
 */
import { Buffer } from 'node:buffer'
import { createHash } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import { readDump } from '../../src/dump/read-dump.js'
import { proveEquivalence } from '../../src/proof/prove-equivalence.js'
import { prepareFunction } from '../../src/semantic/prepared-function.js'
import { interleave, table } from './interleave.js'
import { configPair } from './scenarios.js'

const BATCH = 200

export const checkTable = (): void => {
  const [a, b] = configPair()
  const prepare = (bytes: Uint8Array) => {
    const d = readDump(bytes, 'bench')
    if (E.isLeft(d)) throw new Error('fixture did not read')
    return prepareFunction(d.right)
  }
  const pa = prepare(a)
  const pb = prepare(b)
  const per = (f: () => number) => () => {
    let s = 0
    for (let i = 0; i < BATCH; i++) s += f()
    return s
  }
  const figures = interleave(
    [
      { name: 'baseline: Buffer.compare + SHA-256 of one image', run: per(() => Buffer.compare(a, b) + createHash('sha256').update(a).digest()[0]!) },
      { name: 'baseline: Buffer.compare + SHA-256 of each image', run: per(() => Buffer.compare(a, b) + createHash('sha256').update(a).digest()[0]! + createHash('sha256').update(b).digest()[0]!) },
      { name: 'proveEquivalence of the pair prepared', run: per(() => proveEquivalence(pa, pb).reasons.length) },
      { name: 'full path: read, walk, prepare, prove', run: per(() => proveEquivalence(prepare(a), prepare(b)).reasons.length) },
    ],
    31,
  )
  table(
    `the full path for a 4 KiB pair of a known model (per pair; ${BATCH} pairs a call)`,
    figures.map((f) => ({ ...f, median: f.median / BATCH, min: f.min / BATCH, mean: f.mean / BATCH })),
  )
}

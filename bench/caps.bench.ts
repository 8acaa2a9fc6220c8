/**
 * Read + walk of a 4 KiB function. Target: at least 200,000 per second on one core for a
 * binary config (what sysfs gives). The lspci text path and the bare walk are shown beside it,
 * with a 4 KiB copy as the in-run baseline. Each bench call handles BATCH functions so the
 * harness's own per-call cost is spread alike over every row: functions per second = hz × BATCH.
 * Figures: bench/README.md.
 */
import { readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { bench, describe } from 'vitest'
import { walkCapabilities } from '../src/capability/walk.js'
import { readDump } from '../src/dump/read-dump.js'

const BATCH = 100
const text = new Uint8Array(readFileSync(new URL('../corpus/functions/pasid-ats-pri-endpoint.lspci', import.meta.url)))
const binary = new Uint8Array(readFileSync(new URL('../corpus/sysfs/0000:5a:00.0/config', import.meta.url)))
const prepared = readDump(binary, 'config')
if (E.isLeft(prepared)) throw new Error('fixture did not read')
const space = prepared.right.config

let sink = 0

describe(`read + walk, 4 KiB accelerator (7 capabilities), ${BATCH} per call`, () => {
  bench('baseline: copy 4 KiB (Uint8Array.slice)', () => {
    for (let i = 0; i < BATCH; i++) sink += binary.slice()[0]!
  })
  bench('walk a prepared image', () => {
    for (let i = 0; i < BATCH; i++) sink += walkCapabilities(space).capabilities.length
  })
  bench('read binary config + walk', () => {
    for (let i = 0; i < BATCH; i++) {
      const dump = readDump(binary, 'config')
      if (E.isRight(dump)) sink += walkCapabilities(dump.right.config).capabilities.length
    }
  })
  bench('read lspci -xxxx text + walk', () => {
    const dump = readDump(text, 'dump.lspci')
    if (E.isRight(dump)) sink += walkCapabilities(dump.right.config).capabilities.length
  })
})

export { sink }

/**
 * The expansion ROM in layout checks: a guest sizes the ROM BAR (0x30) by writing all ones, as
 * it sizes every BAR, so a physical function backs a layout's ROM only with a ROM of the same
 * size. The oracle is the dump-vs-dump check, which compares sysfs ROM sizes (`BAR_DIFFERS`,
 * field `Expansion ROM`): realize must refuse exactly the pairs it refuses.
 */
import { readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { build } from '../../src/layout/build.js'
import { derive } from '../../src/layout/derive.js'
import type { FunctionLayout } from '../../src/layout/function-layout.js'
import { realize } from '../../src/layout/realize.js'
import { readSysfsFunction } from '../../src/dump/read-dump.js'
import { proveEquivalence } from '../../src/proof/prove-equivalence.js'
import { type PreparedFunction, prepareFunction } from '../../src/semantic/prepared-function.js'
import { corpusPath } from '../support/repo-corpus.js'

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left))
  return e.right
}

const FOLDER = corpusPath('sysfs/0000:5a:00.0')
const config = new Uint8Array(readFileSync(`${FOLDER}/config`))
const resource = readFileSync(`${FOLDER}/resource`, 'utf8')
const KiB = 1024n

/** The accelerator's sysfs folder with its ROM (resource line 6) replaced: none, or `size` bytes. */
const withRom = (size: bigint | null): PreparedFunction => {
  const lines = resource.trimEnd().split('\n')
  const hex = (n: bigint) => `0x${n.toString(16).padStart(16, '0')}`
  lines[6] = size === null ? `${hex(0n)} ${hex(0n)} ${hex(0n)}` : `${hex(0xfe400000n)} ${hex(0xfe400000n + size - 1n)} 0x0000000000046200`
  return prepareFunction(right(readSysfsFunction({ config, resource: `${lines.join('\n')}\n` }, FOLDER)))
}

/** Instance type with a 256 KiB ROM, derived from a function that has one. */
const layout: FunctionLayout = right(derive(withRom(256n * KiB)))

const romErrors = (physical: PreparedFunction) => right(realize(layout, physical)).reasons.filter((r) => r.severity === 'error' && r.field === 'Expansion ROM')
const dumpCheckRefuses = (physical: PreparedFunction): boolean =>
  proveEquivalence(prepareFunction(right(build(layout))), physical).reasons.some((r) => r.code === 'BAR_DIFFERS' && r.field === 'Expansion ROM')

describe('realize checks the expansion ROM like the other BARs', () => {
  it('the layout presents a 256 KiB ROM', () => {
    expect(layout.rom).toEqual({ size: 256n * KiB })
  })

  it.each([
    ['no ROM', withRom(null)],
    ['a smaller ROM (128 KiB)', withRom(128n * KiB)],
    ['a larger ROM (512 KiB)', withRom(512n * KiB)],
    ['a ROM BAR the function hides (built from a layout without one)', prepareFunction(right(build({ ...layout, rom: null })))],
  ])('refused on a function with %s, as the dump-vs-dump check refuses it', (_, physical) => {
    expect(romErrors(physical)).toEqual([expect.objectContaining({ code: 'BAR_DIFFERS', offset: 0x30 })])
    expect(dumpCheckRefuses(physical)).toBe(true)
  })

  it('accepted on a function with the same ROM, which the dump-vs-dump check accepts too', () => {
    const same = withRom(256n * KiB)
    expect(right(realize(layout, same)).compatible).toBe(true)
    expect(dumpCheckRefuses(same)).toBe(false)
  })

  it('on a dump (no sizes) the ROM size is a stated assumption, never a silent pass', () => {
    const dump = prepareFunction({ ...right(readSysfsFunction({ config }, FOLDER)) })
    const r = right(realize(layout, dump))
    expect(r.reasons.filter((x) => x.field === 'Expansion ROM')).toEqual([])
    expect(r.reasons.map((x) => x.code)).toContain('BAR_SIZE_UNKNOWN')
  })
})

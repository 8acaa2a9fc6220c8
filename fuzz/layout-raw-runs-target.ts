/**
 * Fuzz target `layout-raw-runs`: layout files with raw byte runs anywhere (over capability
 * headers and next pointers, over fields, planted capabilities behind a redirected pointer),
 * decoded and judged by `realize` against the team corpus functions of the same identity and
 * against the function the layout builds. A failure is realize saying compatible while the
 * built layout's walk shows the guest a capability the layout does not list (or lists one at
 * another ID, version, length or order), or any exception: what issue 11 item 1 was.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { applyRawRunEdit, layoutWithRawRuns, rawRunEdit } from '../src/arbitraries/raw-runs.js'
import { capabilityLabel, isHiddenPlaceholder } from '../src/capability/capability.js'
import { walkCapabilities } from '../src/capability/walk.js'
import { readDump } from '../src/dump/read-dump.js'
import { build } from '../src/layout/build.js'
import type { FunctionLayout } from '../src/layout/function-layout.js'
import { decodeLayout, encodeLayout } from '../src/layout/layout-yaml.js'
import { realize } from '../src/layout/realize.js'
import { type PreparedFunction, prepareFunction } from '../src/semantic/prepared-function.js'
import type { Target } from './targets.js'

/** The physical functions under `dir` of the team corpus, prepared. */
const corpusFunctions = (corpus: string, dir: string): PreparedFunction[] =>
  readdirSync(join(corpus, dir)).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(join(corpus, path)).isDirectory()) return corpusFunctions(corpus, path)
    const dump = readDump(new Uint8Array(readFileSync(join(corpus, path))), path)
    return E.isRight(dump) ? [prepareFunction(dump.right)] : []
  })

const listed = (l: FunctionLayout): string =>
  [...l.capabilities.filter((c) => c.space === 'standard'), ...l.capabilities.filter((c) => c.space === 'extended')].map((c) => `${c.space}:${c.offset}:${c.id}:${c.version}:${c.length}`).join(',')

/** The capabilities a guest finds in what `l` builds, or null when it does not build. */
const shown = (l: FunctionLayout): { text: string; unlisted: string[] } | null => {
  const built = build(l)
  if (E.isLeft(built)) return null
  const caps = walkCapabilities(built.right.config).capabilities.filter((c) => !(isHiddenPlaceholder(c) && c.offset === 0x100))
  const inList = new Set(l.capabilities.map((c) => `${c.space}:${c.offset}:${c.id}`))
  return { text: caps.map((c) => `${c.space}:${c.offset}:${c.id}:${c.version}:${c.length}`).join(','), unlisted: caps.filter((c) => !inList.has(`${c.space}:${c.offset}:${c.id}`)).map(capabilityLabel) }
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const text = (b: Uint8Array): string => new TextDecoder().decode(b)

export const layoutRawRunsTarget = (corpus: string, seeds: () => readonly Uint8Array[]): Target => {
  let functions: PreparedFunction[] | null = null
  return {
    name: 'layout-raw-runs',
    seeds,
    generate: (seed: number): Uint8Array => utf8(encodeLayout(fc.sample(layoutWithRawRuns(), { seed, numRuns: 1 })[0]!)),
    // Runs added where a hostile writer would put them, to layouts that read: the corpus layouts above all, which realize against the corpus.
    mutate: (r: () => number, input: Uint8Array): Uint8Array => {
      const l = decodeLayout(text(input), 'seed.yaml')
      if (E.isLeft(l)) return input
      const edits = fc.sample(rawRunEdit, { seed: Math.floor(r() * 2 ** 31), numRuns: 1 + Math.floor(r() * 3) })
      return utf8(encodeLayout(edits.reduce(applyRawRunEdit, l.right)))
    },
    run: (input: Uint8Array): void => {
      const l = decodeLayout(text(input), 'fuzz.yaml')
      if (E.isLeft(l)) return
      functions ??= [...corpusFunctions(corpus, 'families'), ...corpusFunctions(corpus, 'functions')]
      const built = build(l.right)
      const self = E.isRight(built) ? [prepareFunction(built.right)] : []
      const same = functions.filter((p) => (p.config.bytes[0]! | (p.config.bytes[1]! << 8)) === l.right.identity.vendorId)
      for (const physical of [...self, ...same]) {
        const r = realize(l.right, physical)
        if (E.isLeft(r) || !r.right.compatible) continue
        const walk = shown(l.right)
        if (walk === null) throw new Error(`realize said compatible on ${physical.name}, but the layout does not build`)
        if (walk.text !== listed(l.right)) {
          throw new Error(`realize said compatible on ${physical.name}, but the built layout shows ${walk.unlisted.length > 0 ? walk.unlisted.join(', ') : 'another list'}, which it does not list`)
        }
      }
    },
  }
}

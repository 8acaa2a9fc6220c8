/**
 * Bad input never crashes: every team fixture, broken or malformed ones included, goes through
 * the fuzz target for its kind (fuzz/targets.ts: read, walk, prepare, prove, derive, build,
 * realize; decode and what follows) and comes back as a value. A one-off fuzz found two crashes
 * here (derive reading past the image of a capability that runs past the end of its space); the
 * broken fixtures keep them fixed.
 */
import { readdirSync, statSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { runOne } from '../../fuzz/fuzz.js'
import { TARGETS } from '../../fuzz/targets.js'
import { derive } from '../../src/layout/derive.js'
import { readDump } from '../../src/dump/read-dump.js'
import { prepareFunction } from '../../src/semantic/prepared-function.js'
import { REPO_CORPUS, readCorpusBytes } from '../support/repo-corpus.js'

const files = (dir: string): string[] =>
  readdirSync(`${REPO_CORPUS}${dir}`).flatMap((name) => {
    const path = `${dir}/${name}`
    return statSync(`${REPO_CORPUS}${path}`).isDirectory() ? files(path) : name.endsWith('.mjs') ? [] : [path]
  })
const target = (name: string) => TARGETS.find((t) => t.name === name)!

describe('no entry point throws on any team fixture', () => {
  it.each(files('broken').concat(files('bad-input'), files('functions'), files('families')))('%s', async (name) => {
    expect(await runOne(target('lspci-text'), readCorpusBytes(name))).toBeNull()
  })

  it('broken chains are refused by derive with their problem, not read past', () => {
    for (const name of ['broken/std-past-end.lspci', 'broken/ext-past-end.lspci', 'broken/std-overlap.lspci', 'broken/ext-loop.lspci']) {
      const dump = readDump(readCorpusBytes(name), name)
      if (E.isLeft(dump)) throw new Error(name)
      const layout = derive(prepareFunction(dump.right))
      expect(E.isLeft(layout) && layout.left[0]!.code).toBe('BROKEN_CHAIN')
    }
  })

  it.each(files('layouts').concat(files('pasid'), files('hosts')))('%s decodes to a value by every text decoder', async (name) => {
    for (const t of ['layout-yaml', 'host-yaml', 'pasid-json']) expect(await runOne(target(t), readCorpusBytes(name))).toBeNull()
  })
})

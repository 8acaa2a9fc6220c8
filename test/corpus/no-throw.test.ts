/**
 * Bad input never crashes: every team fixture, broken or malformed ones included, goes through
 * every entry point (read, walk, prepare, prove, derive, build, realize, decode) and comes back
 * as a value. Fuzzing found two crashes here (derive reading past the image of a capability
 * that runs past the end of its space); the broken fixtures keep them fixed.
 */
import { readdirSync, statSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { build } from '../../src/layout/build.js'
import { derive } from '../../src/layout/derive.js'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { realize } from '../../src/layout/realize.js'
import { decodeHostPasid, decodePasidState } from '../../src/pasid/pasid-files.js'
import { readDump } from '../../src/dump/read-dump.js'
import { proveEquivalence } from '../../src/proof/prove-equivalence.js'
import { prepareFunction } from '../../src/semantic/prepared-function.js'
import { REPO_CORPUS, readCorpusBytes, readCorpusText } from '../support/repo-corpus.js'

const files = (dir: string): string[] =>
  readdirSync(`${REPO_CORPUS}${dir}`).flatMap((name) => {
    const path = `${dir}/${name}`
    return statSync(`${REPO_CORPUS}${path}`).isDirectory() ? files(path) : name.endsWith('.mjs') ? [] : [path]
  })

const typeA = decodeLayout(readCorpusText('layouts/accelerator-v1.yaml'), 'a.yaml')

describe('no entry point throws on any team fixture', () => {
  it.each(files('broken').concat(files('bad-input'), files('functions'), files('families')))('%s', (name) => {
    const dump = readDump(readCorpusBytes(name), name)
    if (E.isLeft(dump)) return
    const p = prepareFunction(dump.right)
    expect(() => proveEquivalence(p, p)).not.toThrow()
    const layout = derive(p)
    if (E.isRight(layout)) expect(E.isRight(build(layout.right))).toBe(true)
    if (E.isRight(typeA)) expect(() => realize(typeA.right, p)).not.toThrow()
  })

  it('broken chains are refused by derive with their problem, not read past', () => {
    for (const name of ['broken/std-past-end.lspci', 'broken/ext-past-end.lspci', 'broken/std-overlap.lspci', 'broken/ext-loop.lspci']) {
      const dump = readDump(readCorpusBytes(name), name)
      if (E.isLeft(dump)) throw new Error(name)
      const layout = derive(prepareFunction(dump.right))
      expect(E.isLeft(layout) && layout.left[0]!.code).toBe('BROKEN_CHAIN')
    }
  })

  it.each(files('layouts').concat(files('pasid')))('%s decodes to a value', (name) => {
    const text = readCorpusText(name)
    expect(() => decodeLayout(text, name)).not.toThrow()
    expect(() => decodePasidState(text)).not.toThrow()
    expect(() => decodeHostPasid(text)).not.toThrow()
  })
})

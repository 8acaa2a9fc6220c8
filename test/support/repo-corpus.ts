/**
 * The repository's own fixtures in corpus/ (written by corpus/make-fixtures.mjs).
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as E from 'fp-ts/lib/Either.js'
import type { FunctionDump } from '../../src/dump/function-dump.js'
import { readDump } from '../../src/dump/read-dump.js'

const near = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url))
/** From this file in test/support, or from the fuzzer's bundle in .fuzz-build (one level below the root). */
export const REPO_CORPUS = existsSync(near('../../corpus/make-fixtures.mjs')) ? near('../../corpus/') : near('../corpus/')

export const corpusPath = (name: string): string => `${REPO_CORPUS}${name}`
/** The corpus hosts name dumps in ../families, outside their folder: the corpus is their root (`--root`). */
export const CORPUS_ROOT = ['--root', REPO_CORPUS] as const
export const readCorpusBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(corpusPath(name)))
export const readCorpusText = (name: string): string => readFileSync(corpusPath(name), 'utf8')

/** A corpus dump that must read cleanly. */
export const corpusDump = (name: string): FunctionDump => {
  const dump = readDump(readCorpusBytes(name), name)
  if (E.isLeft(dump)) throw new Error(`${name} did not read: ${JSON.stringify(dump.left)}`)
  return dump.right
}

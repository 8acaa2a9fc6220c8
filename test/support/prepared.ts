/**
 * Prepared functions from the shared and repository corpora and from raw bytes, for judgements.
 */
import * as E from 'fp-ts/lib/Either.js'
import { configSpace } from '../../src/config-space/config-space.js'
import { readDump } from '../../src/dump/read-dump.js'
import { type PreparedFunction, prepareFunction } from '../../src/semantic/prepared-function.js'
import { readCorpusBytes } from './repo-corpus.js'
import { readRealDump, realDumpPath } from './shared-corpus.js'

const fromBytes = (bytes: Uint8Array, name: string): PreparedFunction => {
  const dump = readDump(bytes, name)
  if (E.isLeft(dump)) throw new Error(`${name}: ${JSON.stringify(dump.left)}`)
  return prepareFunction(dump.right)
}

export const preparedReal = (name: string): PreparedFunction => fromBytes(readRealDump(name), realDumpPath(name))
export const preparedCorpus = (name: string): PreparedFunction => fromBytes(readCorpusBytes(name), name)

/** A function prepared from a raw image (no BAR sizes). */
export const preparedImage = (bytes: Uint8Array, name = 'generated'): PreparedFunction => {
  const config = configSpace(bytes)
  if (config === undefined) throw new Error(`no config space of ${bytes.length} bytes`)
  return prepareFunction({ file: name, device: null, description: null, config, resources: null })
}

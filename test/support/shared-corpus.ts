/**
 * Access to the real dumps in ../shared/corpus/real, read where they lie at test time (they are
 * never copied into this repository). When ../shared is absent, corpus tests skip and say so.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const SHARED_CORPUS = fileURLToPath(new URL('../../../shared/corpus/real/', import.meta.url))

export const sharedCorpusPresent = existsSync(SHARED_CORPUS)

if (!sharedCorpusPresent) {
  console.warn(`SKIPPING real-corpus tests: ${SHARED_CORPUS} is absent (clone with ../shared beside the repo)`)
}

/** Base names (without `.lspci`) of every real dump. */
export const realDumpNames = (): readonly string[] =>
  sharedCorpusPresent
    ? readdirSync(SHARED_CORPUS)
        .filter((f) => f.endsWith('.lspci'))
        .map((f) => f.slice(0, -'.lspci'.length))
        .sort()
    : []

export const realDumpPath = (name: string): string => `${SHARED_CORPUS}${name}.lspci`
export const readRealDump = (name: string): Uint8Array => new Uint8Array(readFileSync(realDumpPath(name)))
export const readRealVvv = (name: string): string => readFileSync(`${SHARED_CORPUS}${name}.lspci.vvv`, 'utf8')

/**
 * An inventory folder as `vpci serve --inventory DIR` reads it: the corpus hosts at its top (their
 * dump paths made to point at `families/` inside it) and the dumps they name below.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { corpusPath, readCorpusText } from './repo-corpus.js'

/** The corpus hosts the folder holds. */
export const CORPUS_HOSTS = ['host-good', 'host-no-translation', 'host-split-low', 'host-v2-accelerator'] as const

/** A fresh inventory folder with the corpus hosts (`NAME.yaml`) and `families/`. */
export const inventoryFolder = (hosts: readonly string[] = CORPUS_HOSTS): string => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-inventory-'))
  cpSync(corpusPath('families'), join(dir, 'families'), { recursive: true })
  for (const h of hosts) writeFileSync(join(dir, `${h}.yaml`), readCorpusText(`hosts/${h}.yaml`).replaceAll('../families/', 'families/'))
  return dir
}

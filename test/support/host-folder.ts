/**
 * The corpus host host-good.yaml in a fresh folder of its own, with the two dumps it names
 * copied beside it (the corpus hosts name ../families, outside their folder), and optionally
 * its two dump paths replaced.
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { corpusPath, readCorpusText } from './repo-corpus.js'

/** The path of the host file; its functions' dumps are `a.lspci` and `b.lspci` unless replaced. */
export const hostFolder = (dumpA = 'a.lspci', dumpB = 'b.lspci'): string => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-host-'))
  const text = readCorpusText('hosts/host-good.yaml').replace('../families/accelerator/v1-host-a.lspci', dumpA).replace('../families/nic/v2.lspci', dumpB)
  writeFileSync(join(dir, 'host.yaml'), text)
  copyFileSync(corpusPath('families/accelerator/v1-host-a.lspci'), join(dir, 'a.lspci'))
  copyFileSync(corpusPath('families/nic/v2.lspci'), join(dir, 'b.lspci'))
  return join(dir, 'host.yaml')
}

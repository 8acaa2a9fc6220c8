/**
 * A file that exists but cannot be read (permissions, I/O error) is bad input for every
 * command: exit 2 and one line naming it, never an internal error.
 */
import { describe, expect, it } from 'vitest'
import { type CliIo, processIo } from '../../src/cli/io.js'
import { run } from '../../src/cli/run.js'
import { corpusPath } from '../support/repo-corpus.js'

const failingReads = (): CliIo & { stderr: () => string } => {
  let err = ''
  return {
    ...processIo,
    out: () => {},
    err: (t) => void (err += t),
    readFile: () => Promise.reject(new Error('EACCES: permission denied')),
    errIsTty: false,
    stderr: () => err,
  }
}

describe('unreadable files', () => {
  it.each([
    ['caps', corpusPath('functions/conventional-256.lspci')],
    ['check', corpusPath('families/accelerator/v1-host-a.lspci'), corpusPath('families/accelerator/v1-host-b.lspci')],
    ['check', corpusPath('layouts/accelerator-v1.yaml'), corpusPath('families/nic/v2.lspci')],
    ['check', corpusPath('state/vm-17-schema-v1.pb'), corpusPath('hosts/host-good.yaml')],
    ['derive', corpusPath('functions/conventional-256.lspci')],
    ['build', corpusPath('layouts/accelerator-v1.yaml')],
    ['state', 'decode', corpusPath('state/vm-17-schema-v1.pb')],
    ['remap', corpusPath('pasid/vm-enqcmd.json'), '--host', corpusPath('pasid/host-b.yaml')],
    ['filter', corpusPath('state/vm-17-schema-v1.pb'), corpusPath('hosts/host-good.yaml')],
  ])('%s %s', async (...argv) => {
    const io = failingReads()
    expect(await run(argv, io)).toBe(2)
    expect(io.stderr().split('\n')).toHaveLength(2)
    expect(io.stderr()).toMatch(/permission denied/)
  })
})

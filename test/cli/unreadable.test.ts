/**
 * A file that exists but cannot be read (permissions, I/O error) is bad input for every
 * command: exit 2 and one line naming each such file, never an internal error.
 */
import * as E from 'fp-ts/lib/Either.js'
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
    read: async () => E.left({ code: 'unreadable', message: 'cannot read: permission denied' }),
    outIsTty: false,
    errIsTty: false,
    stderr: () => err,
  }
}

describe('unreadable files', () => {
  // The argv, and how many of its files the command reads before it can go on (each gets its line).
  it.each([
    [1, 'caps', corpusPath('functions/conventional-256.lspci')],
    [2, 'check', corpusPath('families/accelerator/v1-host-a.lspci'), corpusPath('families/accelerator/v1-host-b.lspci')],
    [2, 'check', corpusPath('layouts/accelerator-v1.yaml'), corpusPath('families/nic/v2.lspci')],
    [2, 'check', corpusPath('state/vm-17-schema-v1.pb'), corpusPath('hosts/host-good.yaml')],
    [1, 'derive', corpusPath('functions/conventional-256.lspci')],
    [1, 'build', corpusPath('layouts/accelerator-v1.yaml')],
    [1, 'state', 'decode', corpusPath('state/vm-17-schema-v1.pb')],
    [2, 'remap', corpusPath('pasid/vm-enqcmd.json'), '--host', corpusPath('pasid/host-b.yaml')],
    [1, 'filter', corpusPath('state/vm-17-schema-v1.pb'), corpusPath('hosts/host-good.yaml')],
  ] as Array<[number, ...string[]]>)('%i: %s %s', async (files, ...argv) => {
    const io = failingReads()
    expect(await run(argv, io)).toBe(2)
    const lines = io.stderr().trimEnd().split('\n')
    expect(lines).toHaveLength(files)
    for (const line of lines) expect(line).toMatch(/^vpci: \/.*: cannot read: permission denied$/)
  })
})

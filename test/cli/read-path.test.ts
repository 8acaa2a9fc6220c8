/**
 * The bounded reader: it trusts the bytes read, never the size `stat` reports (a /proc file
 * reports 0 and has content, as sysfs attributes report 4096 whatever they hold), and reads at
 * most the bound it is given however long the file is.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { readPathUpTo } from '../../src/cli/read-path.js'

const tmp = () => mkdtempSync(join(tmpdir(), 'vpci-read-'))

describe('what is read', () => {
  it.skipIf(!existsSync('/proc/self/status'))('a file whose size stat reports as 0 is read to its end (as sysfs and /proc attributes are)', async () => {
    const read = await readPathUpTo('/proc/self/status', 1 << 20)
    expect(E.isRight(read) && read.right.length).toBeGreaterThan(0)
  })

  it('at most the bound, however long the file is', async () => {
    const path = join(tmp(), 'long')
    writeFileSync(path, new Uint8Array(300_000).fill(0x41))
    const read = await readPathUpTo(path, 200_001)
    expect(E.isRight(read) && read.right.length).toBe(200_001)
  })
})


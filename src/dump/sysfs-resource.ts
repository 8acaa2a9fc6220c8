/**
 * Reads a sysfs `resource` file: one line per resource, `0xSTART 0xEND 0xFLAGS` in hex as the
 * kernel prints them. Lines 0–5 are the BARs, line 6 the expansion ROM, lines 7–12 the SR-IOV
 * VF BARs (on a PF); a bridge has further window lines. An unused resource reads all zeros.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { ReadError } from './read-error.js'

/** Kernel resource flags (include/linux/ioport.h). */
const IORESOURCE_IO = 0x100n
const IORESOURCE_MEM = 0x200n
const IORESOURCE_PREFETCH = 0x2000n
const IORESOURCE_MEM_64 = 0x100000n

export interface Resource {
  /** Line index: 0–5 BARs, 6 ROM, 7–12 VF BARs. */
  readonly index: number
  readonly kind: 'io' | 'memory' | 'unused'
  /** Bytes decoded; 0 for an unused resource. */
  readonly size: bigint
  readonly prefetchable: boolean
  readonly is64Bit: boolean
}

export interface Resources {
  readonly entries: readonly Resource[]
}

/** Line index of the expansion ROM in a sysfs `resource` file. */
export const ROM_RESOURCE = 6

const LINE = /^\s*0x([0-9a-fA-F]{1,16})\s+0x([0-9a-fA-F]{1,16})\s+0x([0-9a-fA-F]{1,16})\s*$/

/** Reads a sysfs `resource` file's text, collecting an error for every malformed line. */
export const readSysfsResource = (text: string, file: string): E.Either<readonly ReadError[], Resources> => {
  const errors: ReadError[] = []
  const entries: Resource[] = []
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  lines.forEach((line, index) => {
    const m = LINE.exec(line)
    if (m === null) {
      errors.push({ file, line: index + 1, offset: null, code: 'RESOURCE_LINE', text: line })
      return
    }
    const start = BigInt(`0x${m[1]!}`)
    const end = BigInt(`0x${m[2]!}`)
    const flags = BigInt(`0x${m[3]!}`)
    const used = end > start || start !== 0n
    if (used && end < start) {
      errors.push({ file, line: index + 1, offset: null, code: 'RESOURCE_LINE', text: line })
      return
    }
    entries.push({
      index,
      kind: !used ? 'unused' : flags & IORESOURCE_IO ? 'io' : flags & IORESOURCE_MEM ? 'memory' : 'unused',
      size: used ? end - start + 1n : 0n,
      prefetchable: (flags & IORESOURCE_PREFETCH) !== 0n,
      is64Bit: (flags & IORESOURCE_MEM_64) !== 0n,
    })
  })
  return errors.length > 0 ? E.left(errors) : E.right({ entries })
}

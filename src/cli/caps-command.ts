/**
 * `vpci caps FILE [--json] [--device BDF]`: the capability lists of one function.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Capability } from '../capability/capability.js'
import { type Walk, walkCapabilities } from '../capability/walk.js'
import { renderWalkProblem } from '../capability/walk-problem.js'
import { readU16 } from '../config-space/config-space.js'
import { oneLine } from '../decode/one-line.js'
import type { FunctionDump } from '../dump/function-dump.js'
import { command } from './command.js'
import { ExitCode, fail } from './exit.js'
import { loadFunction } from './load-function.js'
import { DEVICE } from './options.js'
import { REPORT_LINE } from './render-verdict.js'

const hex = (n: number, width = 0): string => `0x${n.toString(16).padStart(width, '0')}`

/** The JSON shape `vpci caps --json` promises. */
export const capsJson = (walk: Walk): unknown => ({
  capabilities: walk.capabilities.map((c) => ({
    space: c.space,
    offset: c.offset,
    id: c.id,
    version: c.version,
    name: c.name,
    length: c.length,
  })),
  problems: walk.problems.map((p) => ({ code: p.code, offset: p.offset, message: renderWalkProblem(p) })),
})

const capabilityRow = (c: Capability): string => {
  const where = c.version === null ? `[${c.offset.toString(16)}]` : `[${c.offset.toString(16)} v${c.version}]`
  const length = `${c.length} bytes${c.lengthKind === 'inferred' ? ' (inferred)' : ''}`
  const id = hex(c.id, c.space === 'standard' ? 2 : 4)
  return `  ${where.padEnd(10)} ${c.name} (${id}), ${length}`
}

/** The human table: a title line, one line per capability, then problems. */
export const capsText = (dump: FunctionDump, walk: Walk): string => {
  const ids = `${hex(readU16(dump.config, 0), 4).slice(2)}:${hex(readU16(dump.config, 2), 4).slice(2)}`
  const title = [dump.device, dump.description].filter((s) => s !== null).join(' ')
  const lines = [oneLine(`${dump.file}: ${ids}, ${dump.config.size} bytes${title === '' ? '' : ` — ${title}`}`, REPORT_LINE)]
  if (walk.capabilities.length === 0) lines.push('  no capabilities')
  for (const c of walk.capabilities) lines.push(capabilityRow(c))
  if (walk.problems.length > 0) {
    lines.push(`${walk.problems.length} problem${walk.problems.length === 1 ? '' : 's'}:`)
    for (const p of walk.problems) lines.push(`  ${p.code}: ${renderWalkProblem(p)}`)
  }
  return `${lines.join('\n')}\n`
}

export const capsCommand = command({
  name: 'caps',
  synopsis: ['FILE [--json] [--device BDF]'],
  summary: "list a function's capabilities and any problems with its lists",
  about: `
List the standard and extended capabilities of one PCI function, with their offsets,
versions and lengths, then any problems found while walking the lists (loops, broken
chains, overlapping capabilities, pointers out of range).

FILE is an lspci hex dump, a binary config file or a sysfs device folder; - reads a dump
from standard input.`,
  options: {
    json: { type: 'boolean', help: 'print {"capabilities":[...],"problems":[...]} instead of a table' },
    device: DEVICE,
  },
  footer: `
Exit status: 0 when the file was read (even with problems), 2 when it could not be read,
3 internal error.

Example:
  lspci -xxxx -s 01:00.0 | vpci caps -`,
  async run(io, positionals, o) {
    if (positionals.length !== 1) return fail('caps takes exactly one FILE; see "vpci caps --help"')
    const dump = await loadFunction(io, positionals[0]!, o.device)
    if (E.isLeft(dump)) return dump.left
    const walk = walkCapabilities(dump.right.config)
    io.out(o.json ? `${JSON.stringify(capsJson(walk))}\n` : capsText(dump.right, walk))
    return ExitCode.ok
  },
})

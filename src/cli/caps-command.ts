/**
 * `vpci caps FILE [--json] [--device BDF]`: the capability lists of one function.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Capability } from '../capability/capability.js'
import { type Walk, walkCapabilities } from '../capability/walk.js'
import { renderWalkProblem } from '../capability/walk-problem.js'
import { readU16 } from '../config-space/config-space.js'
import type { FunctionDump } from '../dump/function-dump.js'
import { type CliArgs, ExitCode, failInput } from './exit.js'
import type { CliIo } from './io.js'
import { loadFunction } from './load-function.js'

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
  const lines = [`${dump.file}: ${ids}, ${dump.config.size} bytes${title === '' ? '' : ` — ${title}`}`]
  if (walk.capabilities.length === 0) lines.push('  no capabilities')
  lines.push(...walk.capabilities.map(capabilityRow))
  if (walk.problems.length > 0) {
    lines.push(`${walk.problems.length} problem${walk.problems.length === 1 ? '' : 's'}:`)
    lines.push(...walk.problems.map((p) => `  ${p.code}: ${renderWalkProblem(p)}`))
  }
  return `${lines.join('\n')}\n`
}

export const capsCommand = async (io: CliIo, args: CliArgs): Promise<ExitCode> => {
  if (args.positionals.length !== 1) return failInput(io, 'caps takes exactly one FILE; see "vpci caps --help"')
  const dump = await loadFunction(io, args.positionals[0]!, args.device)
  if (E.isLeft(dump)) return failInput(io, dump.left)
  const walk = walkCapabilities(dump.right.config)
  io.out(args.json ? `${JSON.stringify(capsJson(walk))}\n` : capsText(dump.right, walk))
  return ExitCode.ok
}

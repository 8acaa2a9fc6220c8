/**
 * `vpci remap STATE --host HOST [--json]`: the plan that gives a VM's guest PASIDs fresh host
 * PASIDs on the destination, or every reason it cannot. Exit 0 with the plan, 1 refused, 2 bad input.
 */
import * as E from 'fp-ts/lib/Either.js'
import { decodeHostPasid, decodePasidState } from '../pasid/pasid-files.js'
import { allocatedRanges } from '../pasid/pasid-pool.js'
import type { PasidStateError } from '../pasid/pasid-state-error.js'
import { type PasidPlan, remapPasids } from '../pasid/remap.js'
import { type CliArgs, ExitCode, failInput } from './exit.js'
import type { CliIo } from './io.js'
import { REMAP_USAGE } from './usage.js'

const MAX_FILE = 64 * 1024 * 1024

const readText = async (io: CliIo, path: string): Promise<string | string[]> => {
  const s = await io.stat(path)
  if (s === null) return [`${path}: no such file`]
  if (s.isDirectory || s.size > MAX_FILE) return [`${path}: not a state or host file`]
  return new TextDecoder().decode(await io.readFile(path))
}

const renderErrors = (file: string, errors: readonly PasidStateError[]): string => {
  const first = errors[0]!
  const path = first.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '')
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : ''
  return `${file}: ${path === '' ? '' : `${path}: `}${first.message}${more}`
}

const planJson = (plan: PasidPlan): unknown => ({
  map: plan.map,
  cpuTable: plan.cpuTable,
  entries: plan.entries,
  pools: {
    global: allocatedRanges(plan.host.global),
    functions: plan.host.functions.map((f) => ({ id: f.id, allocated: allocatedRanges(f.pool) })),
  },
})

export const remapCommand = async (io: CliIo, args: CliArgs): Promise<ExitCode> => {
  if (args.help) {
    io.out(REMAP_USAGE)
    return ExitCode.ok
  }
  if (args.positionals.length !== 1 || args.host === undefined) return failInput(io, 'remap takes a STATE file and --host HOST; see "vpci remap --help"')
  const stateText = await readText(io, args.positionals[0]!)
  if (typeof stateText !== 'string') return failInput(io, stateText[0]!)
  const hostText = await readText(io, args.host)
  if (typeof hostText !== 'string') return failInput(io, hostText[0]!)
  const state = decodePasidState(stateText)
  if (E.isLeft(state)) return failInput(io, renderErrors(args.positionals[0]!, state.left))
  const host = decodeHostPasid(hostText)
  if (E.isLeft(host)) return failInput(io, renderErrors(args.host, host.left))
  let assignment: Map<string, string> | undefined
  if (args.assign !== undefined) {
    const pairs = args.assign.split(',').map((pair) => pair.split('='))
    if (pairs.some((p) => p.length !== 2 || p[0]!.trim() === '' || p[1]!.trim() === '')) return failInput(io, `remap: --assign takes GUEST=HOST pairs separated by commas, not "${args.assign}"`)
    assignment = new Map(pairs.map(([g, h]) => [g!.trim(), h!.trim()]))
  }
  const verdict = remapPasids(state.right, host.right, assignment === undefined ? {} : { assignment })
  if (E.isLeft(verdict)) return failInput(io, renderErrors(args.positionals[0]!, verdict.left))
  const v = verdict.right
  if (args.json) {
    io.out(`${JSON.stringify({ compatible: v.compatible, reasons: v.reasons, plan: v.plan === null ? null : planJson(v.plan) })}\n`)
  } else if (v.plan === null) {
    io.out(`REFUSED: ${args.positionals[0]} on ${args.host}\n${v.reasons.map((r) => `  error ${r.code}: ${r.message}`).join('\n')}\n`)
  } else {
    const lines = [`PLAN: ${args.positionals[0]} on ${args.host} (${v.plan.map.length} PASIDs)`]
    for (const m of v.plan.map) lines.push(`  ${String(m.local).padStart(7)} → ${m.global}${'function' in m && m.function !== undefined ? ` (${m.function})` : ''}`)
    if (v.plan.cpuTable.length > 0) lines.push(`CPU translation table: ${v.plan.cpuTable.length} entries`)
    lines.push(`PASID table entries: ${v.plan.entries.length}`)
    io.out(`${lines.join('\n')}\n`)
  }
  return v.compatible ? ExitCode.ok : ExitCode.incompatible
}

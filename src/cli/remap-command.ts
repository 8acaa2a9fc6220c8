/**
 * `vpci remap STATE --host HOST [--json]`: the plan that gives a VM's guest PASIDs fresh host
 * PASIDs on the destination, or every reason it cannot. Exit 0 with the plan, 1 refused, 2 bad input.
 */
import * as E from 'fp-ts/lib/Either.js'
import { decodePasidState } from '../pasid/pasid-files.js'
import { allocatedRanges } from '../pasid/pasid-pool.js'
import { type PasidPlan, remapPasids } from '../pasid/remap.js'
import { MAX_STATE_BYTES } from '../state/state-codec.js'
import { type CliArgs, errorLine, ExitCode, failInput } from './exit.js'
import type { CliIo } from './io.js'
import { readBounded } from './read-file.js'
import { readHostPasid } from './read-host.js'

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
  if (args.positionals.length !== 1 || args.host === undefined) return failInput(io, 'remap takes a STATE file and --host HOST; see "vpci remap --help"')
  const statePath = args.positionals[0]!
  const stateBytes = await readBounded(io, statePath, MAX_STATE_BYTES)
  if (E.isLeft(stateBytes)) return failInput(io, `${statePath}: ${stateBytes.left.message}`)
  const host = await readHostPasid(io, args.host)
  const state = decodePasidState(new TextDecoder().decode(stateBytes.right))
  if (E.isLeft(state)) return failInput(io, errorLine(statePath, state.left))
  if (E.isLeft(host)) return failInput(io, host.left)
  let assignment: Map<string, string> | undefined
  if (args.assign !== undefined) {
    const pairs = args.assign.split(',').map((pair) => pair.split('='))
    if (pairs.some((p) => p.length !== 2 || p[0]!.trim() === '' || p[1]!.trim() === '')) return failInput(io, `remap: --assign takes GUEST=HOST pairs separated by commas, not "${args.assign}"`)
    assignment = new Map(pairs.map(([g, h]) => [g!.trim(), h!.trim()]))
  }
  const verdict = remapPasids(state.right, host.right, assignment === undefined ? {} : { assignment })
  if (E.isLeft(verdict)) return failInput(io, errorLine(statePath, verdict.left))
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

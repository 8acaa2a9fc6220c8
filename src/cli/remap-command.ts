/**
 * `vpci remap STATE --host HOST [--json]`: the plan that gives a VM's guest PASIDs fresh host
 * PASIDs on the destination, or every reason it cannot. Exit 0 with the plan, 1 refused, 2 bad input.
 */
import * as E from 'fp-ts/lib/Either.js'
import { oneLine } from '../decode/one-line.js'
import { decodePasidState } from '../pasid/pasid-files.js'
import { allocatedRanges } from '../pasid/pasid-pool.js'
import { type PasidPlan, remapPasids } from '../pasid/remap.js'
import { limitReasons, REASON_LIMIT } from '../proof/reason-limit.js'
import { MAX_STATE_BYTES } from '../state/state-codec.js'
import { command } from './command.js'
import { both, ExitCode, type Failure, fail, failPaths } from './exit.js'
import type { CliIo } from './io.js'
import { hostPasidFrom, MAX_HOST_FILE } from './read-host.js'
import { ALL } from './options.js'
import { readInput, textFrom, wrongKindOf } from './read-input.js'
import { omittedText, REPORT_LINE, reasonsJson } from './render-verdict.js'
import type { InputKind } from '../decode/input-kind.js'

const planJson = (plan: PasidPlan): unknown => ({
  map: plan.map,
  cpuTable: plan.cpuTable,
  entries: plan.entries,
  pools: {
    global: allocatedRanges(plan.host.global),
    functions: plan.host.functions.map((f) => ({ id: f.id, allocated: allocatedRanges(f.pool) })),
  },
})

/** Decodes an input's text, naming it for what it is when it is another kind of file. */
const decodeText = async <T>(io: CliIo, path: string, limit: number, kind: InputKind, decode: (text: string) => E.Either<ReadonlyArray<{ path: ReadonlyArray<string | number>; message: string }>, T>): Promise<E.Either<Failure, T>> => {
  const input = await readInput(io, path, limit)
  if (E.isLeft(input)) return input
  const text = textFrom(input.right, [kind], limit)
  if (E.isLeft(text)) return text
  const decoded = decode(text.right)
  return E.isRight(decoded) ? decoded : E.left(wrongKindOf(input.right, [kind]) ?? failPaths(path, decoded.left))
}

export const remapCommand = command({
  name: 'remap',
  synopsis: ['STATE --host HOST [--assign GUEST=HOST,...] [--json] [--all]'],
  summary: "fresh host PASIDs for a VM's guest PASIDs on a destination, all or nothing",
  about: `
Plan the PASIDs of a VM (STATE: JSON, kind PasidState) on a destination host (HOST: a host
file's pasid section, or a Host message, told apart by content): each guest PASID gets a fresh
host PASID (delegated: the same number re-attached), never one already allocated, never 0,
never at or above a function's limit; the CPU translation table for ENQCMD functions; every function's PASID table entries.
All or nothing: when any PASID cannot be placed, nothing is, and every reason is listed.
STATE - reads the state from standard input.`,
  options: {
    host: { type: 'string', value: 'HOST', help: "the destination's host file or Host message" },
    assign: { type: 'string', value: 'MAP', help: "which destination function takes each of the VM's (GUEST=HOST, comma-separated);\nwithout it, functions are matched by id" },
    json: { type: 'boolean', help: 'print {"compatible","reasons","omittedReasons","plan":{"map","cpuTable","entries","pools"}}' },
    all: ALL,
  },
  footer: `
Exit status: 0 with a plan, 1 refused, 2 bad input or usage, 3 internal error.

Example:
  vpci remap vm-17.pasid.json --host host-b.yaml --json`,
  async run(io, positionals, o) {
    if (positionals.length !== 1 || o.host === undefined) return fail('remap takes a STATE file and --host HOST; see "vpci remap --help"')
    const statePath = positionals[0]!
    let assignment: Map<string, string> | undefined
    if (o.assign !== undefined) {
      const pairs = o.assign.split(',').map((pair) => pair.split('='))
      if (pairs.some((p) => p.length !== 2 || p[0]!.trim() === '' || p[1]!.trim() === '')) return fail(`remap: --assign takes GUEST=HOST pairs separated by commas, not "${o.assign}"`)
      assignment = new Map(pairs.map(([g, h]) => [g!.trim(), h!.trim()]))
    }
    const host = await readInput(io, o.host, MAX_HOST_FILE)
    const loaded = both(await decodeText(io, statePath, MAX_STATE_BYTES, 'pasid-json', decodePasidState), E.isLeft(host) ? host : hostPasidFrom(host.right))
    if (E.isLeft(loaded)) return loaded.left
    const verdict = remapPasids(...loaded.right, assignment === undefined ? {} : { assignment })
    if (E.isLeft(verdict)) return failPaths(statePath, verdict.left)
    const v = verdict.right
    const limit = o.all ? null : REASON_LIMIT
    if (o.json) {
      io.out(`${JSON.stringify({ compatible: v.compatible, ...reasonsJson(v.reasons, limit), plan: v.plan === null ? null : planJson(v.plan) })}\n`)
    } else if (v.plan === null) {
      const { shown, omitted } = limitReasons(v.reasons, limit)
      const lines = [oneLine(`REFUSED: ${statePath} on ${o.host}`, REPORT_LINE), ...shown.map((r) => oneLine(`  error ${r.code}: ${r.message}`, REPORT_LINE)), ...omittedText(omitted, 'reason', '  ')]
      io.out(`${lines.join('\n')}\n`)
    } else {
      const { shown, omitted } = limitReasons(v.plan.map, limit)
      const lines = [oneLine(`PLAN: ${statePath} on ${o.host} (${v.plan.map.length} PASIDs)`, REPORT_LINE)]
      for (const m of shown) lines.push(oneLine(`  ${String(m.local).padStart(7)} → ${m.global}${'function' in m && m.function !== undefined ? ` (${m.function})` : ''}`, REPORT_LINE))
      lines.push(...omittedText(omitted, 'PASID', '  '))
      if (v.plan.cpuTable.length > 0) lines.push(`CPU translation table: ${v.plan.cpuTable.length} entries`)
      lines.push(`PASID table entries: ${v.plan.entries.length}`)
      io.out(`${lines.join('\n')}\n`)
    }
    return v.compatible ? ExitCode.ok : ExitCode.incompatible
  },
})

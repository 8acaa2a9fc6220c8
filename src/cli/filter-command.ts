/**
 * `vpci filter STATE.pb HOST.yaml... [--json]`: which candidate hosts can take the VM. Hosts
 * are loaded one after another (device models shared through one cache) and judged as they
 * come; a progress line goes to stderr when it is a terminal and more than 1,000 hosts are
 * given. Exit 0 when at least one host is accepted, 1 when none is, 2 bad input.
 */
import * as E from 'fp-ts/lib/Either.js'
import { filterHosts } from '../migrate/filter-hosts.js'
import type { Host } from '../migrate/host.js'
import type { Reason } from '../proof/reason.js'
import { decodeMigrationState, MAX_STATE_BYTES } from '../state/state-codec.js'
import { type CliArgs, errorLine, ExitCode, failInput } from './exit.js'
import type { CliIo } from './io.js'
import { loadHost, type ModelCache } from './load-host.js'
import { progressLine } from './progress.js'
import { readBounded } from './read-file.js'

/** Hosts above this count get a progress line (on a terminal). */
export const PROGRESS_ABOVE = 1000
/** Reasons printed per rejected host in text output. */
const SHOWN_REASONS = 4

const reasonJson = (r: Reason) => ({ code: r.code, severity: r.severity, capability: r.capability, field: r.field, offset: r.offset, length: r.length, source: r.source, destination: r.destination, message: r.message })

export const filterCommand = async (io: CliIo, args: CliArgs): Promise<ExitCode> => {
  const [statePath, ...hostPaths] = args.positionals
  if (statePath === undefined || hostPaths.length === 0) return failInput(io, 'filter takes STATE.pb and one or more HOST files; see "vpci filter --help"')
  const read = await readBounded(io, statePath, MAX_STATE_BYTES)
  if (E.isLeft(read)) return failInput(io, `${statePath}: ${read.left.message}`)
  const state = decodeMigrationState(read.right)
  if (E.isLeft(state)) return failInput(io, errorLine(statePath, state.left))

  const showProgress = io.errIsTty && hostPaths.length > PROGRESS_ABOVE
  const fileOf = new Map<Host, string>()
  const models: ModelCache = new Map()
  let failure: string | null = null
  async function* hosts(): AsyncGenerator<Host> {
    for (const path of hostPaths) {
      const host = await loadHost(io, path, models)
      if (E.isLeft(host)) {
        failure = host.left
        return
      }
      fileOf.set(host.right, path)
      yield host.right
    }
  }
  const result = await filterHosts(state.right, hosts(), {
    progressEvery: 100,
    assumeImplemented: args.assumeImplemented,
    ...(showProgress ? { onProgress: (n: number) => io.err(progressLine(n, hostPaths.length, 'hosts')) } : {}),
  })
  if (showProgress) io.err('\r\x1b[K')
  if (failure !== null) return failInput(io, failure)

  const accepted = result.accepted
  const rejected = result.rejected
  if (args.json) {
    io.out(
      `${JSON.stringify({
        vm: state.right.vmName,
        hosts: hostPaths.length,
        accepted: accepted.map((a) => ({ host: a.host.name, file: fileOf.get(a.host), assignment: a.assignment, warnings: a.warnings.map(reasonJson) })),
        rejected: rejected.map((r) => ({ host: r.host.name, file: fileOf.get(r.host), reasons: r.reasons.map(reasonJson) })),
      })}\n`,
    )
  } else {
    const lines = [`${accepted.length} of ${hostPaths.length} host${hostPaths.length === 1 ? '' : 's'} can take ${state.right.vmName}`]
    for (const a of accepted) lines.push(`  ACCEPTED ${a.host.name} (${fileOf.get(a.host)}): ${a.assignment.map((x) => `${x.guestAddress} → ${x.hostAddress}`).join(', ')}`)
    for (const r of rejected) {
      const errors = r.reasons.filter((x) => x.severity === 'error')
      lines.push(`  REJECTED ${r.host.name} (${fileOf.get(r.host)}):`)
      for (const x of errors.slice(0, SHOWN_REASONS)) lines.push(`    ${x.code}: ${x.message}`)
      if (errors.length > SHOWN_REASONS) lines.push(`    (and ${errors.length - SHOWN_REASONS} more; --json has them all)`)
    }
    io.out(`${lines.join('\n')}\n`)
  }
  return accepted.length > 0 ? ExitCode.ok : ExitCode.incompatible
}

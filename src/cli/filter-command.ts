/**
 * `vpci filter STATE.pb HOST... [--json]`: which candidate hosts can take the VM. Hosts
 * are loaded one after another (device models shared through one cache) and judged as they
 * come; a host file that cannot be read or is malformed is reported with its reasons and the
 * rest are judged all the same. A progress line goes to stderr when it is a terminal and more
 * than 1,000 hosts are given. Exit 0 when at least one host is accepted, 1 when none is, 2 when
 * no host could be judged (or bad usage).
 */
import * as E from 'fp-ts/lib/Either.js'
import { oneLine } from '../decode/one-line.js'
import { filterHosts } from '../migrate/filter-hosts.js'
import type { Host } from '../migrate/host.js'
import { limitReasons, REASON_LIMIT } from '../proof/reason-limit.js'
import { command } from './command.js'
import { type CliError, ExitCode, type Failure, fail, failAll, shownErrors } from './exit.js'
import { loadHost, type ModelCache } from './load-host.js'
import { loadState } from './load-state.js'
import { ALL, ROOT } from './options.js'
import { progressLine } from './progress.js'
import { omittedText, REPORT_LINE, reasonsJson } from './render-verdict.js'

/** Hosts above this count get a progress line (on a terminal). */
export const PROGRESS_ABOVE = 1000
/** Reasons printed per rejected host in text output (without --all). */
const SHOWN_REASONS = 4

/** A host file that could not be judged, and why. */
interface Invalid {
  readonly file: string
  readonly failure: Failure
}

const errorJson = (e: CliError) => ({ message: oneLine(e.message), file: e.file, line: e.line, offset: e.offset, path: e.path, code: e.code })

export const filterCommand = command({
  name: 'filter',
  synopsis: ['STATE.pb HOST... [--json] [--all] [--root DIR] [--assume-implemented]'],
  summary: 'which candidate hosts can take the whole VM',
  about: `
Judge every candidate host (host files, kind: Host, or Host messages, told apart by content)
for the VM whose migration state is STATE.pb, as a scheduler does: which hosts can take the whole VM (a one-to-one assignment of its functions
to free host functions, each able to back its layout and take its state, with room for its
PASIDs), and why each other host cannot. A host file that cannot be read or is malformed is
listed as invalid with its reasons, and the others are judged all the same. Device models are
loaded once and judged once however many hosts carry them. On a terminal, more than 1,000 hosts
get a progress line on stderr. STATE.pb - reads the state from standard input.`,
  options: {
    json: {
      type: 'boolean',
      help: 'print {"vm","hosts","accepted":[{"host","file","assignment","warnings","omittedWarnings"}],\n"rejected":[{"host","file","reasons","omittedReasons"}],"invalid":[{"file","errors","omittedErrors"}]}',
    },
    all: ALL,
    root: ROOT,
    'assume-implemented': {
      type: 'boolean',
      help: 'as in vpci check: optional bits set in the state are assumed writable on each\ndestination (stated as assumptions), not refused',
    },
  },
  footer: `
Exit status: 0 at least one host accepted, 1 none, 2 no host could be judged or bad usage,
3 internal error.

Example:
  vpci filter vm-17.pb hosts/*.yaml --json`,
  async run(io, positionals, o) {
    const [statePath, ...hostPaths] = positionals
    if (statePath === undefined || hostPaths.length === 0) return fail('filter takes STATE.pb and one or more HOST files; see "vpci filter --help"')
    const state = await loadState(io, statePath)
    if (E.isLeft(state)) return state.left
    const limit = o.all ? null : REASON_LIMIT
    const showProgress = io.errIsTty && hostPaths.length > PROGRESS_ABOVE
    const fileOf = new Map<Host, string>()
    const models: ModelCache = new Map()
    const invalid: Invalid[] = []
    async function* hosts(): AsyncGenerator<Host> {
      for (const path of hostPaths) {
        const host = await loadHost(io, path, { models, ...(o.root === undefined ? {} : { root: o.root }) })
        if (E.isLeft(host)) {
          invalid.push({ file: path, failure: host.left })
          continue
        }
        fileOf.set(host.right, path)
        yield host.right
      }
    }
    const result = await filterHosts(state.right, hosts(), {
      progressEvery: 100,
      assumeImplemented: o['assume-implemented'],
      ...(showProgress ? { onProgress: (n: number) => io.err(progressLine(n + invalid.length, hostPaths.length, 'hosts')) } : {}),
    })
    if (showProgress) io.err('\r\x1b[K')
    if (invalid.length === hostPaths.length) return failAll(invalid.map((x) => x.failure))

    const { accepted, rejected } = result
    if (o.json) {
      io.out(
        `${JSON.stringify({
          vm: state.right.vmName,
          hosts: hostPaths.length,
          accepted: accepted.map((a) => {
            const { reasons, omittedReasons } = reasonsJson(a.warnings, limit)
            return { host: a.host.name, file: fileOf.get(a.host), assignment: a.assignment, warnings: reasons, omittedWarnings: omittedReasons }
          }),
          rejected: rejected.map((r) => ({ host: r.host.name, file: fileOf.get(r.host), ...reasonsJson(r.reasons, limit) })),
          invalid: invalid.map((x) => {
            const { errors, omitted } = shownErrors(x.failure, limit)
            return { file: x.file, errors: errors.map(errorJson), omittedErrors: omitted }
          }),
        })}\n`,
      )
    } else {
      const shown = o.all ? null : SHOWN_REASONS
      const lines = [oneLine(`${accepted.length} of ${hostPaths.length} host${hostPaths.length === 1 ? '' : 's'} can take ${state.right.vmName}`, REPORT_LINE)]
      for (const a of accepted) lines.push(oneLine(`  ACCEPTED ${a.host.name} (${fileOf.get(a.host)}): ${a.assignment.map((x) => `${x.guestAddress} → ${x.hostAddress}`).join(', ')}`, REPORT_LINE))
      for (const r of rejected) {
        const errors = r.reasons.filter((x) => x.severity === 'error')
        lines.push(oneLine(`  REJECTED ${r.host.name} (${fileOf.get(r.host)}):`, REPORT_LINE))
        const { shown: first, omitted } = limitReasons(errors, shown)
        for (const x of first) lines.push(oneLine(`    ${x.code}: ${x.message}`, REPORT_LINE))
        lines.push(...omittedText(omitted, 'reason', '    '))
      }
      for (const x of invalid) {
        const { errors, omitted } = shownErrors(x.failure, shown)
        lines.push(oneLine(`  INVALID ${x.file}:`, REPORT_LINE))
        for (const e of errors) lines.push(`    ${oneLine(e.message)}`)
        lines.push(...omittedText(omitted, 'error', '    '))
      }
      io.out(`${lines.join('\n')}\n`)
    }
    return accepted.length > 0 ? ExitCode.ok : ExitCode.incompatible
  },
})

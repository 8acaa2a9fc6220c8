/**
 * The MigrationService's methods over request and response bytes, transport aside: each reads
 * its request (embedded states, hosts and layouts through the same codecs and loaders as the
 * CLI, so the same bad input gets the same words), asks the library, and encodes the answer; or
 * fails with a gRPC status name and the CLI's error lines. The gRPC adapter (`grpc-server.ts`)
 * only moves bytes, deadlines and logs.
 */
import * as E from 'fp-ts/lib/Either.js'
import { type Failure, failLayout, failPaths } from '../cli/exit.js'
import { stateFrom } from '../cli/load-state.js'
import { hostSpecFrom } from '../cli/read-host.js'
import { bytesField, type ProtoFields, protoFields, repeatedBytes, stringField, varintField } from '../decode/proto-fields.js'
import { realize } from '../layout/realize.js'
import type { VmmPolicyName } from '../layout/vmm-policy.js'
import { checkMigration } from '../migrate/check-migration.js'
import { filterHosts } from '../migrate/filter-hosts.js'
import type { Host } from '../migrate/host.js'
import { withBitmapPools } from '../pasid/host-pasid.js'
import { remapPasids } from '../pasid/remap.js'
import { proveEquivalence } from '../proof/prove-equivalence.js'
import { REASON_LIMIT } from '../proof/reason-limit.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'
import type { MigrationState } from '../state/migration-state.js'
import { MAX_STATE_BYTES, decodePasidStateMessage } from '../state/state-codec.js'
import * as codec from '../state/service-codec.js'
import { failureLines } from './failure-lines.js'
import type { HostStore } from './host-store.js'
import type { StateRegistry } from './state-registry.js'

export type StatusName = 'INVALID_ARGUMENT' | 'NOT_FOUND' | 'RESOURCE_EXHAUSTED' | 'DEADLINE_EXCEEDED'

/** A refused call: its status, and the message (the CLI's error lines, one per line). */
export interface CallFailure {
  readonly status: StatusName
  readonly message: string
}

/** An answered call: the response, and a word for the log (compatible, incompatible, 3/10000 accepted, ok). */
export interface CallAnswer {
  readonly response: Uint8Array
  readonly verdict: string
}

export type CallResult = E.Either<CallFailure, CallAnswer>

export interface CallContext {
  /** True once the caller's deadline has passed: long work stops and DEADLINE_EXCEEDED is returned. */
  readonly expired: () => boolean
}

export type MethodName = 'CheckMigration' | 'FilterHosts' | 'RemapPasids' | 'ProveEquivalence' | 'Realize' | 'PutHost' | 'DeleteHost' | 'PutState' | 'DeleteState'

export type Method = (request: Uint8Array, context: CallContext) => Promise<CallResult>

const invalid = (message: string): E.Either<CallFailure, never> => E.left({ status: 'INVALID_ARGUMENT', message })
const notFound = (message: string): E.Either<CallFailure, never> => E.left({ status: 'NOT_FOUND', message })
const expiredCall: CallFailure = { status: 'DEADLINE_EXCEEDED', message: 'the deadline passed before the answer was ready' }

/** The CLI's lines for a failure (the first 100 and a count of the rest), one per line. */
export const failureText = (f: Failure): string => failureLines(f, REASON_LIMIT).join('\n')

/** A request's fields, or INVALID_ARGUMENT naming the message it is not. */
const fieldsOf = (request: Uint8Array, message: string): E.Either<CallFailure, ProtoFields> => {
  const fields = protoFields(request)
  return E.isLeft(fields) ? invalid(`not a vpci.migration.v1.${message}: ${fields.left}`) : E.right(fields.right)
}

/**
 * Lets the event loop turn between the phases of a call (decode, judge, encode), so other calls,
 * health checks and signals are served in between rather than after the whole call.
 */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

const limitOf = (fields: ProtoFields, field: number): number | null => (varintField(fields, field) !== 0 ? null : REASON_LIMIT)

export const migrationService = (store: HostStore, states: StateRegistry): Readonly<Record<MethodName, Method>> => {
  /** The VM of a request: its state (field `inline`, read as `vpci check` reads a state file) or a registered one (`named`). */
  const vmOf = (fields: ProtoFields, inline: number, named: number): E.Either<CallFailure, MigrationState> => {
    const bytes = bytesField(fields, inline)
    if (bytes !== undefined) {
      if (bytes.length > MAX_STATE_BYTES) return E.left({ status: 'RESOURCE_EXHAUSTED', message: `state: ${bytes.length} bytes is more than any state (limit ${MAX_STATE_BYTES})` })
      const state = stateFrom({ _tag: 'File', path: 'state', bytes })
      return E.isLeft(state) ? invalid(failureText(state.left)) : state
    }
    const name = stringField(fields, named)
    if (name === '') return invalid('give the VM: state (a MigrationState) or state_name')
    const state = states.get(name)
    return state === undefined ? notFound(`no migration state named "${name}" (PutState registers one; --states DIR loads NAME.pb)`) : E.right(state)
  }

  /** A host sent inline (loaded, not kept), or one of the inventory by name. */
  const hostOf = async (fields: ProtoFields, inline: number, named: number): Promise<E.Either<CallFailure, Host>> => {
    const bytes = bytesField(fields, inline)
    if (bytes !== undefined) {
      const host = await store.hostFromMessage(bytes, 'host')
      return E.isLeft(host) ? invalid(failureText(host.left)) : host
    }
    const name = stringField(fields, named)
    if (name === '') return invalid('give the destination: host (a Host) or host_name')
    const host = store.inventory.get(name)
    return host === undefined ? notFound(`no host named "${name}" in the inventory`) : E.right(host)
  }

  /** A lone function (HostFunction bytes) prepared, read as a host of that one function. */
  const functionOf = async (bytes: Uint8Array, label: string): Promise<E.Either<CallFailure, PreparedFunction>> => {
    const host = await store.hostFromMessage(codec.hostOfOne(label, bytes, false), label)
    if (E.isLeft(host)) return invalid(failureText(host.left))
    const f = host.right.functions[0]
    return f === undefined ? invalid(`${label}: no function given`) : E.right(f.function)
  }

  const CheckMigration: Method = async (request, context) => {
    const fields = fieldsOf(request, 'CheckMigrationRequest')
    if (E.isLeft(fields)) return fields
    const state = vmOf(fields.right, 1, 2)
    if (E.isLeft(state)) return state
    await turn()
    if (context.expired()) return E.left(expiredCall)
    const host = await hostOf(fields.right, 3, 4)
    if (E.isLeft(host)) return host
    const v = checkMigration(state.right, host.right, { assumeImplemented: varintField(fields.right, 5) !== 0 })
    return E.right({ response: codec.encodeCheckMigration(v, limitOf(fields.right, 6)), verdict: v.compatible ? 'compatible' : 'incompatible' })
  }

  const FilterHosts: Method = async (request, context) => {
    const fields = fieldsOf(request, 'FilterHostsRequest')
    if (E.isLeft(fields)) return fields
    const f = fields.right
    const state = vmOf(f, 1, 2)
    if (E.isLeft(state)) return state
    await turn()
    if (context.expired()) return E.left(expiredCall)
    const inline: Host[] = []
    for (const [i, bytes] of repeatedBytes(f, 3).entries()) {
      if (context.expired()) return E.left(expiredCall)
      const host = await store.hostFromMessage(bytes, `hosts[${i}]`)
      if (E.isLeft(host)) return invalid(failureText(host.left))
      inline.push(host.right)
    }
    const names = repeatedBytes(f, 4).map((b) => new TextDecoder().decode(b))
    const unknown = names.filter((n) => store.inventory.get(n) === undefined)
    if (unknown.length > 0) return notFound(`no host named ${unknown.slice(0, 10).map((n) => `"${n}"`).join(', ')}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''} in the inventory`)
    if (context.expired()) return E.left(expiredCall)
    const options = { assumeImplemented: varintField(f, 5) !== 0 }
    const result =
      inline.length === 0
        ? store.inventory.filter(state.right, { ...options, ...(names.length === 0 ? {} : { names }) })
        : filterHosts(state.right, [...inline, ...names.map((n) => store.inventory.get(n)!)], options)
    await turn()
    if (context.expired()) return E.left(expiredCall)
    const verdict = `${result.accepted.length}/${result.accepted.length + result.rejectedCount} accepted`
    if (varintField(f, 7) === 0) return E.right({ response: codec.encodeFilterHosts(state.right.vmName, result.accepted, result.rejected, limitOf(f, 6)), verdict })
    // Names only: the rejected are the judged hosts not accepted, in order (their reasons are never made).
    const judged = inline.length > 0 || names.length > 0 ? [...inline.map((h) => h.name), ...names] : store.inventory.hosts().map((h) => h.name)
    const acceptedNames = result.accepted.map((a) => a.host.name)
    const taken = new Set(acceptedNames)
    return E.right({ response: codec.encodeFilterHostNames(state.right.vmName, acceptedNames, judged.filter((n) => !taken.has(n))), verdict })
  }

  const RemapPasids: Method = async (request) => {
    const fields = fieldsOf(request, 'RemapPasidsRequest')
    if (E.isLeft(fields)) return fields
    const f = fields.right
    const pasid = decodePasidStateMessage(bytesField(f, 1) ?? new Uint8Array())
    if (E.isLeft(pasid)) return invalid(failureText(failPaths('pasid', pasid.left)))
    const host = await hostOf(f, 2, 3)
    if (E.isLeft(host)) return host
    if (host.right.pasid === null) return invalid('host: pasid: missing; the host says nothing of its PASIDs')
    const assignment = new Map<string, string>()
    for (const entry of repeatedBytes(f, 4)) {
      const kv = protoFields(entry)
      if (E.isLeft(kv)) return invalid(`assignment: ${kv.left}`)
      assignment.set(stringField(kv.right, 1), stringField(kv.right, 2))
    }
    const v = remapPasids(pasid.right, withBitmapPools(host.right.pasid), assignment.size === 0 ? {} : { assignment })
    if (E.isLeft(v)) return invalid(failureText(failPaths('pasid', v.left)))
    return E.right({ response: codec.encodeRemapPasids(v.right, limitOf(f, 5)), verdict: v.right.compatible ? 'compatible' : 'incompatible' })
  }

  const ProveEquivalence: Method = async (request) => {
    const fields = fieldsOf(request, 'ProveEquivalenceRequest')
    if (E.isLeft(fields)) return fields
    const f = fields.right
    const source = await functionOf(bytesField(f, 1) ?? new Uint8Array(), 'source')
    if (E.isLeft(source)) return source
    const destination = await functionOf(bytesField(f, 2) ?? new Uint8Array(), 'destination')
    if (E.isLeft(destination)) return destination
    const vmm: VmmPolicyName | undefined = (['qemu-9.0', 'qemu-9.1'] as const)[varintField(f, 5) - 1]
    if (varintField(f, 5) > 2) return invalid(`vmm: ${varintField(f, 5)} is not a VMM policy; expected 1 (qemu-9.0) or 2 (qemu-9.1)`)
    const options = { instance: varintField(f, 3) === 1 ? ('refuse' as const) : ('warn' as const), assumeImplemented: varintField(f, 4) !== 0, ...(vmm === undefined ? {} : { vmm }) }
    const v = proveEquivalence(source.right, destination.right, options)
    return E.right({ response: codec.encodeProveEquivalence(v, limitOf(f, 6)), verdict: v.compatible ? 'compatible' : 'incompatible' })
  }

  const Realize: Method = async (request) => {
    const fields = fieldsOf(request, 'RealizeRequest')
    if (E.isLeft(fields)) return fields
    const f = fields.right
    const spec = hostSpecFrom({ _tag: 'File', path: 'layout', bytes: codec.hostOfOne('layout', bytesField(f, 1) ?? new Uint8Array(), true) })
    if (E.isLeft(spec)) return invalid(failureText(spec.left))
    const source = spec.right.functions[0]?.source
    if (source?.kind !== 'inline-layout') return invalid('layout: no layout given')
    const physical = await functionOf(bytesField(f, 2) ?? new Uint8Array(), 'physical')
    if (E.isLeft(physical)) return physical
    const pfBytes = bytesField(f, 3)
    const pf = pfBytes === undefined ? undefined : await functionOf(pfBytes, 'pf')
    if (pf !== undefined && E.isLeft(pf)) return pf
    const r = realize(source.layout, physical.right, pf === undefined ? {} : { pf: pf.right })
    if (E.isLeft(r)) return invalid(failureText(failLayout(r.left.map((e) => ({ ...e, file: 'layout' })))))
    return E.right({ response: codec.encodeRealize(r.right, limitOf(f, 4)), verdict: r.right.compatible ? 'compatible' : 'incompatible' })
  }

  const PutHost: Method = async (request) => {
    const fields = fieldsOf(request, 'PutHostRequest')
    if (E.isLeft(fields)) return fields
    const bytes = bytesField(fields.right, 1)
    if (bytes === undefined) return invalid('give the host')
    const before = store.inventory.size()
    const host = await store.putMessage(bytes, 'host')
    if (E.isLeft(host)) return invalid(failureText(host.left))
    // Kept with the store's models shared; a put that did not add a host replaced one.
    const replaced = store.inventory.size() === before
    return E.right({ response: codec.encodePutHost(host.right.name, replaced, store.inventory.size()), verdict: replaced ? 'replaced' : 'added' })
  }

  const DeleteHost: Method = async (request) => {
    const fields = fieldsOf(request, 'DeleteHostRequest')
    if (E.isLeft(fields)) return fields
    const name = stringField(fields.right, 1)
    if (!store.remove(name)) return notFound(`no host named "${name}" in the inventory`)
    return E.right({ response: codec.encodeDeleteHost(store.inventory.size()), verdict: 'deleted' })
  }

  const PutState: Method = async (request) => {
    const fields = fieldsOf(request, 'PutStateRequest')
    if (E.isLeft(fields)) return fields
    const name = stringField(fields.right, 1)
    if (name === '') return invalid('name: give the name callers will use for the state')
    const state = vmOf(fields.right, 2, 0)
    if (E.isLeft(state)) return state
    const replaced = states.get(name) !== undefined
    states.put(name, state.right)
    return E.right({ response: codec.encodePutState(replaced), verdict: replaced ? 'replaced' : 'added' })
  }

  const DeleteState: Method = async (request) => {
    const fields = fieldsOf(request, 'DeleteStateRequest')
    if (E.isLeft(fields)) return fields
    const name = stringField(fields.right, 1)
    if (!states.remove(name)) return notFound(`no migration state named "${name}"`)
    return E.right({ response: codec.encodeDeleteState(), verdict: 'deleted' })
  }

  return { CheckMigration, FilterHosts, RemapPasids, ProveEquivalence, Realize, PutHost, DeleteHost, PutState, DeleteState }
}

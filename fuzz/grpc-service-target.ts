/**
 * Fuzz target `grpc-service`: mutated requests sent over gRPC to a running server (the real
 * adapter on 127.0.0.1, started once per process over an inventory of the corpus hosts). The
 * input's first byte picks the method (of nine), the rest is the request as bytes. Seeds are a
 * valid request of each method; the generic mutators and a structured one (a request's embedded
 * state or host mutated in place, so the request still parses and the codecs behind it are
 * reached) make the rest. A failure is any answer but OK, INVALID_ARGUMENT, NOT_FOUND or
 * RESOURCE_EXHAUSTED (INTERNAL is a broken invariant; UNAVAILABLE a server that went away),
 * or a server that no longer answers its health check.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as grpc from '@grpc/grpc-js'
import * as E from 'fp-ts/lib/Either.js'
import { bytesField, protoFields } from '../src/decode/proto-fields.js'
import { vpci as pb } from '../src/state/generated/migration.js'
import { callRaw, rawClient, type Running, startServer } from '../test/support/grpc.js'
import { mutate, type Random } from './mutate.js'
import type { Target } from './targets.js'

const m = pb.migration.v1
const CORPUS = fileURLToPath(new URL('../corpus/', import.meta.url))
const bytes = (p: string): Uint8Array => new Uint8Array(readFileSync(`${CORPUS}${p}`))

const METHODS = ['CheckMigration', 'FilterHosts', 'RemapPasids', 'ProveEquivalence', 'Realize', 'PutHost', 'DeleteHost', 'PutState', 'DeleteState'] as const
const ANSWERS: ReadonlySet<grpc.status> = new Set([grpc.status.OK, grpc.status.INVALID_ARGUMENT, grpc.status.NOT_FOUND, grpc.status.RESOURCE_EXHAUSTED])
/** Requests are small here; larger ones are refused before reading (RESOURCE_EXHAUSTED), as the test of the limit shows. */
const MAX_REQUEST = 1 << 20

/** An inventory folder of the corpus hosts (paths relative to this file: the fuzzer runs bundled). */
const inventoryFolder = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-fuzz-inventory-'))
  cpSync(`${CORPUS}families`, join(dir, 'families'), { recursive: true })
  for (const h of ['host-good', 'host-no-translation', 'host-split-low', 'host-v2-accelerator']) writeFileSync(join(dir, `${h}.yaml`), readFileSync(`${CORPUS}hosts/${h}.yaml`, 'utf8').replaceAll('../families/', 'families/'))
  return dir
}

let server: Promise<{ readonly running: Running; readonly client: grpc.Client }> | null = null
const connect = () =>
  (server ??= (async () => {
    const running = await startServer({ dir: inventoryFolder(), maxRequestBytes: MAX_REQUEST })
    return { running, client: rawClient(running.address) }
  })())

const varint = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...varint(Math.floor(n / 128))])
const field = (n: number, b: Uint8Array): Uint8Array => Buffer.concat([Buffer.from([(n << 3) | 2, ...varint(b.length)]), Buffer.from(b)])
const tagged = (method: number, request: Uint8Array): Uint8Array => Buffer.concat([Buffer.from([method]), Buffer.from(request)])

const seeds = (): Uint8Array[] => {
  const state = bytes('state/vm-17-n2-schema-v1.pb')
  const host = bytes('hosts/host-mixed-schema-v1.pb')
  const fields = protoFields(state)
  const pasid = E.isRight(fields) ? bytesField(fields.right, 4) ?? new Uint8Array() : new Uint8Array()
  const wire = m.MigrationState.decode(state)
  const fn = m.HostFunction.encode({ configImage: wire.functions[0]!.configImage ?? null }).finish()
  const layout = m.FunctionLayout.encode(wire.functions[1]!.layout!).finish()
  return [
    tagged(0, Buffer.concat([field(1, state), m.CheckMigrationRequest.encode({ hostName: 'host-good' }).finish()])),
    tagged(1, Buffer.concat([field(1, state), m.FilterHostsRequest.encode({ namesOnly: true }).finish()])),
    tagged(1, Buffer.concat([field(1, state), field(3, host)])),
    tagged(2, Buffer.concat([field(1, pasid), m.RemapPasidsRequest.encode({ hostName: 'host-good', assignment: { '00:05.0': '0000:5a:00.0' } } as never).finish()])),
    tagged(3, Buffer.concat([field(1, fn), field(2, fn)])),
    tagged(4, Buffer.concat([field(1, layout), field(2, fn)])),
    tagged(5, field(1, host)),
    tagged(6, m.DeleteHostRequest.encode({ name: 'host-mixed' }).finish()),
    tagged(7, Buffer.concat([m.PutStateRequest.encode({ name: 'vm' }).finish(), field(2, state)])),
    tagged(8, m.DeleteStateRequest.encode({ name: 'vm' }).finish()),
  ]
}

/** One embedded message of the request mutated in place (the request still parses; what it carries may not). */
const mutateInside = (r: Random, input: Uint8Array): Uint8Array => {
  const fields = protoFields(input.subarray(1))
  if (E.isLeft(fields)) return input
  const messages = [...fields.right].flatMap(([n, values]) => values.filter((v): v is Uint8Array => v instanceof Uint8Array && v.length > 0).map((v) => [n, v] as const))
  if (messages.length === 0) return input
  const [n, chosen] = messages[Math.floor(r() * messages.length)]!
  const changed = mutate(r, chosen, chosen)
  const rest = [...fields.right].flatMap(([k, values]) => values.map((v) => (v === chosen ? field(n, changed) : typeof v === 'number' ? Buffer.from([k << 3, ...varint(v)]) : field(k, v))))
  return tagged(input[0]!, Buffer.concat(rest.map((b) => Buffer.from(b))))
}

export const grpcServiceTarget: Target = {
  name: 'grpc-service',
  seeds,
  mutate: mutateInside,
  maxMs: 5_000,
  run: async (input) => {
    if (input.length === 0) return
    const { client } = await connect()
    const method = METHODS[input[0]! % METHODS.length]!
    const answer = await callRaw(client, method, input.subarray(1), 30_000)
    if (!ANSWERS.has(answer.code)) throw new Error(`${method} answered ${grpc.status[answer.code]}: ${answer.details.slice(0, 300)}`)
  },
}

/**
 * The gRPC adapter: `vpci.migration.v1.MigrationService` on `@grpc/grpc-js`, with the standard
 * health service (`grpc.health.v1.Health`: NOT_SERVING until the inventory is loaded and while
 * draining) and server reflection (v1 and v1alpha, `reflection.ts`), so clients the
 * project did not write (`buf curl`, `grpcurl`) can call it.
 *
 * The service definition comes from `proto/` through `@grpc/proto-loader`; its (de)serializers
 * are replaced by the identity, so each method (`migration-service.ts`) reads its request with
 * the project's own codecs and answers bytes. Per call: the caller's deadline is honoured
 * (checked between inline hosts and before answering: DEADLINE_EXCEEDED), requests over
 * `maxRequestBytes` are refused by grpc-js with RESOURCE_EXHAUSTED before any decoding, and one
 * JSON line goes to the log with the method, status, verdict and duration. `stop` drains: new
 * calls are refused, calls in flight finish, then it resolves.
 *
 * Calls run on the event loop, not in a worker pool: bench/README.md ("gRPC service") has the
 * measurement behind that choice.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'
import { HealthImplementation } from 'grpc-health-check'
import * as E from 'fp-ts/lib/Either.js'
import { MAX_STATE_BYTES } from '../state/state-codec.js'
import type { HostStore } from './host-store.js'
import { reflectionService } from './reflection.js'
import { type CallResult, type MethodName, migrationService } from './migration-service.js'
import type { StateRegistry } from './state-registry.js'

export const SERVICE_NAME = 'vpci.migration.v1.MigrationService'

/** Larger requests are refused (RESOURCE_EXHAUSTED) unread: the largest state the codec reads. */
export const MAX_REQUEST_BYTES = MAX_STATE_BYTES

/** The folder holding `vpci/migration/v1/service.proto`: the package's `proto/`, found upward from this module (source or bundle). */
export const protoRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'proto')
    if (existsSync(join(candidate, 'vpci/migration/v1/service.proto'))) return candidate
    dir = dirname(dir)
  }
  throw new Error('proto/vpci/migration/v1/service.proto is not installed beside vpci')
}

export interface GrpcServerOptions {
  readonly store: HostStore
  readonly states: StateRegistry
  /** Default MAX_REQUEST_BYTES. */
  readonly maxRequestBytes?: number
  /** One JSON line per call and per store event; default: standard error. */
  readonly log?: (line: string) => void
}

export interface GrpcServer {
  /** The port bound (useful with port 0). */
  readonly port: number
  /** Calls being answered now. */
  readonly inFlight: () => number
  /** Refuses new calls, lets those in flight finish (forced after `graceMs`, default 30 s), then resolves. */
  readonly stop: (graceMs?: number) => Promise<void>
}

const STATUS: Readonly<Record<string, grpc.status>> = {
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  NOT_FOUND: grpc.status.NOT_FOUND,
  RESOURCE_EXHAUSTED: grpc.status.RESOURCE_EXHAUSTED,
  DEADLINE_EXCEEDED: grpc.status.DEADLINE_EXCEEDED,
}

/** Serves on `address` (host:port; port 0 picks a free one) until stopped. */
export const startGrpcServer = async (address: string, options: GrpcServerOptions): Promise<GrpcServer> => {
  const log = options.log ?? ((line: string) => void process.stderr.write(line))
  const definition = protoLoader.loadSync('vpci/migration/v1/service.proto', { includeDirs: [protoRoot()], keepCase: false, longs: String, enums: String, defaults: true, oneofs: true })
  const service = definition[SERVICE_NAME] as protoLoader.ServiceDefinition
  const raw: grpc.ServiceDefinition = Object.fromEntries(
    Object.entries(service).map(([name, m]) => [
      name,
      { ...m, requestSerialize: (b: Uint8Array) => Buffer.from(b), requestDeserialize: (b: Buffer) => b, responseSerialize: (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength), responseDeserialize: (b: Buffer) => b },
    ]),
  ) as grpc.ServiceDefinition
  const methods = migrationService(options.store, options.states)
  let inFlight = 0
  let draining = false

  const handler = (name: MethodName): grpc.handleUnaryCall<Buffer, Uint8Array> => (call, callback) => {
    const started = process.hrtime.bigint()
    const deadline = call.getDeadline()
    const until = deadline instanceof Date ? deadline.getTime() : Number(deadline)
    const expired = (): boolean => call.cancelled || Date.now() >= until
    inFlight++
    const finish = (result: CallResult): void => {
      inFlight--
      const late = E.isRight(result) && expired()
      const status = late ? 'DEADLINE_EXCEEDED' : E.isLeft(result) ? result.left.status : 'OK'
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6
      log(`${JSON.stringify({ time: new Date().toISOString(), method: `${SERVICE_NAME}/${name}`, status, verdict: E.isRight(result) && !late ? result.right.verdict : null, durationMs: Math.round(durationMs * 1000) / 1000, requestBytes: call.request.length, peer: call.getPeer() })}\n`)
      if (late) callback({ code: grpc.status.DEADLINE_EXCEEDED, details: 'the deadline passed before the answer was ready' })
      else if (E.isLeft(result)) callback({ code: STATUS[result.left.status]!, details: result.left.message })
      else callback(null, result.right.response)
    }
    if (expired()) return finish(E.left({ status: 'DEADLINE_EXCEEDED', message: 'the deadline had passed when the call arrived' }))
    methods[name](call.request, { expired }).then(finish, (e: unknown) => {
      // A broken invariant (a bug): the call fails INTERNAL, the server stays up.
      inFlight--
      log(`${JSON.stringify({ time: new Date().toISOString(), method: `${SERVICE_NAME}/${name}`, status: 'INTERNAL', error: e instanceof Error ? e.stack ?? e.message : String(e) })}\n`)
      callback({ code: grpc.status.INTERNAL, details: `internal error (a bug in vpci): ${e instanceof Error ? e.message : String(e)}` })
    })
  }

  const server = new grpc.Server({ 'grpc.max_receive_message_length': options.maxRequestBytes ?? MAX_REQUEST_BYTES })
  server.addService(raw, Object.fromEntries(Object.keys(methods).map((name) => [name, handler(name as MethodName)])))
  const health = new HealthImplementation({ '': 'NOT_SERVING', [SERVICE_NAME]: 'NOT_SERVING' })
  health.addToServer(server)
  reflectionService().addToServer(server)
  const port = await new Promise<number>((resolve, reject) => server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))))
  void Promise.all([options.store.loaded, options.states.loaded]).then(() => {
    if (draining) return
    health.setStatus('', 'SERVING')
    health.setStatus(SERVICE_NAME, 'SERVING')
  })
  return {
    port,
    inFlight: () => inFlight,
    stop: (graceMs = 30_000) =>
      new Promise<void>((resolve) => {
        draining = true
        health.setStatus('', 'NOT_SERVING')
        health.setStatus(SERVICE_NAME, 'NOT_SERVING')
        const force = setTimeout(() => server.forceShutdown(), graceMs)
        force.unref()
        server.tryShutdown(() => {
          clearTimeout(force)
          resolve()
        })
      }),
  }
}

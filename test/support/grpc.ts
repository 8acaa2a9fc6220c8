/**
 * For service tests: a server of the real code on 127.0.0.1 at a free port (its store on a
 * folder, the test stops it), a raw-bytes gRPC client (grpc-js, requests encoded with the
 * schema's generated code), and `buf curl` run as a client the project did not write.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import * as grpc from '@grpc/grpc-js'
import { type GrpcServer, startGrpcServer } from '../../src/service/grpc-server.js'
import { type HostStore, type HostStoreOptions, openHostStore } from '../../src/service/host-store.js'
import { openStateRegistry, type StateRegistry } from '../../src/service/state-registry.js'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const BUF = `${ROOT}node_modules/.bin/buf`

export interface Running {
  readonly server: GrpcServer
  readonly store: HostStore
  readonly states: StateRegistry
  readonly address: string
  readonly logs: string[]
  readonly stop: () => Promise<void>
}

/** A server on 127.0.0.1:0 over a store of `options` (no folder watching unless asked). */
export const startServer = async (options: HostStoreOptions & { readonly maxRequestBytes?: number } = {}): Promise<Running> => {
  const store = openHostStore({ watch: false, ...options })
  const states = openStateRegistry()
  await store.loaded
  const logs: string[] = []
  const server = await startGrpcServer('127.0.0.1:0', { store, states, log: (l) => void logs.push(l), ...(options.maxRequestBytes === undefined ? {} : { maxRequestBytes: options.maxRequestBytes }) })
  return {
    server,
    store,
    states,
    address: `127.0.0.1:${server.port}`,
    logs,
    stop: async () => {
      await server.stop(5_000)
      store.close()
      states.close()
    },
  }
}

export interface RawAnswer {
  readonly code: grpc.status
  readonly details: string
  readonly response: Buffer | null
}

/** A client sending request bytes as they are. */
export const rawClient = (address: string): grpc.Client => new grpc.Client(address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 })

/** One unary call of MigrationService/`method`; never rejects. */
export const callRaw = (client: grpc.Client, method: string, request: Uint8Array, deadlineMs = 60_000): Promise<RawAnswer> =>
  new Promise((resolve) => {
    client.makeUnaryRequest(
      `/vpci.migration.v1.MigrationService/${method}`,
      (b: Uint8Array) => Buffer.from(b),
      (b: Buffer) => b,
      request,
      { deadline: Date.now() + deadlineMs },
      (e, response) => resolve(e ? { code: e.code, details: e.details, response: null } : { code: grpc.status.OK, details: '', response: response ?? null }),
    )
  })

export interface BufCurl {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** `buf curl` over gRPC (h2c) to `path` on the server, with `data` as the JSON request; `--schema proto/` unless reflection is wanted. */
export const bufCurl = (address: string, path: string, data: unknown, schema: 'proto' | 'reflection' = 'proto', extra: readonly string[] = []): Promise<BufCurl> =>
  new Promise((resolve) => {
    const args = ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', ...(schema === 'proto' ? ['--schema', `${ROOT}proto`] : []), ...extra, '--data', '@-', `http://${address}${path}`]
    const child = execFile(BUF, args, { maxBuffer: 1 << 28 }, (e, stdout, stderr) => resolve({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : 1, stdout, stderr }))
    child.stdin!.end(JSON.stringify(data))
  })

/** `buf` with these arguments (convert, build), asynchronously so an in-process server keeps answering. */
export const bufRun = (args: readonly string[]): Promise<BufCurl> =>
  new Promise((resolve) => execFile(BUF, [...args], { cwd: ROOT, maxBuffer: 1 << 28 }, (e, stdout, stderr) => resolve({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : 1, stdout, stderr })))

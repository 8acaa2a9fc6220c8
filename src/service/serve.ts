/**
 * `vpci serve`'s process: the host store and state registry opened on their folders, the gRPC
 * server and the scheduler extender (either or both) started over them, store events logged as
 * JSON lines, and SIGTERM (or SIGINT) answered by draining: health turns NOT_SERVING, new calls
 * are refused, calls in flight finish, then the returned promise resolves (the CLI exits 0).
 */
import { type ExtenderServer, startExtenderServer } from './extender-http.js'
import { startGrpcServer } from './grpc-server.js'
import type { ListenAddress } from './listen-address.js'
import { openHostStore } from './host-store.js'
import { openStateRegistry } from './state-registry.js'

export interface ServeOptions {
  /** host:port for gRPC. */
  readonly grpc?: string
  /** Where the scheduler extender listens. */
  readonly http?: ListenAddress
  readonly inventory?: string
  readonly states?: string
  readonly maxRequestBytes?: number
  /** Default: standard error. */
  readonly log?: (line: string) => void
}

/** Serves until SIGTERM or SIGINT, then drains; rejects when the address cannot be bound. */
export const serve = async (options: ServeOptions): Promise<void> => {
  const log = options.log ?? ((line: string) => void process.stderr.write(line))
  const event = (e: object): void => log(`${JSON.stringify({ time: new Date().toISOString(), ...e })}\n`)
  const store = openHostStore({ ...(options.inventory === undefined ? {} : { dir: options.inventory }), onEvent: event })
  const states = openStateRegistry({ ...(options.states === undefined ? {} : { dir: options.states }), onEvent: event })
  let server: Awaited<ReturnType<typeof startGrpcServer>> | null = null
  let extender: ExtenderServer | null = null
  try {
    if (options.grpc !== undefined) server = await startGrpcServer(options.grpc, { store, states, log, ...(options.maxRequestBytes === undefined ? {} : { maxRequestBytes: options.maxRequestBytes }) })
    if (options.http !== undefined) extender = await startExtenderServer({ inventory: () => store.inventory, state: states.get, ready: store.isLoaded }, options.http.host, options.http.port, { log: (line) => log(`${line}\n`) })
  } catch (e) {
    await server?.stop()
    store.close()
    states.close()
    throw e
  }
  const started = server
  const http = extender
  if (started !== null) event({ kind: 'listening', grpc: options.grpc, port: started.port })
  if (http !== null) event({ kind: 'listening', http: `${options.http!.host}:${http.port}`, port: http.port })
  void Promise.all([store.loaded, states.loaded]).then(() => event({ kind: 'ready', hosts: store.inventory.size(), refused: store.refused().size, states: states.names().length }))
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', stop)
      process.off('SIGINT', stop)
      event({ kind: 'draining', signal, inFlight: started?.inFlight() ?? 0 })
      void Promise.all([started?.stop(), http?.close()]).then(() => resolve())
    }
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
  })
  store.close()
  states.close()
  event({ kind: 'stopped' })
}

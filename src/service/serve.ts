/**
 * `vpci serve`'s process: the host store and state registry opened on their folders, the gRPC
 * server started, store events logged as JSON lines, and SIGTERM (or SIGINT) answered by
 * draining: health turns NOT_SERVING, new calls are refused, calls in flight finish, then the
 * returned promise resolves (the CLI exits 0).
 */
import { startGrpcServer } from './grpc-server.js'
import { openHostStore } from './host-store.js'
import { openStateRegistry } from './state-registry.js'

export interface ServeOptions {
  /** host:port for gRPC. */
  readonly grpc: string
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
  let server
  try {
    server = await startGrpcServer(options.grpc, { store, states, log, ...(options.maxRequestBytes === undefined ? {} : { maxRequestBytes: options.maxRequestBytes }) })
  } catch (e) {
    store.close()
    states.close()
    throw e
  }
  const started = server
  event({ kind: 'listening', grpc: options.grpc, port: started.port })
  void Promise.all([store.loaded, states.loaded]).then(() => event({ kind: 'ready', hosts: store.inventory.size(), refused: store.refused().size, states: states.names().length }))
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', stop)
      process.off('SIGINT', stop)
      event({ kind: 'draining', signal, inFlight: started.inFlight() })
      void started.stop().then(resolve)
    }
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
  })
  store.close()
  states.close()
  event({ kind: 'stopped' })
}

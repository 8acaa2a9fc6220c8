/**
 * `vpci serve --http ADDR [--inventory DIR] [--states DIR]`: the Kubernetes scheduler extender
 * (`/filter`, `/prioritize`, `/healthz`, `/readyz`, `/metrics`) over the server's host store and
 * named states (src/service/host-store.ts, state-registry.ts), until SIGTERM or SIGINT, when it
 * stops accepting, lets requests in flight finish and exits 0. Logs are JSON lines on stderr.
 */
import * as E from 'fp-ts/lib/Either.js'
import { oneLine } from '../decode/one-line.js'
import { startExtenderServer } from '../service/extender-http.js'
import { openHostStore } from '../service/host-store.js'
import { parseListenAddress } from '../service/listen-address.js'
import { openStateRegistry } from '../service/state-registry.js'
import { command } from './command.js'
import { ExitCode, fail } from './exit.js'

export const serveCommand = command({
  name: 'serve',
  synopsis: ['--http ADDR [--inventory DIR] [--states DIR]'],
  summary: "serve vpci's judgement: the Kubernetes scheduler extender over HTTP",
  about: `
Serve the Kubernetes scheduler extender on ADDR (HOST:PORT, :PORT or [IPV6]:PORT): POST /filter
and POST /prioritize in kube-scheduler's extender protocol, GET /healthz, GET /readyz (200 once
the inventory is loaded) and GET /metrics (Prometheus text). Nodes are judged as the hosts of
the inventory of the same name: the host files and Host messages at the top of --inventory DIR,
loaded once and reloaded when they change. A pod names its VM's migration state in the
annotation vpci.dev/migration-state (the message, base64) or vpci.dev/migration-state-name (a
state of --states DIR: NAME.pb). Stops on SIGTERM or SIGINT after the requests in flight.`,
  options: {
    http: { type: 'string', value: 'ADDR', help: 'listen address of the extender, e.g. :8080' },
    inventory: { type: 'string', value: 'DIR', help: 'folder of host files (kind: Host) and Host messages, watched' },
    states: { type: 'string', value: 'DIR', help: 'folder of migration states (NAME.pb), named by file, watched' },
  },
  footer: `
Exit status: 0 stopped by a signal, 2 bad usage or the address cannot be listened on.

Example:
  vpci serve --http :8080 --inventory /etc/vpci/hosts --states /var/lib/vpci/states`,
  async run(io, positionals, o) {
    if (positionals.length > 0) return fail(`serve takes no operands, not "${positionals[0]}"`)
    if (o.http === undefined) return fail('serve takes --http ADDR; see "vpci serve --help"')
    const address = parseListenAddress(o.http)
    if (E.isLeft(address)) return fail(`serve: --http: ${address.left}`)
    const log = (event: object): void => io.err(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`)
    const store = openHostStore({ ...(o.inventory === undefined ? {} : { dir: o.inventory }), io, onEvent: (e) => log(e) })
    const states = openStateRegistry({ ...(o.states === undefined ? {} : { dir: o.states }), io, onEvent: (e) => log({ ...e, kind: e.kind === 'file-refused' ? 'state-file-refused' : e.kind }) })
    let server
    try {
      server = await startExtenderServer({ inventory: () => store.inventory, state: states.get, ready: store.isLoaded }, address.right.host, address.right.port, {
        log: (line) => io.err(`${line}\n`),
      })
    } catch (e) {
      store.close()
      states.close()
      return fail(`serve: cannot listen on ${o.http}: ${oneLine(e instanceof Error ? e.message : String(e))}`)
    }
    log({ kind: 'listening', http: `${address.right.host}:${server.port}` })
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve)
      process.once('SIGINT', resolve)
    })
    log({ kind: 'stopping' })
    await server.close()
    store.close()
    states.close()
    return ExitCode.ok
  },
})

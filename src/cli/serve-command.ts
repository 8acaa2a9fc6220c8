/**
 * `vpci serve [--grpc ADDR] [--http ADDR] [--inventory DIR] [--states DIR]`: the migration
 * service over gRPC and the Kubernetes scheduler extender over HTTP, one or both, over one host
 * store and state registry, until SIGTERM. The server's modules are loaded only when this
 * command runs.
 */
import * as E from 'fp-ts/lib/Either.js'
import { parseListenAddress } from '../service/listen-address.js'
import { command } from './command.js'
import { ExitCode, fail } from './exit.js'

export const serveCommand = command({
  name: 'serve',
  synopsis: ['[--grpc ADDR] [--http ADDR] [--inventory DIR] [--states DIR] [--max-request-bytes N]'],
  summary: 'serve vpci.migration.v1.MigrationService over gRPC (with health and reflection)\nand the Kubernetes scheduler extender over HTTP',
  about: `
Serve the migration service (proto/vpci/migration/v1/service.proto) over gRPC on --grpc ADDR
(host:port; port 0 picks a free one), with the standard health service and server reflection,
and the Kubernetes scheduler extender on --http ADDR (HOST:PORT, :PORT or [IPV6]:PORT): POST
/filter and POST /prioritize in kube-scheduler's extender protocol, GET /healthz, GET /readyz
(200 once the inventory is loaded), GET /metrics (Prometheus text). Give either or both; both
judge the same hosts. The inventory is the hosts in DIR (host files and Host messages at its
top; the files they name must lie inside DIR), loaded once with device models shared and
reloaded when files change, plus what PutHost adds; the extender judges a node as the host of
the same name. --states DIR names the migration states NAME.pb in DIR for callers that give a
state_name (PutState registers more); a pod names its state in the annotation
vpci.dev/migration-state (the message, base64) or vpci.dev/migration-state-name (a NAME). One
JSON line per call goes to standard error. SIGTERM or SIGINT drains: calls in flight finish,
then vpci exits 0.`,
  options: {
    grpc: { type: 'string', value: 'ADDR', help: 'listen for gRPC on ADDR (host:port), e.g. 127.0.0.1:7070' },
    http: { type: 'string', value: 'ADDR', help: 'serve the scheduler extender on ADDR, e.g. :8080' },
    inventory: { type: 'string', value: 'DIR', help: 'host files and Host messages of the inventory, watched for changes' },
    states: { type: 'string', value: 'DIR', help: 'migration states NAME.pb, by NAME, watched for changes' },
    'max-request-bytes': { type: 'string', value: 'N', help: 'refuse larger requests with RESOURCE_EXHAUSTED (default 67108864)' },
  },
  footer: `
Exit status: 0 after draining on SIGTERM, 2 bad usage or an address that cannot be bound.

Example:
  vpci serve --grpc 127.0.0.1:7070 --http :8080 --inventory hosts/
  buf curl --protocol grpc --http2-prior-knowledge --schema proto \\
    --data '{"stateName":"vm-17","hostName":"host-good"}' \\
    http://127.0.0.1:7070/vpci.migration.v1.MigrationService/CheckMigration`,
  async run(_io, positionals, o) {
    if (positionals.length > 0 || (o.grpc === undefined && o.http === undefined)) return fail('serve takes --grpc ADDR, --http ADDR or both; see "vpci serve --help"')
    const max = o['max-request-bytes'] === undefined ? undefined : Number(o['max-request-bytes'])
    if (max !== undefined && !(Number.isSafeInteger(max) && max > 0)) return fail(`serve: --max-request-bytes takes a positive number of bytes, not "${o['max-request-bytes']}"`)
    const http = o.http === undefined ? undefined : parseListenAddress(o.http)
    if (http !== undefined && E.isLeft(http)) return fail(`serve: --http: ${http.left}`)
    const { serve } = await import('../service/serve.js')
    try {
      await serve({
        ...(o.grpc === undefined ? {} : { grpc: o.grpc }),
        ...(http === undefined ? {} : { http: http.right }),
        ...(o.inventory === undefined ? {} : { inventory: o.inventory }),
        ...(o.states === undefined ? {} : { states: o.states }),
        ...(max === undefined ? {} : { maxRequestBytes: max }),
      })
    } catch (e) {
      return fail(`serve: cannot serve on ${[o.grpc, o.http].filter((x) => x !== undefined).join(' and ')}: ${e instanceof Error ? e.message : String(e)}`)
    }
    return ExitCode.ok
  },
})

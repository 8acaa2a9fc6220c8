/**
 * `vpci serve --grpc ADDR [--inventory DIR] [--states DIR]`: the migration service over gRPC
 * until SIGTERM. The server's modules are loaded only when this command runs.
 */
import { command } from './command.js'
import { ExitCode, fail } from './exit.js'

export const serveCommand = command({
  name: 'serve',
  synopsis: ['--grpc ADDR [--inventory DIR] [--states DIR] [--max-request-bytes N]'],
  summary: 'serve vpci.migration.v1.MigrationService over gRPC (with health and reflection)',
  about: `
Serve the migration service (proto/vpci/migration/v1/service.proto) over gRPC on ADDR
(host:port; port 0 picks a free one), with the standard health service and server reflection.
The inventory is the hosts in DIR (host files and Host messages at its top; the files they name
must lie inside DIR), loaded once with device models shared and reloaded when files change,
plus what PutHost adds. --states DIR names the migration states NAME.pb in DIR for callers
that give a state_name (PutState registers more). One JSON line per call goes to standard
error. SIGTERM or SIGINT drains: calls in flight finish, then vpci exits 0.`,
  options: {
    grpc: { type: 'string', value: 'ADDR', help: 'listen for gRPC on ADDR (host:port), e.g. 127.0.0.1:7070' },
    inventory: { type: 'string', value: 'DIR', help: 'host files and Host messages of the inventory, watched for changes' },
    states: { type: 'string', value: 'DIR', help: 'migration states NAME.pb, by NAME, watched for changes' },
    'max-request-bytes': { type: 'string', value: 'N', help: 'refuse larger requests with RESOURCE_EXHAUSTED (default 67108864)' },
  },
  footer: `
Exit status: 0 after draining on SIGTERM, 2 bad usage or an address that cannot be bound.

Example:
  vpci serve --grpc 127.0.0.1:7070 --inventory hosts/
  buf curl --protocol grpc --http2-prior-knowledge --schema proto \\
    --data '{"stateName":"vm-17","hostName":"host-good"}' \\
    http://127.0.0.1:7070/vpci.migration.v1.MigrationService/CheckMigration`,
  async run(_io, positionals, o) {
    if (positionals.length > 0 || o.grpc === undefined) return fail('serve takes --grpc ADDR; see "vpci serve --help"')
    const max = o['max-request-bytes'] === undefined ? undefined : Number(o['max-request-bytes'])
    if (max !== undefined && !(Number.isSafeInteger(max) && max > 0)) return fail(`serve: --max-request-bytes takes a positive number of bytes, not "${o['max-request-bytes']}"`)
    const { serve } = await import('../service/serve.js')
    try {
      await serve({ grpc: o.grpc, ...(o.inventory === undefined ? {} : { inventory: o.inventory }), ...(o.states === undefined ? {} : { states: o.states }), ...(max === undefined ? {} : { maxRequestBytes: max }) })
    } catch (e) {
      return fail(`serve: cannot serve on ${o.grpc}: ${e instanceof Error ? e.message : String(e)}`)
    }
    return ExitCode.ok
  },
})

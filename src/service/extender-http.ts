/**
 * The scheduler extender over HTTP (node:http): `POST /filter` and `POST /prioritize` in
 * kube-scheduler's extender protocol (`../extender/extender-answer.ts`), `GET /healthz` (the
 * process answers), `GET /readyz` (200 once the inventory is loaded, 503 before), `GET /metrics`
 * (Prometheus text). Every reply to the extender verbs is HTTP 200 with a JSON body, whatever was
 * sent: kube-scheduler reads a non-200 as the extender failing, and a protocol error belongs in
 * `Error`. Bodies are read up to `maxBodyBytes`; the rest of a larger body is read and dropped
 * (memory stays bounded) and the reply says so. The server holds no state of its own beyond its
 * metrics: replicas behind a Service answer alike from the same inventory.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { answerFilter, answerPrioritize, type ExtenderSource } from '../extender/extender-answer.js'
import { oneLine } from '../decode/one-line.js'
import { extenderMetrics, type ExtenderMetrics } from './extender-metrics.js'

/** Default body limit: a full v1.NodeList of 5,000 nodes (kube-scheduler's documented scale) at about 20 KiB each. */
export const DEFAULT_MAX_BODY_BYTES = 128 * 1024 * 1024

export interface ExtenderServerOptions {
  readonly maxBodyBytes?: number
  /** One JSON line per request (verb, duration, nodes judged, error); none when absent. */
  readonly log?: (line: string) => void
}

export interface ExtenderServer {
  readonly server: Server
  readonly port: number
  readonly metrics: ExtenderMetrics
  /** Stops accepting, lets requests in flight finish, then resolves. */
  readonly close: () => Promise<void>
}

/** The body as text, or null when it exceeded `limit` bytes (read to its end either way). */
const readBody = (req: IncomingMessage, limit: number): Promise<string | null> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        over = true
        chunks.length = 0
      } else if (!over) chunks.push(chunk)
    })
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks).toString('utf8')))
    req.on('error', () => resolve(null))
  })

const send = (res: ServerResponse, status: number, type: string, body: string): void => {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

const json = (res: ServerResponse, value: unknown): void => send(res, 200, 'application/json', JSON.stringify(value))

/** The request handler (exported for servers that mount it beside others). */
export const extenderHandler = (source: ExtenderSource, options: ExtenderServerOptions = {}, metrics: ExtenderMetrics = extenderMetrics()) => {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const verb = async (name: 'filter' | 'prioritize', req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint()
    const text = await readBody(req, limit)
    let body: unknown
    let problem: string | null = null
    if (text === null) problem = `vpci extender: the request body is larger than ${limit} bytes (or was cut short)`
    else {
      try {
        body = JSON.parse(text)
      } catch (e) {
        problem = `vpci extender: the request body is not JSON: ${oneLine(e instanceof Error ? e.message : String(e))}`
      }
    }
    const answer =
      problem !== null
        ? { body: name === 'filter' ? { Nodes: null, NodeNames: null, FailedNodes: {}, FailedAndUnresolvableNodes: {}, Error: problem } : [], verdicts: [], judged: 0, error: problem }
        : name === 'filter'
          ? answerFilter(source, body)
          : answerPrioritize(source, body)
    json(res, answer.body)
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    metrics.request(name, answer.error === null ? 'ok' : 'error', seconds)
    metrics.judged(name, answer.judged, answer.verdicts)
    options.log?.(JSON.stringify({ verb: name, seconds, nodes: answer.judged, error: answer.error }))
  }
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0]
    const route = `${req.method} ${path}`
    const done = (p: Promise<void>): void => {
      p.catch((e: unknown) => {
        // A broken invariant inside judging: reported in the protocol's own terms, the server stays up.
        if (!res.headersSent) json(res, path === '/prioritize' ? [] : { Nodes: null, NodeNames: null, FailedNodes: {}, FailedAndUnresolvableNodes: {}, Error: `vpci extender: internal error: ${oneLine(String(e))}` })
      })
    }
    switch (route) {
      case 'POST /filter':
        return done(verb('filter', req, res))
      case 'POST /prioritize':
        return done(verb('prioritize', req, res))
      case 'GET /healthz':
        return send(res, 200, 'text/plain', 'ok\n')
      case 'GET /readyz':
        return source.ready() ? send(res, 200, 'text/plain', 'ok\n') : send(res, 503, 'text/plain', 'inventory not loaded\n')
      case 'GET /metrics':
        return done(metrics.registry.metrics().then((text) => send(res, 200, metrics.registry.contentType, text)))
      default:
        req.resume()
        return send(res, path === '/filter' || path === '/prioritize' ? 405 : 404, 'text/plain', path === '/filter' || path === '/prioritize' ? 'POST only\n' : 'not found\n')
    }
  }
}

/** Listens on `host:port` (port 0: any free port) and serves the extender. */
export const startExtenderServer = (source: ExtenderSource, host: string, port: number, options: ExtenderServerOptions = {}): Promise<ExtenderServer> =>
  new Promise((resolve, reject) => {
    const metrics = extenderMetrics()
    const server = createServer(extenderHandler(source, options, metrics))
    server.keepAliveTimeout = 65_000
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        metrics,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeIdleConnections()
          }),
      })
    })
  })

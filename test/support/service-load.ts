/**
 * The service's load, for the load test and the bench: a server of the real code on 127.0.0.1
 * whose inventory holds a generated fleet, and FilterHosts calls sent at once
 * over one grpc-js channel; each answer with its latency (from send to answer).
 */
import * as grpc from '@grpc/grpc-js'
import type { Host } from '../../src/migrate/host.js'
import { vpci as pb } from '../../src/state/generated/migration.js'
import { fleet } from './fleet.js'
import { callRaw, rawClient, type Running, startServer } from './grpc.js'

const m = pb.migration.v1

export interface LoadAnswer {
  readonly code: grpc.status
  readonly details: string
  readonly response: pb.migration.v1.FilterHostsResponse | null
  readonly ms: number
}

export interface Load {
  readonly hosts: readonly Host[]
  readonly running: Running
  /** Sends every request (FilterHostsRequest bytes) at once; their answers in sending order and the wall time. */
  readonly burst: (requests: readonly Uint8Array[]) => Promise<{ readonly answers: readonly LoadAnswer[]; readonly wallMs: number }>
  readonly stop: () => Promise<void>
}

/** A server whose inventory is `hosts` generated hosts (the fleet of seed 42). */
export const startLoad = async (hosts: number): Promise<Load> => {
  const fleetHosts = fleet({ hosts, seed: 42 })
  const running = await startServer()
  for (const h of fleetHosts) running.store.put(h)
  const client = rawClient(running.address)
  return {
    hosts: fleetHosts,
    running,
    burst: async (requests) => {
      const started = performance.now()
      const answers = await Promise.all(
        requests.map(async (request) => {
          const sent = performance.now()
          const r = await callRaw(client, 'FilterHosts', request)
          return { code: r.code, details: r.details, response: r.response === null ? null : m.FilterHostsResponse.decode(r.response), ms: performance.now() - sent }
        }),
      )
      return { answers, wallMs: performance.now() - started }
    },
    stop: async () => {
      client.close()
      await running.stop()
    },
  }
}

const varint = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...varint(Math.floor(n / 128))])

/** A FilterHostsRequest carrying `stateBytes` as they are (field 1), with `rest` (other fields) after it. */
export const filterRequest = (stateBytes: Uint8Array, rest: { readonly namesOnly?: boolean; readonly hostNames?: readonly string[] } = {}): Uint8Array =>
  Buffer.concat([Buffer.from([0x0a, ...varint(stateBytes.length)]), Buffer.from(stateBytes), Buffer.from(m.FilterHostsRequest.encode(rest as never).finish())])

/** The p-th percentile (0-100) of `values` (nearest rank). */
export const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}


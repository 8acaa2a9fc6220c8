/**
 * The extender's Prometheus metrics (prom-client, text exposition format 0.0.4): requests by verb
 * and outcome, latency by verb, hosts judged, and verdicts by code (ACCEPTED, or the first reason's
 * code of a refused host). One registry per server, so several servers in one process (tests,
 * or gRPC and HTTP side by side) never share or collide.
 */
import { Counter, Histogram, Registry } from 'prom-client'
import type { VerdictCode } from '../extender/extender-decision.js'

export interface ExtenderMetrics {
  readonly registry: Registry
  readonly request: (verb: string, outcome: 'ok' | 'error', seconds: number) => void
  readonly judged: (verb: string, hosts: number, verdicts: readonly VerdictCode[]) => void
}

/** Latency buckets (seconds) up to kube-scheduler's default extender timeout, 5 s. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

export const extenderMetrics = (): ExtenderMetrics => {
  const registry = new Registry()
  const requests = new Counter({ name: 'vpci_extender_requests_total', help: 'Extender requests by verb and outcome (error: the answer carried Error).', labelNames: ['verb', 'outcome'], registers: [registry] })
  const latency = new Histogram({ name: 'vpci_extender_request_duration_seconds', help: 'Time from request received to answer written, by verb.', labelNames: ['verb'], buckets: BUCKETS, registers: [registry] })
  const hosts = new Counter({ name: 'vpci_extender_hosts_judged_total', help: 'Nodes judged, by verb.', labelNames: ['verb'], registers: [registry] })
  const verdicts = new Counter({ name: 'vpci_extender_verdicts_total', help: 'Verdicts of /filter by code: ACCEPTED, or the first reason code of a refused node.', labelNames: ['code'], registers: [registry] })
  return {
    registry,
    request: (verb, outcome, seconds) => {
      requests.inc({ verb, outcome })
      latency.observe({ verb }, seconds)
    },
    judged: (verb, n, codes) => {
      if (n > 0) hosts.inc({ verb }, n)
      const counts = new Map<string, number>()
      for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1)
      for (const [code, n] of counts) verdicts.inc({ code }, n)
    },
  }
}

/**
 * Request bodies as kube-scheduler sends them: `ExtenderArgs` marshalled by Go's encoding/json
 * from `k8s.io/kube-scheduler/extender/v1` (no JSON tags: `Pod`, `Nodes`, `NodeNames`), holding a
 * `v1.Pod` and a `v1.NodeList` whose fields carry `k8s.io/api/core/v1`'s JSON tags (camelCase),
 * with the fields a real scheduler fills (uid, resourceVersion, spec, status, conditions,
 * capacity, addresses). Also the hosts and state the extender tests judge with: the corpus hosts
 * (their verdicts for vm-17-n2 are in corpus/README.md) and variants whose refusals an eviction
 * could lift.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { processIo } from '../../src/cli/io.js'
import { loadHost } from '../../src/cli/load-host.js'
import type { Host } from '../../src/migrate/host.js'
import { pasidRanges } from '../../src/pasid/pasid-ranges.js'
import type { MigrationState } from '../../src/state/migration-state.js'
import { decodeMigrationState } from '../../src/state/state-codec.js'
import { corpusPath } from '../support/repo-corpus.js'

/** vm-17-n2's state, as bytes and decoded, from the corpus folder `corpus` (default: the repository's). */
export const n2From = (corpus = corpusPath('')): { readonly bytes: Uint8Array; readonly state: MigrationState } => {
  const bytes = new Uint8Array(readFileSync(join(corpus, 'state/vm-17-n2-schema-v1.pb')))
  const s = decodeMigrationState(bytes)
  if (E.isLeft(s)) throw new Error(JSON.stringify(s.left))
  return { bytes, state: s.right }
}

export const corpusHost = async (name: string, corpus = corpusPath('')): Promise<Host> => {
  const h = await loadHost(processIo, join(corpus, `hosts/${name}.yaml`), { root: corpus })
  if (E.isLeft(h)) throw new Error(JSON.stringify(h.left))
  return h.right
}

/**
 * The corpus hosts and two variants of host-good: `host-busy` (every function taken by other VMs:
 * an eviction frees them) and `host-pasids-taken` (every global PASID above the split allocated:
 * an eviction frees them).
 */
export const judgedHosts = async (corpus = corpusPath('')): Promise<Host[]> => {
  const good = await corpusHost('host-good', corpus)
  const busy: Host = { ...good, name: 'host-busy', functions: good.functions.map((f) => ({ ...f, free: false })) }
  const full: Host = { ...good, name: 'host-pasids-taken', pasid: { ...good.pasid!, global: pasidRanges(good.pasid!.global.width, [[64, 2 ** good.pasid!.global.width - 1]]) } }
  return [good, await corpusHost('host-v2-accelerator', corpus), await corpusHost('host-split-low', corpus), await corpusHost('host-no-translation', corpus), busy, full]
}

/** A v1.Pod as the API server returns it, with `annotations`. */
export const kubePod = (annotations: Record<string, string>): object => ({
  metadata: {
    name: 'virt-launcher-vm-17-x7k2p',
    generateName: 'virt-launcher-vm-17-',
    namespace: 'tenants',
    uid: '6f0d3a7e-9a43-4c1e-8f0a-3b1f3c0f2d11',
    resourceVersion: '918273',
    creationTimestamp: '2026-11-30T22:10:00Z',
    labels: { 'kubevirt.io': 'virt-launcher', 'vm.kubevirt.io/name': 'vm-17' },
    annotations,
    ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', name: 'vm-17', uid: '0b7c6c1e-55aa-4c57-9a6e-0d5f2b7e4a10', controller: true, blockOwnerDeletion: true }],
  },
  spec: {
    containers: [{ name: 'compute', image: 'quay.io/kubevirt/virt-launcher:v1.4.0', resources: { limits: { cpu: '4', memory: '8Gi' }, requests: { cpu: '4', memory: '8Gi' } } }],
    schedulerName: 'default-scheduler',
    restartPolicy: 'Never',
    priority: 0,
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
  },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastProbeTime: null, lastTransitionTime: '2026-11-30T22:10:01Z' }], qosClass: 'Guaranteed' },
})

/** A v1.Node as the API server returns it. */
export const kubeNode = (name: string, i = 0): object => ({
  metadata: { name, uid: `node-uid-${i}`, resourceVersion: String(1000 + i), creationTimestamp: '2026-10-01T00:00:00Z', labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' } },
  spec: { podCIDR: `10.244.${i % 256}.0/24`, providerID: `metal://${name}` },
  status: {
    capacity: { cpu: '64', memory: '527988240Ki', pods: '110' },
    allocatable: { cpu: '62', memory: '525000000Ki', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-11-30T22:09:50Z', lastTransitionTime: '2026-10-01T00:01:00Z', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
    addresses: [{ type: 'InternalIP', address: `10.0.${i >> 8}.${i & 255}` }, { type: 'Hostname', address: name }],
    nodeInfo: { kubeletVersion: 'v1.34.2', containerRuntimeVersion: 'containerd://2.1.4', kernelVersion: '6.12.0', osImage: 'Debian GNU/Linux 13 (trixie)', architecture: 'amd64', operatingSystem: 'linux', machineID: '', systemUUID: '', bootID: '', kubeProxyVersion: '' },
  },
})

/** ExtenderArgs of a nodeCacheCapable extender: node names only. */
export const namesArgs = (pod: object, names: readonly string[]): object => ({ Pod: pod, Nodes: null, NodeNames: names })
/** ExtenderArgs of an extender without a node cache: the whole NodeList. */
export const nodesArgs = (pod: object, names: readonly string[]): object => ({ Pod: pod, Nodes: { metadata: { resourceVersion: '918300' }, items: names.map((n, i) => kubeNode(n, i)) }, NodeNames: null })

export const post = async (base: string, path: string, body: string | object): Promise<{ status: number; json: unknown; text: string }> => {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  const text = await res.text()
  let json: unknown = null
  try {
    json = JSON.parse(text)
  } catch {
    json = null
  }
  return { status: res.status, json, text }
}

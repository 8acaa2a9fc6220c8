/**
 * Every file of deploy/kubernetes/ parsed and checked as the API server would check it: against
 * the typed models of @kubernetes/client-node where they cover the kind (unknown fields, types,
 * required fields: test/support/kube-model.ts), and against the API's documented validation
 * rules, each written as a check with its source. KubeSchedulerConfiguration, a component
 * configuration the client does not model, is checked field by field against
 * k8s.io/kube-scheduler/config/v1 (types.go `Extender`) and the scheduler's own validation
 * (pkg/scheduler/apis/config/validation/validation.go `validateExtenders`). The files must also
 * agree with each other and with vpci: the Deployment's arguments parse as `vpci serve`, the
 * Service and urlPrefix meet, the inventory's host files decode, the DRA objects are what
 * `vpci dra` writes.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { parse as parseCel } from '@bufbuild/cel'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { parseCommand } from '../../src/cli/command.js'
import { COMMANDS } from '../../src/cli/run.js'
import { serveCommand } from '../../src/cli/serve-command.js'
import { claimTemplate, deviceClass } from '../../src/dra/device-selectors.js'
import {
  attributeNameProblem,
  attributeValueProblem,
  dnsLabelProblem,
  dnsSubdomainProblem,
  driverNameProblem,
  MAX_ATTRIBUTES_PER_DEVICE,
  MAX_DEVICES_PER_SLICE,
  poolNameProblem,
} from '../../src/dra/dra-limits.js'
import { decodeHostFile } from '../../src/host/host-file.js'
import { modelOf, modelProblems } from '../support/kube-model.js'

const DIR = new URL('../../deploy/kubernetes/', import.meta.url)
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort()

type Obj = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const documents: Array<{ file: string; doc: Obj }> = FILES.flatMap((file) =>
  parseAllDocuments(readFileSync(new URL(file, DIR), 'utf8')).map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`)
    return { file, doc: d.toJS() as Obj }
  }),
)
const ofKind = (kind: string): Obj[] => documents.filter((d) => d.doc.kind === kind).map((d) => d.doc)
const one = (kind: string): Obj => {
  const all = ofKind(kind)
  expect(all, kind).toHaveLength(1)
  return all[0]!
}

// k8s.io/apimachinery/pkg/util/validation/validation.go: IsDNS1035Label, IsValidLabelValue,
// IsQualifiedName, IsValidPortName, IsConfigMapKey.
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/
const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/
/** core/validation: ConfigMap data and binaryData together at most MaxSecretSize, 1 MiB. */
const MAX_CONFIG_MAP = 1024 * 1024
/** resource/v1 types.go DeviceSelectorsMaxSize, DeviceRequestsMaxSize. */
const MAX_SELECTORS = 32
const MAX_REQUESTS = 32

const labelProblems = (labels: Obj | undefined, where: string): string[] =>
  Object.entries(labels ?? {}).flatMap(([k, v]) => {
    const [prefix, name] = k.includes('/') ? [k.slice(0, k.indexOf('/')), k.slice(k.indexOf('/') + 1)] : [null, k]
    const out: string[] = []
    if (prefix !== null && dnsSubdomainProblem(prefix) !== null) out.push(`${where} label ${k}: prefix is not a DNS subdomain`)
    if (name.length > 63 || !QUALIFIED_NAME.test(name)) out.push(`${where} label ${k}: not a qualified name`)
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) out.push(`${where} label ${k}: value ${v} is not a label value`)
    return out
  })

describe('deploy/kubernetes', () => {
  it('holds the server\'s Deployment and Service, the inventory, the scheduler configuration and the DRA objects', () => {
    expect(documents.map((d) => d.doc.kind).sort()).toEqual(
      ['ConfigMap', 'ConfigMap', 'Deployment', 'DeviceClass', 'KubeSchedulerConfiguration', 'Namespace', 'ResourceClaimTemplate', 'ResourceClaimTemplate', 'ResourceClaimTemplate', 'ResourceClaimTemplate', 'ResourceSlice', 'Service'].sort(),
    )
  })

  it.each(documents.filter((d) => modelOf(d.doc.apiVersion, d.doc.kind) !== null).map((d) => [`${d.file} ${d.doc.kind} ${d.doc.metadata?.name}`, d.doc] as const))(
    '%s fits the client\'s typed model (no unknown field, types, required fields)',
    (_, doc) => {
      expect(modelProblems(doc, modelOf(doc.apiVersion, doc.kind)!)).toEqual([])
    },
  )

  it('every kind but the scheduler\'s configuration has a typed model', () => {
    expect(documents.filter((d) => modelOf(d.doc.apiVersion, d.doc.kind) === null).map((d) => d.doc.kind)).toEqual(['KubeSchedulerConfiguration'])
  })

  it('object names and labels follow the API\'s name rules (ValidateObjectMeta; Namespace: DNS-1123 label; Service: DNS-1035 label)', () => {
    for (const { doc } of documents) {
      if (doc.kind === 'KubeSchedulerConfiguration') continue
      const name: string = doc.metadata.name
      const problem = doc.kind === 'Namespace' ? dnsLabelProblem(name) : doc.kind === 'Service' ? (DNS1035.test(name) && name.length <= 63 ? null : `${name} is not a DNS-1035 label`) : dnsSubdomainProblem(name)
      expect(problem, `${doc.kind} ${name}`).toBeNull()
      expect(labelProblems(doc.metadata.labels, `${doc.kind} ${name}`)).toEqual([])
      if (doc.metadata.namespace !== undefined) expect(dnsLabelProblem(doc.metadata.namespace)).toBeNull()
    }
  })

  it('the Deployment: its selector matches its pods\' labels, ports and probes are valid, and its arguments are a vpci serve command line over the mounted folders', () => {
    const d = one('Deployment')
    const pod = d.spec.template
    // apps/validation ValidateDeploymentSpec: "selector does not match template labels".
    for (const [k, v] of Object.entries(d.spec.selector.matchLabels as Obj)) expect(pod.metadata.labels[k]).toBe(v)
    expect(labelProblems(pod.metadata.labels, 'pod template')).toEqual([])
    const [c] = pod.spec.containers
    for (const p of c.ports) {
      expect(p.containerPort).toBeGreaterThanOrEqual(1)
      expect(p.containerPort).toBeLessThanOrEqual(65535)
      expect(p.name.length <= 15 && PORT_NAME.test(p.name) && /[a-z]/.test(p.name)).toBe(true)
    }
    for (const probe of [c.readinessProbe, c.livenessProbe]) expect(c.ports.map((p: Obj) => p.name)).toContain(probe.httpGet.port)
    expect([c.readinessProbe.httpGet.path, c.livenessProbe.httpGet.path]).toEqual(['/readyz', '/healthz'])
    expect(c.command).toEqual(['vpci'])
    const [verb, ...args] = c.args as string[]
    expect(verb).toBe('serve')
    const parsed = parseCommand(serveCommand, args, COMMANDS)
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    const mounts = Object.fromEntries((c.volumeMounts as Obj[]).map((m) => [m.mountPath, m.name]))
    const volumes = Object.fromEntries((pod.spec.volumes as Obj[]).map((v) => [v.name, v.configMap.name]))
    expect(volumes[mounts[parsed.values.inventory!]!]).toBe('vpci-inventory')
    expect(volumes[mounts[parsed.values.states!]!]).toBe('vpci-states')
    expect(`:${c.ports[0].containerPort}`).toBe(parsed.values.http)
  })

  it('the Service selects the Deployment\'s pods and targets its named port; the scheduler\'s urlPrefix names the Service', () => {
    const s = one('Service')
    const d = one('Deployment')
    for (const [k, v] of Object.entries(s.spec.selector as Obj)) expect(d.spec.template.metadata.labels[k]).toBe(v)
    const port = s.spec.ports[0]
    expect(d.spec.template.spec.containers[0].ports.map((p: Obj) => p.name)).toContain(port.targetPort)
    const url = new URL(one('KubeSchedulerConfiguration').extenders[0].urlPrefix)
    expect(url.hostname).toBe(`${s.metadata.name}.${s.metadata.namespace}.svc`)
    expect(Number(url.port)).toBe(port.port)
  })

  it('the ConfigMaps: valid keys, at most 1 MiB, and every inventory entry a host file vpci reads without other files', () => {
    for (const cm of ofKind('ConfigMap')) {
      let size = 0
      for (const [k, v] of [...Object.entries(cm.data ?? {}), ...Object.entries(cm.binaryData ?? {})]) {
        expect(k.length <= 253 && CONFIG_MAP_KEY.test(k), k).toBe(true)
        size += Buffer.byteLength(v as string)
      }
      expect(size).toBeLessThanOrEqual(MAX_CONFIG_MAP)
    }
    const inventory = ofKind('ConfigMap').find((c) => c.metadata.name === 'vpci-inventory')!
    for (const [k, text] of Object.entries(inventory.data as Obj)) {
      const spec = decodeHostFile(text as string)
      expect(E.isRight(spec), k).toBe(true)
      if (E.isRight(spec)) for (const f of spec.right.functions) expect('path' in f.source).toBe(false)
    }
  })

  it('KubeSchedulerConfiguration: only the Extender fields of kube-scheduler config v1, with validateExtenders\' rules', () => {
    const cfg = one('KubeSchedulerConfiguration')
    expect(cfg.apiVersion).toBe('kubescheduler.config.k8s.io/v1')
    expect(Object.keys(cfg).filter((k) => !['apiVersion', 'kind', 'extenders', 'profiles'].includes(k))).toEqual([])
    // k8s.io/kube-scheduler/config/v1 types.go, type Extender: its JSON fields and their types.
    const FIELDS: Record<string, string> = {
      urlPrefix: 'string',
      filterVerb: 'string',
      preemptVerb: 'string',
      prioritizeVerb: 'string',
      weight: 'number',
      bindVerb: 'string',
      enableHTTPS: 'boolean',
      tlsConfig: 'object',
      httpTimeout: 'string',
      nodeCacheCapable: 'boolean',
      managedResources: 'object',
      ignorable: 'boolean',
    }
    for (const x of cfg.extenders as Obj[]) {
      for (const [k, v] of Object.entries(x)) expect([k, typeof v]).toEqual([k, FIELDS[k]])
      expect(typeof x.urlPrefix).toBe('string')
      // validateExtenders: "must have a positive weight applied to it" when prioritizeVerb is set.
      if (x.prioritizeVerb !== undefined) expect(Number.isInteger(x.weight) && x.weight > 0).toBe(true)
      // metav1.Duration: Go's time.ParseDuration syntax.
      expect(x.httpTimeout).toMatch(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/)
      expect([x.filterVerb, x.prioritizeVerb, x.nodeCacheCapable, x.ignorable]).toEqual(['filter', 'prioritize', true, false])
    }
  })

  it('the ResourceSlice keeps the DRA limits (resource/v1 types.go): driver, pool, 128 devices, 32 attributes each, names, 64-byte strings, one value each, one node selection', () => {
    for (const s of ofKind('ResourceSlice')) {
      expect(driverNameProblem(s.spec.driver)).toBeNull()
      expect(poolNameProblem(s.spec.pool.name)).toBeNull()
      expect(['nodeName', 'nodeSelector', 'allNodes', 'perDeviceNodeSelection'].filter((k) => k in s.spec)).toHaveLength(1)
      expect(s.spec.devices.length).toBeLessThanOrEqual(MAX_DEVICES_PER_SLICE)
      expect(new Set(s.spec.devices.map((d: Obj) => d.name)).size).toBe(s.spec.devices.length)
      for (const d of s.spec.devices as Obj[]) {
        expect(dnsLabelProblem(d.name)).toBeNull()
        const attributes = Object.entries(d.attributes as Obj)
        expect(attributes.length + Object.keys(d.capacity ?? {}).length).toBeLessThanOrEqual(MAX_ATTRIBUTES_PER_DEVICE)
        for (const [name, v] of attributes) {
          expect(attributeNameProblem(name)).toBeNull()
          expect(Object.keys(v as Obj)).toHaveLength(1)
          if (typeof (v as Obj).string === 'string') expect(attributeValueProblem((v as Obj).string)).toBeNull()
        }
      }
    }
  })

  it('the DRA selectors: CEL that parses, at most 32 selectors and requests, request names DNS labels, exactly one of exactly/firstAvailable; as vpci dra writes them', () => {
    const cls = one('DeviceClass')
    expect(cls).toEqual(deviceClass('vpci.dev'))
    const expressions = [...cls.spec.selectors]
    for (const t of ofKind('ResourceClaimTemplate')) {
      const requests = t.spec.spec.devices.requests as Obj[]
      expect(requests.length).toBeLessThanOrEqual(MAX_REQUESTS)
      for (const r of requests) {
        expect(dnsLabelProblem(r.name)).toBeNull()
        expect(['exactly', 'firstAvailable'].filter((k) => k in r)).toEqual(['exactly'])
        expect(r.exactly.selectors.length).toBeLessThanOrEqual(MAX_SELECTORS)
        expect(r.exactly.deviceClassName).toBe(cls.metadata.name)
        expressions.push(...r.exactly.selectors)
      }
      const type = (t.metadata.name as string).replace(/^backs-/, '')
      expect(t).toEqual(claimTemplate('vpci.dev', cls.metadata.name, type, { namespace: 'tenants' }))
    }
    for (const s of expressions) expect(() => parseCel(s.cel.expression)).not.toThrow()
  })
})

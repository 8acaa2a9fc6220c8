/**
 * The ResourceSlice of the scanned lab host (corpus/sysfs-trees, recipe `lab`) with the corpus
 * instance types (corpus/layouts): each device lists the layouts it can back (corpus/README.md:
 * a V2 NIC presents the V1 and V2 NIC layouts, a V1 NIC only V1's; the V1 accelerator backs the
 * V1 accelerator layout and not the V2's, whose PRI capacity and PASID width it lacks), and each
 * claim template's CEL selector, run by @bufbuild/cel (a CEL implementation the project did not
 * write) on the devices as Kubernetes exposes them to CEL, selects exactly the devices `realize`
 * accepts. Attribute values come from the tree's own files and the recipe's personas.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type CelInput, run } from '@bufbuild/cel'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { buildTree } from '../../corpus/sysfs-trees/make-sysfs-tree.mjs'
import { nodeSysfsReader } from '../../src/capture/node-sysfs-reader.js'
import { scanHost } from '../../src/capture/scan-host.js'
import { scannedHost } from '../../src/capture/scanned-host.js'
import { claimTemplate, deviceClass } from '../../src/dra/device-selectors.js'
import { MAX_ATTRIBUTES_PER_DEVICE } from '../../src/dra/dra-limits.js'
import { type InstanceType, MAX_INSTANCE_TYPES_PER_DEVICE, type ResourceSlice, resourceSlice } from '../../src/dra/resource-slice.js'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { decodePersonaMatrix } from '../../src/layout/persona.js'
import { realize } from '../../src/layout/realize.js'
import type { Host } from '../../src/migrate/host.js'
import { vpci } from '../support/cli.js'
import { corpusPath, readCorpusText } from '../support/repo-corpus.js'

const DRIVER = 'vpci.dev'

const labHost = async (): Promise<{ host: Host; sys: string; cpuinfo: string; dir: string }> => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-dra-'))
  const { sys, cpuinfo } = buildTree(join(dir, 'lab'), 'lab')
  const personas = decodePersonaMatrix(readCorpusText('personas.yaml'), 'personas.yaml')
  if (E.isLeft(personas)) throw new Error('personas')
  const scan = await scanHost(nodeSysfsReader, { root: sys, name: 'lab', cpuinfo, personas: personas.right, pasid: { allocated: [], split: 64, cpuTranslation: true } })
  if (E.isLeft(scan)) throw new Error(JSON.stringify(scan.left))
  return { host: scannedHost(scan.right), sys, cpuinfo, dir }
}

const TYPES: InstanceType[] = readdirSync(corpusPath('layouts'))
  .filter((n) => n.endsWith('.yaml'))
  .sort()
  .map((n) => {
    const l = decodeLayout(readFileSync(corpusPath(`layouts/${n}`), 'utf8'), n)
    if (E.isLeft(l)) throw new Error(n)
    return { name: n.replace(/\.yaml$/, ''), layout: l.right }
  })

/** corpus/README.md and the recipe: which instance types each free function of the lab host backs. */
const BACKS: Record<string, string[]> = {
  '0000:3b:00.0': ['nic-v1'],
  '0000:5a:00.0': ['accelerator-v1'],
  '0000:5e:00.0': ['nic-v1', 'nic-v2'],
}

/** A device as Kubernetes gives it to CEL: `device.driver`, `device.attributes[DOMAIN][ID]` (unqualified names in the driver's domain; ints as CEL int). */
const celDevice = (slice: ResourceSlice, d: ResourceSlice['spec']['devices'][number]) => {
  const byDomain = new Map<string, Map<string, CelInput>>()
  for (const [name, v] of Object.entries(d.attributes)) {
    const slash = name.indexOf('/')
    const domain = slash < 0 ? slice.spec.driver : name.slice(0, slash)
    const id = slash < 0 ? name : name.slice(slash + 1)
    if (!byDomain.has(domain)) byDomain.set(domain, new Map())
    byDomain.get(domain)!.set(id, 'int' in v ? BigInt(v.int) : 'bool' in v ? v.bool : v.string)
  }
  return new Map<string, CelInput>([
    ['driver', slice.spec.driver],
    ['attributes', byDomain as CelInput],
  ])
}

describe('the lab host as a ResourceSlice', () => {
  it('one device per free function, with the layouts it can back, its persona, PASID width, vendor and device', async () => {
    const { host, sys } = await labHost()
    const slices = resourceSlice(host, TYPES, { driver: DRIVER, pool: 'lab' })
    if (E.isLeft(slices)) throw new Error(JSON.stringify(slices.left))
    expect(slices.right).toHaveLength(1)
    const slice = slices.right[0]!
    expect(slice.spec).toMatchObject({ driver: DRIVER, nodeName: 'lab', pool: { name: 'lab', generation: 1, resourceSliceCount: 1 } })
    expect(slice.spec.devices.map((d) => d.name)).toEqual(['pci-0000-3b-00-0', 'pci-0000-5a-00-0', 'pci-0000-5e-00-0'])
    // The recipe: NIC V1 has no PASID capability; the accelerator 20 bits, the NIC V2 16, the IOMMU 20.
    const width: Record<string, number> = { '0000:3b:00.0': 0, '0000:5a:00.0': 20, '0000:5e:00.0': 16 }
    for (const d of slice.spec.devices) {
      const address = (d.attributes.address as { string: string }).string
      const backs = Object.keys(d.attributes).filter((k) => k.startsWith('backs_'))
      expect(backs).toEqual(BACKS[address]!.map((t) => `backs_${t.replace(/-/g, '_')}`))
      for (const b of backs) expect(d.attributes[b]).toEqual({ bool: true })
      const dir = `${sys}/bus/pci/devices/${address}`
      expect(d.attributes.vendor).toEqual({ string: readFileSync(`${dir}/vendor`, 'utf8').trim() })
      expect(d.attributes.device).toEqual({ string: readFileSync(`${dir}/device`, 'utf8').trim() })
      expect(d.attributes.pasidWidth).toEqual({ int: width[address] })
      expect(Object.keys(d.attributes).length).toBeLessThanOrEqual(MAX_ATTRIBUTES_PER_DEVICE)
    }
    const v2 = slice.spec.devices[2]!.attributes
    expect([v2.family, v2.hardwareVersion, v2.firmware, v2.streams]).toEqual([{ string: 'vpci-example-nic' }, { string: 'V2' }, { string: '2.1' }, { string: ',2,3,' }])
  })

  it('each claim template\'s CEL selector (with the DeviceClass\'s) selects exactly the devices realize accepts', async () => {
    const { host } = await labHost()
    const slice = (resourceSlice(host, TYPES, { driver: DRIVER, pool: 'lab' }) as E.Right<readonly ResourceSlice[]>).right[0]!
    // A device of another driver, with the same attribute names in its own domain: never selected.
    const other: ResourceSlice = { ...slice, spec: { ...slice.spec, driver: 'other.example.com' } }
    const cls = deviceClass(DRIVER)
    for (const t of TYPES) {
      const claim = claimTemplate(DRIVER, cls.metadata.name, t.name)
      const selectors = [...cls.spec.selectors, ...claim.spec.spec.devices.requests[0]!.exactly.selectors].map((s) => s.cel.expression)
      const selected = slice.spec.devices.filter((d) => selectors.every((expr) => run(expr, { device: celDevice(slice, d) }) === true)).map((d) => (d.attributes.address as { string: string }).string)
      const realizable = host.functions.filter((f) => f.free && E.isRight(realize(t.layout, f.function, { destinationPersona: f.persona })) && (realize(t.layout, f.function, { destinationPersona: f.persona }) as E.Right<{ compatible: boolean }>).right.compatible).map((f) => f.address)
      expect(selected).toEqual(realizable)
      expect(selected).toEqual(Object.keys(BACKS).filter((a) => BACKS[a]!.includes(t.name)))
      for (const d of other.spec.devices) expect(selectors.every((expr) => run(expr, { device: celDevice(other, d) }) === true)).toBe(false)
    }
  })

  it('a function backing more instance types than a device has attributes for is refused, never listed partly', async () => {
    const { host } = await labHost()
    const nicV1 = TYPES.find((t) => t.name === 'nic-v1')!
    const many = Array.from({ length: MAX_INSTANCE_TYPES_PER_DEVICE + 1 }, (_, i) => ({ name: `nic-v1-copy${i}`, layout: nicV1.layout }))
    const r = resourceSlice(host, many, { driver: DRIVER, pool: 'lab' })
    expect(E.isLeft(r)).toBe(true)
    expect((r as E.Left<ReadonlyArray<{ message: string }>>).left.map((e) => e.message.split(' ')[0])).toEqual(['0000:3b:00.0', '0000:5e:00.0'])
    expect(E.isRight(resourceSlice(host, many.slice(1), { driver: DRIVER, pool: 'lab' }))).toBe(true)
  })

  it('names the API refuses are refused here: driver, pool, instance types that collide or are too long', async () => {
    const { host } = await labHost()
    const l = TYPES[0]!.layout
    for (const [types, options] of [
      [TYPES, { driver: 'Not_A_Domain', pool: 'lab' }],
      [TYPES, { driver: DRIVER, pool: 'a//b' }],
      [[{ name: 'a-b', layout: l }, { name: 'a_b', layout: l }], { driver: DRIVER, pool: 'lab' }],
      [[{ name: 'x'.repeat(27), layout: l }], { driver: DRIVER, pool: 'lab' }],
    ] as const) expect(E.isLeft(resourceSlice(host, types, options))).toBe(true)
    expect(E.isRight(resourceSlice(host, [{ name: 'x'.repeat(26), layout: l }], { driver: DRIVER, pool: 'lab' }))).toBe(true)
  })

  it('through the CLI: host scan, then dra resourceslice, deviceclass and claimtemplate as YAML', async () => {
    const { sys, cpuinfo, dir } = await labHost()
    const hostFile = join(dir, 'lab.yaml')
    const scanned = await vpci('host', 'scan', '--sysfs', sys, '--cpuinfo', cpuinfo, '--personas', corpusPath('personas.yaml'), '--name', 'lab', '--pasid-allocated', 'none', '--split', '64', '--cpu-translation', '-o', hostFile)
    expect(scanned.code).toBe(0)
    const out = await vpci('dra', 'resourceslice', hostFile, '--layouts', corpusPath('layouts'), '--driver', DRIVER, '--pool', 'lab', '--root', sys)
    expect([out.code, out.stderr]).toEqual([0, ''])
    const [doc] = parseAllDocuments(out.stdout).map((d) => d.toJS() as ResourceSlice)
    expect(doc!.spec.devices.map((d) => Object.keys(d.attributes).filter((k) => k.startsWith('backs_')))).toEqual([['backs_nic_v1'], ['backs_accelerator_v1'], ['backs_nic_v1', 'backs_nic_v2']])
    const claim = await vpci('dra', 'claimtemplate', 'nic-v2', '--driver', DRIVER)
    expect(parseAllDocuments(claim.stdout)[0]!.toJS()).toEqual(claimTemplate(DRIVER, DRIVER, 'nic-v2'))
    expect((await vpci('dra', 'deviceclass')).code).toBe(2)
    expect((await vpci('dra', 'resourceslice', hostFile, '--driver', DRIVER)).code).toBe(2)
  })
})

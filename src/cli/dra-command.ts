/**
 * `vpci dra resourceslice HOST --layouts DIR --driver NAME --pool NAME`, `vpci dra deviceclass
 * --driver NAME` and `vpci dra claimtemplate TYPE --driver NAME`: the Dynamic Resource Allocation
 * objects (`resource.k8s.io/v1`) that let kube-scheduler's CEL pick a function able to back an
 * instance type (src/dra/). Written as YAML documents.
 */
import { readdir } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { stringify } from 'yaml'
import { claimTemplate, deviceClass } from '../dra/device-selectors.js'
import { dnsLabelProblem, driverNameProblem } from '../dra/dra-limits.js'
import { type InstanceType, resourceSlice } from '../dra/resource-slice.js'
import { oneLine } from '../decode/one-line.js'
import { command } from './command.js'
import { ExitCode, fail, type Failure, failAll, type Outcome } from './exit.js'
import type { CliIo } from './io.js'
import { loadHost } from './load-host.js'
import { loadLayout } from './load-layout.js'
import { OUTPUT, ROOT } from './options.js'
import { writeOutput } from './output.js'

/** Layout files a folder may hold: instance types are named by their file name without this. */
const LAYOUT_EXTENSIONS = new Set(['.yaml', '.yml'])
/** Layout files read from one folder (the API leaves room for 23 per device anyway). */
const MAX_LAYOUT_FILES = 1000

const yamlDocuments = (objects: readonly object[]): string => objects.map((o) => stringify(o, { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' })).join('---\n')

/** Every layout of the folder, named by file; or every error. */
const loadTypes = async (io: CliIo, dir: string): Promise<E.Either<Failure, InstanceType[]>> => {
  let names: string[]
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && LAYOUT_EXTENSIONS.has(extname(e.name))).map((e) => e.name).sort()
  } catch (e) {
    return E.left(fail(`dra: --layouts ${dir}: ${oneLine(e instanceof Error ? e.message : String(e))}`))
  }
  if (names.length > MAX_LAYOUT_FILES) return E.left(fail(`dra: --layouts ${dir} holds ${names.length} layout files, more than ${MAX_LAYOUT_FILES}`))
  const types: InstanceType[] = []
  const failures: Failure[] = []
  for (const n of names) {
    const layout = await loadLayout(io, join(dir, n))
    if (E.isLeft(layout)) failures.push(layout.left)
    else types.push({ name: basename(n, extname(n)), layout: layout.right })
  }
  return failures.length > 0 ? E.left(failAll(failures)) : E.right(types)
}

export const draCommand = command({
  name: 'dra',
  synopsis: [
    'resourceslice HOST --layouts DIR --driver NAME --pool NAME [--root DIR] [-o FILE]',
    'deviceclass --driver NAME [--class NAME] [-o FILE]',
    'claimtemplate TYPE --driver NAME [--class NAME] [--namespace NS] [-o FILE]',
  ],
  summary: 'Kubernetes DRA objects: a host\'s ResourceSlice with the instance types each\nfunction can back, its DeviceClass, a ResourceClaimTemplate per instance type',
  about: `
resourceslice writes the resource.k8s.io/v1 ResourceSlice of HOST (a host file or Host message,
e.g. from vpci host scan; node name = host name): one device per free function with attributes
kube-scheduler's CEL selects on: address, vendor, device, family, hardwareVersion, firmware,
streams (",1,2,"), pasidWidth, and backs_TYPE: true for each layout TYPE.yaml of --layouts DIR
the function can back (as vpci check's realizability decides). A device holds at most 32
attributes (the API's limit), so at most 23 instance types; a function backing more is an error.

deviceclass writes the DeviceClass of the driver's devices; claimtemplate the
ResourceClaimTemplate asking for one device that can back instance type TYPE.`,
  options: {
    layouts: { type: 'string', value: 'DIR', help: 'folder of instance-type layout files (TYPE.yaml)' },
    driver: { type: 'string', value: 'NAME', help: 'the DRA driver name (a DNS subdomain, e.g. vpci.dev)' },
    pool: { type: 'string', value: 'NAME', help: 'the resource pool name (e.g. the node name)' },
    class: { type: 'string', value: 'NAME', help: 'the DeviceClass name (default: the driver name)' },
    namespace: { type: 'string', value: 'NS', help: 'the claim template\'s namespace' },
    root: ROOT,
    output: OUTPUT,
  },
  footer: `
Exit status: 0 written, 2 bad input or usage.

Example:
  vpci dra resourceslice host.yaml --layouts layouts/ --driver vpci.dev --pool node-7 --root /sys
  vpci dra claimtemplate nic-v1 --driver vpci.dev`,
  async run(io, positionals, o): Promise<Outcome> {
    const [action, ...rest] = positionals
    if (o.driver === undefined) return fail('dra takes --driver NAME; see "vpci dra --help"')
    const driverProblem = driverNameProblem(o.driver)
    if (driverProblem !== null) return fail(`dra: --driver: ${driverProblem}`)
    const className = o.class ?? o.driver
    if (action === 'resourceslice') {
      if (rest.length !== 1 || o.layouts === undefined || o.pool === undefined) return fail('dra resourceslice takes HOST, --layouts DIR and --pool NAME')
      const host = await loadHost(io, rest[0]!, o.root === undefined ? {} : { root: o.root })
      if (E.isLeft(host)) return host.left
      const types = await loadTypes(io, o.layouts)
      if (E.isLeft(types)) return types.left
      const slices = resourceSlice(host.right, types.right, { driver: o.driver, pool: o.pool })
      if (E.isLeft(slices)) return failAll(slices.left.map((e) => fail(`dra resourceslice: ${e.message}`)))
      return (await writeOutput(io, o.output, yamlDocuments(slices.right))) ?? ExitCode.ok
    }
    if (action === 'deviceclass') {
      if (rest.length > 0) return fail('dra deviceclass takes no operand')
      return (await writeOutput(io, o.output, yamlDocuments([deviceClass(o.driver, className)]))) ?? ExitCode.ok
    }
    if (action === 'claimtemplate') {
      if (rest.length !== 1) return fail('dra claimtemplate takes one TYPE')
      const t = claimTemplate(o.driver, className, rest[0]!, o.namespace === undefined ? {} : { namespace: o.namespace })
      const problem = dnsLabelProblem(t.metadata.name)
      if (problem !== null) return fail(`dra claimtemplate: ${problem}`)
      return (await writeOutput(io, o.output, yamlDocuments([t]))) ?? ExitCode.ok
    }
    return fail(`dra takes resourceslice, deviceclass or claimtemplate${action === undefined ? '' : `, not "${action}"`}`)
  },
})

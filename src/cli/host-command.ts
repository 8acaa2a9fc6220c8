/**
 * `vpci host scan` (host-scan-command.ts), `vpci host encode HOST [-o HOST.pb]` and `vpci host
 * decode HOST.pb [-o HOST.yaml]`: a host from sysfs, and a host between its file form (YAML,
 * kind Host) and the `vpci.migration.v1.Host` message. Encoding embeds the config space of every
 * function the host names by file (a dump or sysfs folder as its image and resources, a layout
 * inline; each file inside the root folder, as check reads them), so the message travels alone;
 * decoding writes a host file that carries everything the message does. Encode and decode take
 * either form (told by content).
 */
import * as E from 'fp-ts/lib/Either.js'
import { encodeHostFile } from '../host/host-file-encode.js'
import type { HostFunctionSpec } from '../host/host-spec.js'
import { encodeHostMessage } from '../state/host-codec.js'
import { command } from './command.js'
import { ExitCode, fail, type Outcome } from './exit.js'
import type { CliIo } from './io.js'
import { embedFile } from './load-host.js'
import { JSON_ERRORS, OUTPUT, ROOT } from './options.js'
import { writeOutput } from './output.js'
import { hostFiles, hostSpecFrom, MAX_HOST_FILE } from './read-host.js'
import { readInput } from './read-input.js'
import { hostScan, SCAN_OPTIONS } from './host-scan-command.js'

/** `host encode` / `host decode` of the host at `path`. */
const convert = async (io: CliIo, action: 'encode' | 'decode', path: string, o: { readonly output: string | undefined; readonly root: string | undefined }): Promise<Outcome> => {
  const input = await readInput(io, path, MAX_HOST_FILE)
  if (E.isLeft(input)) return input.left
  const spec = hostSpecFrom(input.right)
  if (E.isLeft(spec)) return spec.left
  if (action === 'decode') {
    if (o.root !== undefined) return fail('host: --root goes with host encode (decode reads no file the host names)')
    return (await writeOutput(io, o.output, encodeHostFile(spec.right))) ?? ExitCode.ok
  }
  const files = hostFiles(input.right, spec.right, o.root)
  if (E.isLeft(files)) return files.left
  const functions: HostFunctionSpec[] = []
  for (const [i, f] of spec.right.functions.entries()) {
    const file = files.right[i] ?? null
    if (file === null || !('path' in f.source)) {
      functions.push(f)
      continue
    }
    const source = await embedFile(io, f.source.kind, file)
    if (E.isLeft(source)) return source.left
    functions.push({ ...f, source: source.right })
  }
  return (await writeOutput(io, o.output, encodeHostMessage({ ...spec.right, functions }))) ?? ExitCode.ok
}

export const hostCommand = command({
  name: 'host',
  synopsis: [
    'scan [--sysfs ROOT] [--name NAME] [--device BDF,... | --vendor VID[:DID]] [--personas FILE]',
    '     [--in-use BDF,...] [--pasid-allocated RANGES|none] [--cpu-translation] [--split N]',
    '     [--embed] [-o HOST.yaml]',
    'encode HOST [--root DIR] [-o HOST.pb]',
    'decode HOST.pb [-o HOST.yaml]',
  ],
  summary: "this machine's host file (kind: Host), from sysfs; a host between its file\n(YAML) and its protobuf message",
  about: `
scan writes the host file (kind: Host) of this machine from sysfs: every PCI function with its
sysfs folder, which are free (bound to vfio-pci or a vfio variant driver, in an IOMMU group no
kernel driver holds), each VF's PF, personas from a persona matrix, and the PASID side: the
IOMMU's PASID support and width (Intel VT-d ECAP, AMD EFR), ENQCMD from the CPU flags, and what
sysfs cannot show as you state it. Run it as root: others read only 64 bytes of each config
space (a warning says so). Warnings go to stderr, one line each; the file is what vpci check and
vpci filter read (a file naming /sys folders needs --root /sys there; --embed, which carries
each function's image and BARs as image: {name, config, resources}, needs none).

encode and decode move a host (vpci.migration.v1.Host, proto/ in the package) between its file
form (YAML, kind Host) and its protobuf message. encode embeds the config space of every function
the host file names (a dump or sysfs folder as its image and BAR sizes, a layout file inline;
each file inside --root, as vpci check reads them), so the message travels alone; decode writes
a host file carrying everything the message does (images as hex rows, layouts inline). Both
check what they read as check and filter do: distinct addresses, PFs on the host, distinct
PASID function ids, PASID ranges inside their width, no overlaps. Either takes either form (told
by content, not by name); vpci check, filter, matrix and remap --host take both too. - reads
the host from standard input.`,
  options: {
    ...SCAN_OPTIONS,
    root: { ...ROOT, help: `encode: ${ROOT.help}` },
    output: { ...OUTPUT, help: 'write the host file or message to FILE instead of standard output (binary output\ngoes to a file or a pipe, never to a terminal)' },
    json: JSON_ERRORS,
  },
  footer: `
Exit status: 0 written (warnings or not), 2 bad input or usage, or no PCI tree to read.

Examples:
  sudo vpci host scan -o /var/lib/vpci/host.yaml && vpci check vm-1.pb /var/lib/vpci/host.yaml --root /sys
  sudo vpci host scan --vendor 8086:0b25 --pasid-allocated none --split 64 --embed -o host.yaml
  vpci host encode hosts/host-b.yaml --root . -o host-b.pb && vpci check vm-17.pb host-b.pb`,
  async run(io, positionals, o) {
    const [action, ...rest] = positionals
    if (action === 'scan') {
      if (o.root !== undefined) return fail('host: --root goes with host encode; host scan names the folders it reads (--sysfs ROOT)')
      return hostScan(io, rest, o)
    }
    const given = (Object.keys(SCAN_OPTIONS) as Array<keyof typeof SCAN_OPTIONS>).find((k) => o[k] !== undefined && o[k] !== false)
    if (given !== undefined) return fail(`host: --${given} is an option of host scan, not of host ${action ?? ''}; see "vpci host --help"`)
    if ((action !== 'encode' && action !== 'decode') || rest.length !== 1) return fail('host takes scan, encode HOST or decode HOST.pb; see "vpci host --help"')
    return convert(io, action, rest[0]!, o)
  },
})

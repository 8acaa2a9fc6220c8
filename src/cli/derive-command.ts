/**
 * `vpci derive PHYSICAL [--pf PF] [--policy kernel|qemu|none] [--pasid auto|none|OFFSET] [-o FILE]`:
 * a first layout file for an instance type, from a physical function (a VF with its PF). Over an existing file it
 * refuses unless told to replace it (`--force`) or to bring it up to date keeping its comments
 * and edits (`--update`).
 */
import * as E from 'fp-ts/lib/Either.js'
import { derive } from '../layout/derive.js'
import type { ByteRange } from '../layout/free-space.js'
import type { FunctionLayout } from '../layout/function-layout.js'
import { decodeLayout, encodeLayout, MAX_LAYOUT_BYTES } from '../layout/layout-yaml.js'
import { updateLayout } from '../layout/update-layout.js'
import { build } from '../layout/build.js'
import { prepareFunction } from '../semantic/prepared-function.js'
import { oneLine } from '../decode/one-line.js'
import { command } from './command.js'
import { ExitCode, type Failure, fail, failLayout, failProblem } from './exit.js'
import type { CliIo } from './io.js'
import { loadFunction } from './load-function.js'
import { DEVICE, JSON_ERRORS, OUTPUT } from './options.js'
import { writeOutput } from './output.js'

const NUMBER = '(0x[0-9a-fA-F]+|[0-9]+)'

/** `0x400-0x500,0xf00-0x1000` as half-open ranges, or null when malformed. */
const parseRanges = (text: string): ByteRange[] | null => {
  const ranges = text.split(',').map((part) => new RegExp(`^\\s*${NUMBER}\\s*-\\s*${NUMBER}\\s*$`).exec(part))
  if (ranges.some((m) => m === null)) return null
  const parsed = ranges.map((m): ByteRange => [Number(m![1]), Number(m![2])])
  return parsed.every(([s, e]) => s < e && e <= 0x1000) ? parsed : null
}

/** The new text for FILE under `--update`: the file's layout brought up to date, its comments kept; or why not. */
const updated = async (io: CliIo, path: string, derived: FunctionLayout): Promise<E.Either<Failure, { text: string; changes: readonly string[] }>> => {
  const read = await io.read(path, MAX_LAYOUT_BYTES + 1)
  if (E.isLeft(read)) return read.left.code === 'missing' ? E.right({ text: encodeLayout(derived), changes: [] }) : E.left(failProblem(path, read.left))
  if (read.right.length > MAX_LAYOUT_BYTES) return E.left(fail(`${path}: larger than any layout file; not updating it`))
  const text = new TextDecoder().decode(read.right)
  const previous = decodeLayout(text, path)
  if (E.isLeft(previous)) return E.left(failLayout(previous.left))
  const update = updateLayout(previous.right, derived)
  const built = build(update.layout)
  if (E.isLeft(built)) return E.left(failLayout(built.left.map((e) => ({ ...e, file: path, message: `after --update: ${e.message} (--force replaces the file)` }))))
  return E.right({ text: encodeLayout(update.layout, text), changes: update.changes })
}

export const deriveCommand = command({
  name: 'derive',
  synopsis: ['PHYSICAL [--pf PF] [--policy kernel|qemu|none] [--pasid auto|none|OFFSET]', '        [--usable START-END,...] [-o FILE [--force | --update]]'],
  summary: 'a layout file (the guest-visible config space) from a physical function',
  about: `
Write a layout file (YAML, vpci/v1 FunctionLayout) describing what a guest sees of the
PHYSICAL function: every capability the policy does not hide, at its offset, with its field
values; the hidden ones listed. Review it, give it a persona, and it defines an instance type.
PHYSICAL is an lspci hex dump, a binary config file or a sysfs device folder (- reads a dump
from standard input). A VF reads Vendor and Device ID 0xFFFF: give its PF with --pf, whose
Vendor ID, SR-IOV VF Device ID and VF BARs the VF presents.

An existing FILE is not replaced unless --force says so; --update keeps its comments and its
values wherever the physical function still has what they describe, adds what the function
gained and drops passed-through capabilities it lost (each change listed on standard error).`,
  options: {
    pf: { type: 'string', value: 'PF', help: 'the PF of a VF: its identity (Vendor ID, VF Device ID) and VF BARs are\nthe VF\'s (a dump, binary config or sysfs folder)' },
    policy: { type: 'string', value: 'NAME', help: 'what to hide: kernel (default; as Linux vfio-pci), qemu (kernel plus what\nQEMU drops), none' },
    pasid: { type: 'string', value: 'WHERE', help: 'when the policy hides a physical PASID capability, synthesise an emulated one:\nauto (default; the highest free 8 bytes of extended space), none, or an offset' },
    usable: { type: 'string', value: 'RANGES', help: 'extended space synthesised capabilities may use, e.g. 0x400-0x500 (end\nexclusive); device quirks (bytes a device uses outside its capabilities)\nare never used either way' },
    output: { ...OUTPUT, help: 'write the layout to FILE instead of standard output' },
    force: { type: 'boolean', help: 'replace FILE when it exists' },
    update: { type: 'boolean', help: "bring an existing FILE up to date, keeping its comments and edits" },
    device: DEVICE,
    json: JSON_ERRORS,
  },
  footer: `
Exit status: 0 written, 2 bad input or usage (FILE exists without --force or --update),
3 internal error.

Examples:
  vpci derive /sys/bus/pci/devices/0000:5e:00.0 -o instance-type-a.yaml
  vpci derive /sys/bus/pci/devices/0000:5e:10.2 --pf /sys/bus/pci/devices/0000:5e:00.0 -o vf.yaml
  vpci derive /sys/bus/pci/devices/0000:5e:00.0 -o instance-type-a.yaml --update`,
  async run(io, positionals, o) {
    if (positionals.length !== 1) return fail('derive takes exactly one PHYSICAL function; see "vpci derive --help"')
    if (o.force && o.update) return fail('derive: give --force or --update, not both')
    if ((o.force || o.update) && o.output === undefined) return fail(`derive: --${o.force ? 'force' : 'update'} goes with -o FILE`)
    const policy = o.policy ?? 'kernel'
    if (policy !== 'kernel' && policy !== 'qemu' && policy !== 'none') return fail(`derive: --policy takes kernel, qemu or none, not "${policy}"`)
    const pasidText = o.pasid ?? 'auto'
    const pasid = pasidText === 'auto' || pasidText === 'none' ? pasidText : /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(pasidText) ? Number(pasidText) : null
    if (pasid === null) return fail(`derive: --pasid takes auto, none or an offset (like 0xff8), not "${pasidText}"`)
    const usable = o.usable === undefined ? undefined : parseRanges(o.usable)
    if (usable === null) return fail(`derive: --usable takes ranges like 0x400-0x500,0xf00-0x1000, not "${o.usable}"`)
    const path = positionals[0]!
    const dump = await loadFunction(io, path, o.device)
    if (E.isLeft(dump)) return dump.left
    const pf = o.pf === undefined ? undefined : await loadFunction(io, o.pf, undefined)
    if (pf !== undefined && E.isLeft(pf)) return pf.left
    const layout = derive(prepareFunction(dump.right), { policy, pasid, ...(usable === undefined ? {} : { usable }), ...(pf === undefined ? {} : { pf: prepareFunction(pf.right) }) })
    if (E.isLeft(layout)) return failLayout(layout.left.map((e) => ({ ...e, file: path })))
    if (o.update && o.output !== undefined && o.output !== '-') {
      const next = await updated(io, o.output, layout.right)
      if (E.isLeft(next)) return next.left
      const failed = await writeOutput(io, o.output, next.right.text)
      if (failed !== null) return failed
      if (next.right.changes.length > 0) io.err(next.right.changes.map((c) => `vpci: ${oneLine(`${o.output}: ${c}`)}\n`).join(''))
      return ExitCode.ok
    }
    return (await writeOutput(io, o.output, encodeLayout(layout.right), { exclusive: !o.force })) ?? ExitCode.ok
  },
})

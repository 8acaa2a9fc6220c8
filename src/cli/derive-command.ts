/**
 * `vpci derive PHYSICAL [--pf PF] [--policy kernel|qemu|none] [--pasid auto|none|OFFSET] [-o FILE]`:
 * a first layout file for an instance type, from a physical function (a VF with its PF).
 */
import * as E from 'fp-ts/lib/Either.js'
import { derive } from '../layout/derive.js'
import type { ByteRange } from '../layout/free-space.js'
import { encodeLayout } from '../layout/layout-yaml.js'
import { prepareFunction } from '../semantic/prepared-function.js'
import { type CliArgs, ExitCode, failInput } from './exit.js'
import type { CliIo } from './io.js'
import { loadFunction } from './load-function.js'
import { writeOutput } from './output.js'

const NUMBER = '(0x[0-9a-fA-F]+|[0-9]+)'

/** `0x400-0x500,0xf00-0x1000` as half-open ranges, or null when malformed. */
const parseRanges = (text: string): ByteRange[] | null => {
  const ranges = text.split(',').map((part) => new RegExp(`^\\s*${NUMBER}\\s*-\\s*${NUMBER}\\s*$`).exec(part))
  if (ranges.some((m) => m === null)) return null
  const parsed = ranges.map((m): ByteRange => [Number(m![1]), Number(m![2])])
  return parsed.every(([s, e]) => s < e && e <= 0x1000) ? parsed : null
}

export const deriveCommand = async (io: CliIo, args: CliArgs): Promise<ExitCode> => {
  if (args.positionals.length !== 1) return failInput(io, 'derive takes exactly one PHYSICAL function; see "vpci derive --help"')
  const policy = args.policy ?? 'kernel'
  if (policy !== 'kernel' && policy !== 'qemu' && policy !== 'none') return failInput(io, `derive: --policy takes kernel, qemu or none, not "${policy}"`)
  const pasidText = args.pasid ?? 'auto'
  const pasid = pasidText === 'auto' || pasidText === 'none' ? pasidText : /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(pasidText) ? Number(pasidText) : null
  if (pasid === null) return failInput(io, `derive: --pasid takes auto, none or an offset (like 0xff8), not "${pasidText}"`)
  const usable = args.usable === undefined ? undefined : parseRanges(args.usable)
  if (usable === null) return failInput(io, `derive: --usable takes ranges like 0x400-0x500,0xf00-0x1000, not "${args.usable}"`)
  const dump = await loadFunction(io, args.positionals[0]!, args.device)
  if (E.isLeft(dump)) return failInput(io, dump.left)
  const pf = args.pf === undefined ? undefined : await loadFunction(io, args.pf, undefined)
  if (pf !== undefined && E.isLeft(pf)) return failInput(io, pf.left)
  const layout = derive(prepareFunction(dump.right), { policy, pasid, ...(usable === undefined ? {} : { usable }), ...(pf === undefined ? {} : { pf: prepareFunction(pf.right) }) })
  if (E.isLeft(layout)) return failInput(io, layout.left.map((e) => ({ ...e, file: args.positionals[0]! })))
  return (await writeOutput(io, args.output, encodeLayout(layout.right))) ?? ExitCode.ok
}

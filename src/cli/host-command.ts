/**
 * `vpci host encode HOST [-o HOST.pb]` and `vpci host decode HOST.pb [-o HOST.yaml]`: a host
 * between its file form (YAML, kind Host) and the `vpci.migration.v1.Host` message. Encoding
 * embeds the config space of every function the host names by file (a dump or sysfs folder as
 * its image and resources, a layout inline), so the message travels alone; decoding writes a
 * host file that carries everything the message does. Each takes either form (told by content).
 */
import * as E from 'fp-ts/lib/Either.js'
import { encodeHostFile } from '../host/host-file-encode.js'
import type { HostFunctionSpec, HostSpec } from '../host/host-spec.js'
import { renderReadError } from '../dump/read-error.js'
import { renderLayoutError } from '../layout/layout-error.js'
import { encodeHostMessage } from '../state/host-codec.js'
import { type CliArgs, ExitCode, failInput } from './exit.js'
import type { CliIo } from './io.js'
import { loadFunction } from './load-function.js'
import { loadLayout } from './load-layout.js'
import { writeOutput } from './output.js'
import { hostRelative, readHostSpec } from './read-host.js'

/** The function with its config space embedded, read from the file it names (relative to the host at `hostPath`). */
const embedded = async (io: CliIo, hostPath: string, f: HostFunctionSpec): Promise<E.Either<string, HostFunctionSpec>> => {
  const s = f.source
  if (s.kind === 'image' || s.kind === 'inline-layout') return E.right(f)
  const file = hostRelative(hostPath, s.path)
  if (s.kind === 'layout') {
    const layout = await loadLayout(io, file)
    return E.isLeft(layout) ? E.left(renderLayoutError(layout.left[0]!)) : E.right({ ...f, source: { kind: 'inline-layout', layout: layout.right } })
  }
  const dump = await loadFunction(io, file, undefined)
  return E.isLeft(dump) ? E.left(renderReadError(dump.left[0]!)) : E.right({ ...f, source: { kind: 'image', name: dump.right.device ?? dump.right.file, config: dump.right.config, resources: dump.right.resources } })
}

export const hostCommand = async (io: CliIo, args: CliArgs): Promise<ExitCode> => {
  const [action, file, ...rest] = args.positionals
  if ((action !== 'encode' && action !== 'decode') || file === undefined || rest.length > 0) return failInput(io, 'host takes encode HOST or decode HOST.pb; see "vpci host --help"')
  const spec = await readHostSpec(io, file)
  if (E.isLeft(spec)) return failInput(io, spec.left)
  if (action === 'decode') return (await writeOutput(io, args.output, encodeHostFile(spec.right))) ?? ExitCode.ok
  const functions: HostFunctionSpec[] = []
  for (const f of spec.right.functions) {
    const e = await embedded(io, file, f)
    if (E.isLeft(e)) return failInput(io, `${file}: ${f.address}: ${e.left}`)
    functions.push(e.right)
  }
  if (args.output === undefined && io.errIsTty) return failInput(io, 'host encode writes binary: give -o FILE')
  const host: HostSpec = { ...spec.right, functions }
  return (await writeOutput(io, args.output, encodeHostMessage(host))) ?? ExitCode.ok
}

/**
 * The `paths` fuzz target: the CLI run against the real file system, with arguments drawn from
 * a menu of paths that are not what they seem (a FIFO with no writer, /dev/zero, a symlink
 * loop, a dangling link, a folder, sysfs-style folders whose `config` is /dev/zero or a FIFO, a
 * sparse file of 17 MiB, a host file naming any of these or escaping its folder) and one
 * regular file holding the fuzzed bytes. A run fails when the CLI throws or exits 3, or prints
 * an error line that is too long or holds a control character. One input in 50 runs the built
 * executable (`dist/cli/main.js`) with its standard output through a pipe that `head` closes
 * early: a stack trace or an exit other than 0, 1 or 2 fails it.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CliIo } from '../src/cli/io.js'
import { processIo, STDIN } from '../src/cli/io.js'
import { stdinReader } from '../src/cli/read-path.js'
import { run } from '../src/cli/run.js'

const CORPUS = fileURLToPath(new URL('../corpus/', import.meta.url))
const BUILT = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))

/** The scratch folder and its strange paths, made once per process and removed at exit. */
const scratch = (() => {
  let dir: string | null = null
  return (): string => {
    if (dir !== null) return dir
    const d = mkdtempSync(join(tmpdir(), 'vpci-fuzz-paths-'))
    process.on('exit', () => rmSync(d, { recursive: true, force: true }))
    execFileSync('mkfifo', [join(d, 'fifo')])
    symlinkSync(join(d, 'loop-b'), join(d, 'loop-a'))
    symlinkSync(join(d, 'loop-a'), join(d, 'loop-b'))
    symlinkSync(join(d, 'nowhere'), join(d, 'dangling'))
    symlinkSync('/dev/zero', join(d, 'zero'))
    mkdirSync(join(d, 'folder'))
    mkdirSync(join(d, 'sysfs-zero'))
    symlinkSync('/dev/zero', join(d, 'sysfs-zero', 'config'))
    mkdirSync(join(d, 'sysfs-fifo'))
    execFileSync('mkfifo', [join(d, 'sysfs-fifo', 'config')])
    mkdirSync(join(d, 'sysfs-ok'))
    copyFileSync(join(CORPUS, 'sysfs/0000:5a:00.0/config'), join(d, 'sysfs-ok', 'config'))
    copyFileSync(join(CORPUS, 'sysfs/0000:5a:00.0/resource'), join(d, 'sysfs-ok', 'resource'))
    writeFileSync(join(d, 'sparse'), '')
    // Larger than a dump or a host file may be (16 MiB), without costing the disk anything.
    truncateSync(join(d, 'sparse'), 17 * 1024 * 1024)
    copyFileSync(join(CORPUS, 'families/accelerator/v1-host-a.lspci'), join(d, 'a.lspci'))
    dir = d
    return d
  }
})()

/** Paths an argument or a host file's `dump:`/`sysfs:` may name (relative to the scratch folder unless absolute). */
const PATHS = ['input', 'fifo', 'loop-a', 'dangling', 'zero', '/dev/zero', '/dev/null', 'folder', 'sysfs-zero', 'sysfs-fifo', 'sysfs-ok', 'sparse', 'a.lspci', 'host.yaml', '../../../../../../etc/passwd', '-', 'no-such-file']
const STATE = join(CORPUS, 'state/vm-17-n2-schema-v1.pb')
const LAYOUT = join(CORPUS, 'layouts/accelerator-v1.yaml')

/** Command lines; P and Q are paths from the menu (also in a comma list `P,Q`), S a state, L a layout. Append only: an input's first byte picks one by index. */
const TEMPLATES: readonly (readonly string[])[] = [
  ['caps', 'P'],
  ['caps', 'P', '--json'],
  ['check', 'P', 'Q'],
  ['check', 'L', 'P', '--json'],
  ['check', 'S', 'P'],
  ['check', 'P', 'host.yaml', '--root', '/'],
  ['derive', 'P', '-o', 'out', '--force'],
  ['derive', 'P', '-o', 'out', '--update'],
  ['build', 'P', '--format', 'binary'],
  ['build', 'L', '-o', 'P', '--format', 'binary'],
  ['state', 'decode', 'P'],
  ['state', 'encode', 'P', '--json'],
  ['remap', 'P', '--host', 'Q'],
  ['filter', 'S', 'host.yaml', 'P', 'Q'],
  ['filter', 'P', 'host.yaml', '--json', '--all'],
  ['derive', 'P', 'Q', '-o', 'out', '--force'],
  ['matrix', '--layouts', 'L', '--functions', 'P,Q', '--root', '/'],
  ['matrix', '--layouts', 'P', '--functions', 'host.yaml', '--csv'],
  ['report', 'P', 'Q', '-o', 'out'],
  ['report', 'L', 'P'],
  ['report', '--layouts', 'L', '--functions', 'P,host.yaml'],
  ['host', 'encode', 'host.yaml', '-o', 'out'],
  ['host', 'encode', 'host.yaml', '--root', '/', '-o', 'out'],
  ['host', 'decode', 'P', '-o', 'out'],
  ['host', 'encode', 'P'],
]
/** Paths `-o` may name: never a FIFO, where waiting for a reader is what writing to one means. */
const OUTPUTS = ['out', 'folder', '/dev/null', 'no-such-folder/out']

/** What one input means: a command line, the bytes of `input` (also standard input and the `out` an update starts from), a host file. */
interface Case {
  readonly argv: readonly string[]
  readonly content: Uint8Array
  readonly host: string
  readonly piped: boolean
}

/**
 * One input in 50 goes through the executable and a pipe, chosen by a hash of all its bytes (a
 * header byte would be kept by most mutations of a seed, and piping is 50 times slower).
 */
const piped = (input: Uint8Array): boolean => {
  let h = 0x811c9dc5
  for (let i = 0; i < input.length; i++) h = Math.imul(h ^ input[i]!, 0x01000193)
  return (h >>> 0) % 50 === 0
}

/**
 * The first bytes choose the template, the paths for P, Q and the host file's two functions, and
 * the kind of its first; the rest is the content of `input`.
 */
export const decodeCase = (input: Uint8Array, dir: string): Case => {
  const at = (i: number): number => input[i] ?? 0
  const pick = (i: number): string => PATHS[at(i) % PATHS.length]!
  const inDir = (p: string): string => (p === STDIN || isAbsolute(p) ? p : join(dir, p))
  const template = TEMPLATES[at(0) % TEMPLATES.length]!
  const isOutput = (k: number) => template[k - 1] === '-o'
  const one = (a: string, k: number): string =>
    a === 'P' ? inDir(isOutput(k) ? OUTPUTS[at(1) % OUTPUTS.length]! : pick(1)) : a === 'Q' ? inDir(pick(2)) : a === 'S' ? STATE : a === 'L' ? LAYOUT : a === 'out' || a === 'host.yaml' ? inDir(a) : a
  const argv = template.map((a, k) => (a.includes(',') ? a.split(',').map((x) => one(x, k)).join(',') : one(a, k)))
  const host = `apiVersion: vpci/v1\nkind: Host\nmetadata: { name: fuzz }\nfunctions:\n  - address: "0000:5a:00.0"\n    ${at(5) % 2 === 0 ? 'dump' : 'sysfs'}: ${pick(3)}\n  - address: "0000:5e:00.0"\n    dump: ${pick(4)}\n`
  return { argv, content: input.subarray(6), host, piped: piped(input) }
}

/** An input for a template index, paths, the host file's first kind (even: dump, odd: sysfs) and content (seeds). */
export const encodeCase = (template: number, paths: readonly [number, number, number, number], kind: number, content: Uint8Array): Uint8Array => {
  const head = Uint8Array.of(template, ...paths, kind)
  const out = new Uint8Array(head.length + content.length)
  out.set(head)
  out.set(content, head.length)
  return out
}

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/
/** An error line's bound: oneLine's 300 and the `vpci: ` prefix. */
const MAX_ERROR_LINE = 310

/** Error lines bounded and printable; with --json, one JSON object whose every message is. */
const checkStderr = (stderr: string, argv: readonly string[]): void => {
  if (argv.includes('--json') && stderr.startsWith('{')) {
    const parsed = JSON.parse(stderr) as { errors: Array<{ message: string }> }
    for (const e of parsed.errors) if (e.message.length > MAX_ERROR_LINE || CONTROL.test(e.message)) throw new Error(`an unbounded JSON error message for ${JSON.stringify(argv)}`)
    return
  }
  for (const line of stderr.split('\n')) {
    if (line.length > MAX_ERROR_LINE) throw new Error(`an error line of ${line.length} characters for ${JSON.stringify(argv)}`)
    if (CONTROL.test(line)) throw new Error(`a control character on stderr for ${JSON.stringify(argv)}: ${JSON.stringify(line.slice(0, 80))}`)
  }
}

/** The case in-process, on the real file system; standard input is the content. */
const runInProcess = async (c: Case): Promise<void> => {
  let stderr = ''
  const readStdin = stdinReader(async function* () {
    yield c.content
  })
  const io: CliIo = {
    ...processIo,
    out: () => undefined,
    err: (t) => void (stderr += t),
    read: (path, max) => (path === STDIN ? readStdin(max) : processIo.read(path, max)),
    outIsTty: false,
    errIsTty: false,
  }
  const code = await run(c.argv, io)
  if (code === 3) throw new Error(`internal error (exit 3) for ${JSON.stringify(c.argv)}`)
  checkStderr(stderr, c.argv)
}

/** The case through the built executable, its standard output into `head -c 100`, which exits early. */
const runPiped = (c: Case, dir: string): void => {
  const quoted = c.argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')
  const r = spawnSync('sh', ['-c', `("${process.execPath}" "${BUILT}" ${quoted} < input; echo "exit=$?" >&2) | head -c 100 > /dev/null`], { cwd: dir, encoding: 'utf8', timeout: 20_000 })
  const stderr = r.stderr ?? ''
  if (/\n\s+at /.test(stderr) || /^node:/m.test(stderr)) throw new Error(`a stack trace through a pipe for ${JSON.stringify(c.argv)}: ${stderr.slice(0, 300)}`)
  const exit = /exit=(\d+)\n$/.exec(stderr)
  if (exit === null || !['0', '1', '2'].includes(exit[1]!)) throw new Error(`exit ${exit?.[1] ?? '(none)'} through a pipe for ${JSON.stringify(c.argv)}`)
  checkStderr(stderr.slice(0, exit.index), c.argv)
}

export const runPathCase = async (input: Uint8Array): Promise<void> => {
  const dir = scratch()
  const c = decodeCase(input, dir)
  writeFileSync(join(dir, 'input'), c.content)
  writeFileSync(join(dir, 'out'), c.content)
  writeFileSync(join(dir, 'host.yaml'), c.host)
  if (c.piped && existsSync(BUILT)) runPiped(c, dir)
  else await runInProcess(c)
}

/** Seeds: every template, with corpus files as the content and a spread of paths. */
export const pathSeeds = (contents: readonly Uint8Array[]): Uint8Array[] =>
  TEMPLATES.flatMap((_, t) => contents.map((content, k) => encodeCase(t, [k * 3, k * 5 + 1, k * 7 + 12, k + 12], k, content)))

/**
 * Reads lspci's hex dump text: `lspci -x` (64 bytes), `-xxx` (256) or `-xxxx` (4096), with or
 * without the `BB:DD.F ...` device line, with `-v`/`-vvv` decode lines (indented) interleaved,
 * and files holding several devices. Collects every error in the chosen device, with its line.
 */
import * as E from 'fp-ts/lib/Either.js'
import { type ConfigSpace, configSpace } from '../config-space/config-space.js'
import type { FunctionDump } from './function-dump.js'
import { fileError, type ReadError } from './read-error.js'

/** One device's worth of dump text, as found in the file. */
interface Block {
  readonly device: string | null
  readonly description: string | null
  readonly line: number
  readonly bytes: Uint8Array
  /** Bytes read so far (always a multiple of 16 while the dump is well formed). */
  count: number
  lastLine: number
  readonly errors: ReadError[]
  /** Line on which each 16-byte row was read, to report duplicates. */
  readonly rowLine: Map<number, number>
}

/** `[DDDD:]BB:DD.F` then the device's description. */
const DEVICE_LINE = /^((?:[0-9a-fA-F]{4,8}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])(?:\s+(.*))?$/
/** `OO:` or `OOO:` then the bytes (four digits only in a dump running past 4096 bytes). */
const HEX_LINE = /^([0-9a-fA-F]{2,4}):(.*)$/
const ROW = 16
/** A row exactly as lspci prints it: sixteen two-digit bytes, each after one space. */
const LSPCI_ROW = /^(?: [0-9a-fA-F]{2}){16}$/
const MAX_BYTES = 4096

/** The value of one hex digit's character code, or -1 when it is not one. */
const hexDigit = (c: number): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  const lower = c | 0x20
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1
}

/**
 * Writes a row exactly as lspci prints it (` hh` sixteen times) at `at`, four bytes a call: a
 * cold start runs this several times faster than the general loop of readHexLine.
 */
const readRow = (row: string, into: Uint8Array, at: number): void => {
  for (let i = 0; i < ROW; i += 4) {
    const c = 3 * i
    const word = parseInt(row.slice(c + 1, c + 3) + row.slice(c + 4, c + 6) + row.slice(c + 7, c + 9) + row.slice(c + 10, c + 12), 16)
    into[at + i] = word >>> 24
    into[at + i + 1] = (word >>> 16) & 0xff
    into[at + i + 2] = (word >>> 8) & 0xff
    into[at + i + 3] = word & 0xff
  }
}

const newBlock = (line: number, device: string | null, description: string | null): Block => ({
  device,
  description,
  line,
  bytes: new Uint8Array(MAX_BYTES),
  count: 0,
  lastLine: line,
  errors: [],
  rowLine: new Map(),
})

/**
 * Reads one hex line into `block`, recording what is wrong with it. `rest` is the text after the
 * offset's colon and begins at 0-based column `restColumn` of the line.
 */
const readHexLine = (file: string, block: Block, lineNo: number, offset: number, rest: string, restColumn: number): void => {
  const e = { file, line: lineNo, offset }
  block.lastLine = lineNo
  if (offset >= MAX_BYTES) {
    block.errors.push({ ...e, code: 'BEYOND_4096' })
    return
  }
  const first = block.rowLine.get(offset)
  if (first !== undefined) {
    block.errors.push({ ...e, code: 'OFFSET_DUPLICATE', firstLine: first })
    return
  }
  block.rowLine.set(offset, lineNo)
  if (offset !== block.count) block.errors.push({ ...e, code: 'OFFSET_OUT_OF_ORDER', expected: block.count })
  if (offset + ROW <= MAX_BYTES && LSPCI_ROW.test(rest)) {
    readRow(rest, block.bytes, offset)
    block.count = Math.max(block.count, offset + ROW)
    return
  }
  let count = 0
  let i = 0
  while (i < rest.length) {
    const c = rest.charCodeAt(i)
    if (c === 0x20 || c === 0x09) {
      i++
      continue
    }
    let end = i + 1
    while (end < rest.length && rest.charCodeAt(end) !== 0x20 && rest.charCodeAt(end) !== 0x09) end++
    const at = offset + count
    const high = hexDigit(c)
    const low = end - i === 2 ? hexDigit(rest.charCodeAt(i + 1)) : -1
    if (high < 0 || low < 0) {
      block.errors.push({ ...e, offset: at, code: 'NON_HEX_BYTE', column: restColumn + i + 1, text: rest.slice(i, end) })
    } else if (at < MAX_BYTES) {
      block.bytes[at] = (high << 4) | low
    }
    count++
    i = end
  }
  if (count !== ROW) block.errors.push({ ...e, code: 'LINE_LENGTH', count })
  block.count = Math.max(block.count, offset + ROW)
}

/** Splits lspci text into device blocks; errors outside any block are returned apart. */
const scan = (text: string, file: string): { blocks: Block[]; stray: ReadError[] } => {
  const blocks: Block[] = []
  const stray: ReadError[] = []
  let current: Block | null = null
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1
    const raw = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!
    const trimmed = raw.trim()
    if (trimmed === '') {
      // A blank line ends a device; the next hex lines without a device line start a new one.
      if (current !== null && current.count > 0) current = null
      continue
    }
    if (trimmed.startsWith('#')) continue
    const indented = raw !== raw.trimStart()
    const device = indented ? null : DEVICE_LINE.exec(trimmed)
    if (device !== null) {
      current = newBlock(lineNo, device[1]!, device[2] ?? null)
      blocks.push(current)
      continue
    }
    const hex = HEX_LINE.exec(trimmed)
    if (hex !== null && (!indented || /^[0-9a-fA-F]{2,4}:(\s+[0-9a-fA-F]{2})+$/.test(trimmed))) {
      if (current === null) {
        current = newBlock(lineNo, null, null)
        blocks.push(current)
      }
      const lead = raw.length - raw.trimStart().length
      readHexLine(file, current, lineNo, parseInt(hex[1]!, 16), hex[2]!, lead + hex[1]!.length + 1)
      continue
    }
    if (indented) continue // lspci -v/-vvv decode text
    ;(current?.errors ?? stray).push({ file, line: lineNo, offset: null, code: 'UNRECOGNISED_LINE', text: trimmed })
  }
  return { blocks, stray }
}

/** Device names match with or without the PCI domain `0000:`. */
const sameDevice = (a: string, b: string): boolean => {
  const norm = (s: string): string => s.toLowerCase().replace(/^0{4,8}:/, '')
  return norm(a) === norm(b)
}

const finish = (file: string, block: Block): E.Either<readonly ReadError[], ConfigSpace> => {
  const errors = [...block.errors]
  if (block.count === 0) errors.push(fileError(file, { code: 'NO_DUMP' }))
  const space = configSpace(block.bytes.subarray(0, block.count))
  if (space === undefined && block.count > 0 && block.count <= MAX_BYTES) {
    errors.push({ file, line: block.lastLine, offset: block.count, code: 'DUMP_LENGTH', length: block.count })
  }
  return errors.length > 0 || space === undefined ? E.left(errors) : E.right(space)
}

export interface LspciTextOptions {
  /** Which device to read when the text holds several (`BB:DD.F`, domain optional). */
  readonly device?: string
}

/** The devices named by device lines in lspci text, in file order. */
export const listLspciDevices = (text: string): readonly string[] =>
  scan(text, '').blocks.flatMap((b) => (b.device === null ? [] : [b.device]))

/**
 * Reads one function from lspci hex dump text. With several devices in the text, `device`
 * chooses one; without it the result is a `SEVERAL_DEVICES` error listing them.
 */
export const readLspciText = (
  text: string,
  file: string,
  options: LspciTextOptions = {},
): E.Either<readonly ReadError[], FunctionDump> => {
  const { blocks, stray } = scan(text, file)
  const named = blocks.flatMap((b) => (b.device === null ? [] : [b.device]))
  let chosen: Block | undefined
  if (options.device !== undefined) {
    const wanted = options.device
    chosen = blocks.find((b) => b.device !== null && sameDevice(b.device, wanted))
    if (chosen === undefined) return E.left([fileError(file, { code: 'DEVICE_NOT_FOUND', device: wanted, devices: named })])
  } else if (blocks.length > 1) {
    const devices = blocks.map((b) => b.device ?? `(unnamed, line ${b.line})`)
    return E.left([fileError(file, { code: 'SEVERAL_DEVICES', devices })])
  } else {
    chosen = blocks[0]
  }
  if (chosen === undefined) return E.left([...stray, fileError(file, { code: 'NO_DUMP' })])
  const block = chosen
  const space = finish(file, block)
  if (E.isLeft(space) || stray.length > 0) return E.left([...stray, ...(E.isLeft(space) ? space.left : [])])
  return E.right({ file, device: block.device, description: block.description, config: space.right, resources: null })
}

/**
 * Why a dump could not be read, as data: every error names the file and, where they exist, the
 * line and the config-space offset concerned. {@link renderReadError} turns one into a sentence.
 */

interface At {
  /** The file (or folder) as the user named it. */
  readonly file: string
  /** 1-based line number in a text file; null for binary input or whole-file errors. */
  readonly line: number | null
  /** The config-space offset concerned; null when none is. */
  readonly offset: number | null
}

export type ReadError = At &
  (
    | { readonly code: 'EMPTY' }
    | { readonly code: 'TOO_LARGE'; readonly size: number; readonly limit: number }
    | { readonly code: 'WRONG_SIZE'; readonly size: number }
    | { readonly code: 'NO_DUMP' }
    | { readonly code: 'UNRECOGNISED_LINE'; readonly text: string }
    | { readonly code: 'NON_HEX_BYTE'; readonly column: number; readonly text: string }
    | { readonly code: 'LINE_LENGTH'; readonly count: number }
    | { readonly code: 'OFFSET_OUT_OF_ORDER'; readonly expected: number }
    | { readonly code: 'OFFSET_DUPLICATE'; readonly firstLine: number }
    | { readonly code: 'BEYOND_4096' }
    | { readonly code: 'DUMP_LENGTH'; readonly length: number }
    | { readonly code: 'SEVERAL_DEVICES'; readonly devices: readonly string[] }
    | { readonly code: 'DEVICE_NOT_FOUND'; readonly device: string; readonly devices: readonly string[] }
    | { readonly code: 'RESOURCE_LINE'; readonly text: string }
    | { readonly code: 'NO_CONFIG' }
    | { readonly code: 'UNREADABLE'; readonly reason: string }
  )

export type ReadErrorCode = ReadError['code']

/** An error about the whole of `file`. */
export const fileError = <E extends { readonly code: ReadErrorCode }>(file: string, e: E): E & At => ({
  file,
  line: null,
  offset: null,
  ...e,
})

const hex = (n: number): string => `0x${n.toString(16)}`
const truncate = (s: string): string => (s.length > 60 ? `${s.slice(0, 57)}...` : s)

/** `file:line: ` or `file: `, the prefix every rendered read error starts with. */
const where = (e: ReadError): string => (e.line === null ? `${e.file}: ` : `${e.file}:${e.line}: `)

/** One line describing a read error, for people: where, what, and what to do. */
export const renderReadError = (e: ReadError): string => where(e) + describe(e)

const describe = (e: ReadError): string => {
  switch (e.code) {
    case 'EMPTY':
      return 'empty file; expected lspci -x/-xxx/-xxxx output or a binary config space'
    case 'TOO_LARGE':
      return `${e.size} bytes is more than any dump can be (limit ${e.limit}); is this the right file?`
    case 'WRONG_SIZE':
      return `binary config space of ${e.size} bytes; expected 64, 256 or 4096`
    case 'NO_DUMP':
      return 'no hex dump lines (like "00: 86 80 ...") found; produce one with lspci -xxxx -s BDF'
    case 'UNRECOGNISED_LINE':
      return `not an lspci line: "${truncate(e.text)}"`
    case 'NON_HEX_BYTE':
      return `"${truncate(e.text)}" at column ${e.column} (offset ${hex(e.offset ?? 0)}) is not a hex byte`
    case 'LINE_LENGTH':
      return `line for offset ${hex(e.offset ?? 0)} has ${e.count} bytes; lspci prints 16 per line (truncated copy?)`
    case 'OFFSET_OUT_OF_ORDER':
      return `offset ${hex(e.offset ?? 0)} where ${hex(e.expected)} was expected; lines must run 00, 10, 20, ... without gaps`
    case 'OFFSET_DUPLICATE':
      return `offset ${hex(e.offset ?? 0)} appears again (first on line ${e.firstLine})`
    case 'BEYOND_4096':
      return `offset ${hex(e.offset ?? 0)} lies beyond the 4096 bytes of a config space`
    case 'DUMP_LENGTH':
      return `dump holds ${e.length} bytes; expected 64, 256 or 4096 (lspci -x, -xxx or -xxxx); was it cut short?`
    case 'SEVERAL_DEVICES':
      return `holds ${e.devices.length} devices (${e.devices.join(', ')}); pick one with --device BDF`
    case 'DEVICE_NOT_FOUND':
      return `no device ${e.device}; the file holds ${e.devices.length === 0 ? 'no device header lines' : e.devices.join(', ')}`
    case 'RESOURCE_LINE':
      return `not a sysfs resource line ("0xSTART 0xEND 0xFLAGS"): "${truncate(e.text)}"`
    case 'NO_CONFIG':
      return 'folder has no "config" file; expected a sysfs device folder like /sys/bus/pci/devices/0000:01:00.0'
    case 'UNREADABLE':
      return e.reason
  }
}

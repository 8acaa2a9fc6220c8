/**
 * Reads a dump of one function from bytes, the format told by the content: lspci hex text, or a
 * raw binary config space (64, 256 or 4096 bytes, as sysfs `config` gives). The caller reads the
 * file; this module never touches the file system.
 */
import * as E from 'fp-ts/lib/Either.js'
import { configSpace } from '../config-space/config-space.js'
import type { FunctionDump } from './function-dump.js'
import { readLspciText } from './lspci-text.js'
import { fileError, type ReadError } from './read-error.js'
import { readSysfsResource } from './sysfs-resource.js'

/**
 * The largest input taken as a dump: `lspci -vvv -xxxx` of a large machine's every device is a
 * few MiB. Anything bigger is refused before it is scanned.
 */
export const MAX_DUMP_BYTES = 16 * 1024 * 1024

export interface ReadDumpOptions {
  /** Which device to read from lspci text holding several. */
  readonly device?: string
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** A control character other than tab, LF and CR. In UTF-8 these bytes occur only as themselves. */
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/

/** Text when the bytes are UTF-8 with no control characters but tab, CR and LF. */
const asText = (bytes: Uint8Array): string | null => {
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    return null
  }
  return CONTROL.test(text) ? null : text
}

/** Reads a raw binary config space: exactly 64, 256 or 4096 bytes. */
export const readBinaryConfig = (bytes: Uint8Array, file: string): E.Either<readonly ReadError[], FunctionDump> => {
  const config = configSpace(bytes)
  return config === undefined
    ? E.left([fileError(file, { code: 'WRONG_SIZE', size: bytes.length })])
    : E.right({ file, device: null, description: null, config, resources: null })
}

/** Reads one function from a file's bytes, lspci text or binary, whichever the content is. */
export const readDump = (
  bytes: Uint8Array,
  file: string,
  options: ReadDumpOptions = {},
): E.Either<readonly ReadError[], FunctionDump> => {
  if (bytes.length === 0) return E.left([fileError(file, { code: 'EMPTY' })])
  if (bytes.length > MAX_DUMP_BYTES) {
    return E.left([fileError(file, { code: 'TOO_LARGE', size: bytes.length, limit: MAX_DUMP_BYTES })])
  }
  const text = asText(bytes)
  return text === null ? readBinaryConfig(bytes, file) : readLspciText(text, file, options)
}

/** The files of a sysfs device folder this library uses. */
export interface SysfsFunctionFiles {
  /** Contents of `config`. */
  readonly config: Uint8Array
  /** Text of `resource`, when the folder has one. */
  readonly resource?: string
}

/**
 * Reads a sysfs-style device folder (`/sys/bus/pci/devices/DDDD:BB:DD.F`): `config` as binary,
 * and BAR/ROM sizes from `resource` when present. `folder` names the folder in errors.
 */
export const readSysfsFunction = (files: SysfsFunctionFiles, folder: string): E.Either<readonly ReadError[], FunctionDump> => {
  const configFile = `${folder}/config`
  const dump = files.config.length === 0 ? E.left([fileError(configFile, { code: 'EMPTY' as const })]) : readBinaryConfig(files.config, configFile)
  const resources = files.resource === undefined ? E.right(null) : readSysfsResource(files.resource, `${folder}/resource`)
  const errors = [...(E.isLeft(dump) ? dump.left : []), ...(E.isLeft(resources) ? resources.left : [])]
  if (E.isLeft(dump) || E.isLeft(resources) || errors.length > 0) return E.left(errors)
  const name = folder.replace(/\/+$/, '').split('/').pop() ?? null
  const device = name !== null && /^[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$/.test(name) ? name : null
  return E.right({ ...dump.right, file: folder, device, resources: resources.right })
}

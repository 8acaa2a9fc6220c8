/**
 * Options several commands declare, worded once. A command lists the ones it takes in its own
 * table (command.ts); nothing here is accepted by a command that does not list it.
 */
import type { OptionSpec } from './command.js'

export const DEVICE: OptionSpec = { type: 'string', value: 'BDF', help: 'pick one device from an lspci dump holding several (e.g. 01:00.0)' }

export const ALL: OptionSpec = { type: 'boolean', help: 'list every reason and error (default: the first 100 of each list and a count of the rest)' }

export const OUTPUT: OptionSpec = { type: 'string', short: 'o', value: 'FILE', help: 'write to FILE instead of standard output' }

export const ROOT: OptionSpec = {
  type: 'string',
  value: 'DIR',
  help: "files a host file names must lie inside DIR (default: the host file's own folder;\n.. may not leave it)",
}

/** For commands whose output is not JSON: only errors change. */
export const JSON_ERRORS: OptionSpec = { type: 'boolean', help: 'errors as JSON on standard error: {"errors":[{"message","file","line","offset","path","code"}],"omitted"}' }

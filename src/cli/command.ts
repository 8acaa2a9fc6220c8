/**
 * A command declares its options (name, type, short form, value name, help line); from that one
 * declaration come both its argument parser and its usage text, so an option of another command
 * is refused (naming who owns it) rather than silently ignored, and help cannot drift from
 * what is parsed.
 */
import { parseArgs } from 'node:util'
import type { Outcome } from './exit.js'
import type { CliIo } from './io.js'

export interface OptionSpec {
  readonly type: 'boolean' | 'string'
  readonly short?: string
  /** The value's name in usage text (`FILE`); string options only. */
  readonly value?: string
  /** May be given several times (string options): its values in order. */
  readonly multiple?: boolean
  /** One or more lines; later lines are indented under the first. */
  readonly help: string
}

export type OptionTable = Readonly<Record<string, OptionSpec>>

/** Parsed values: booleans default to false, strings to undefined. */
export type OptionValues<T extends OptionTable> = {
  readonly [K in keyof T]: T[K]['type'] extends 'boolean' ? boolean : T[K] extends { readonly multiple: true } ? readonly string[] | undefined : string | undefined
}

export interface Command<T extends OptionTable = OptionTable> {
  readonly name: string
  /** One line per form, after `vpci NAME `. */
  readonly synopsis: readonly string[]
  /** One line for `vpci --help`. */
  readonly summary: string
  /** Paragraphs: what it does, what it reads. */
  readonly about: string
  readonly options: T
  /** Exit status and examples. */
  readonly footer: string
  run(io: CliIo, positionals: readonly string[], options: OptionValues<T>): Promise<Outcome>
}

/** A command with its option types checked against its table. */
export const command = <T extends OptionTable>(c: Command<T>): Command<T> => c

/** The option every command has. */
export const HELP: OptionSpec = { type: 'boolean', short: 'h', help: 'show this help' }

const optionLabel = (name: string, o: OptionSpec): string =>
  `${o.short === undefined ? '' : `-${o.short}, `}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`

/** The options section of a command's usage, aligned. */
const optionsText = (options: OptionTable): string => {
  const rows = Object.entries({ ...options, help: HELP }).map(([name, o]) => [optionLabel(name, o), o.help] as const)
  const width = Math.max(...rows.map(([label]) => label.length)) + 2
  return rows.map(([label, help]) => `  ${label.padEnd(width)}${help.split('\n').join(`\n  ${' '.repeat(width)}`)}`).join('\n')
}

/** A command's full help: synopsis, about, options, footer. */
export const usageOf = (c: Command): string =>
  `Usage:\n${c.synopsis.map((s) => `  vpci ${c.name} ${s}`).join('\n')}\n\n${c.about.trim()}\n\nOptions:\n${optionsText(c.options)}\n\n${c.footer.trim()}\n`

/** True when `--help` or `-h` comes before any `--`. */
export const asksForHelp = (argv: readonly string[]): boolean => {
  for (const a of argv) {
    if (a === '--') return false
    if (a === '--help' || a === '-h') return true
  }
  return false
}

export type Parsed<T extends OptionTable> = { readonly ok: true; readonly positionals: readonly string[]; readonly values: OptionValues<T> } | { readonly ok: false; readonly message: string }

/** The option named in an argument (`--host=x` → `host`, `-o` → `o`), or null for a positional. */
const optionName = (arg: string): string | null => (arg.startsWith('--') && arg.length > 2 ? arg.slice(2).split('=')[0]! : arg.startsWith('-') && arg.length > 1 ? arg.slice(1, 2) : null)

/** The first argument before any `--` that names an option the command does not declare, or null. */
export const foreignOption = (c: Command, argv: readonly string[]): string | null => {
  const own = Object.entries({ ...c.options, help: HELP })
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') break
    const name = optionName(arg)
    if (name === null) continue
    const known = own.find(([n, o]) => n === name || o.short === name)?.[1]
    if (known === undefined) return arg
    // A string option's value is the next argument unless given with `=` (or glued to a short one).
    if (known.type === 'string' && !arg.includes('=') && !(arg.length > 2 && !arg.startsWith('--'))) i++
  }
  return null
}

/**
 * Parses `argv` by the command's own table. An option the command does not declare is an error
 * naming the commands that do (`others`), so `vpci caps --host x` says --host is remap's.
 */
export const parseCommand = <T extends OptionTable>(c: Command<T>, argv: readonly string[], others: readonly Command[]): Parsed<T> => {
  const options = Object.fromEntries(
    Object.entries({ ...c.options, help: HELP }).map(([name, o]) => [name, { type: o.type, ...(o.short === undefined ? {} : { short: o.short }), ...(o.multiple === true ? { multiple: true } : {}) }]),
  )
  const arg = foreignOption(c, argv)
  if (arg !== null) {
    const name = optionName(arg)
    const owners = others.filter((o) => Object.entries(o.options).some(([n, spec]) => n === name || spec.short === name)).map((o) => o.name)
    return {
      ok: false,
      message: `${c.name}: ${arg.split('=')[0]} is not an option of ${c.name}${owners.length === 0 ? '' : ` (it is ${owners.join(' and ')}'s)`}; see "vpci ${c.name} --help"`,
    }
  }
  try {
    const parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options })
    const values: Record<string, string | boolean | ReadonlyArray<string | boolean> | undefined> = {}
    for (const [name, o] of Object.entries(c.options)) values[name] = parsed.values[name] ?? (o.type === 'boolean' ? false : undefined)
    return { ok: true, positionals: parsed.positionals, values: values as OptionValues<T> }
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0]! : String(e)
    return { ok: false, message: `${c.name}: ${message}; see "vpci ${c.name} --help"` }
  }
}

/**
 * Commands that declare their own options (`vpci host scan`, `vpci state create`): one table per
 * command gives both its parser and the options section of its help, so an option it does not
 * declare is refused, and help cannot drift from what is parsed.
 */
import { parseArgs } from 'node:util'

export interface OwnOption {
  readonly type: 'boolean' | 'string'
  readonly short?: string
  /** May be given several times (string options). */
  readonly multiple?: boolean
  /** The value's name in help (`FILE`). */
  readonly value?: string
  /** One or more lines; later lines are indented under the first. */
  readonly help: string
}

export type OwnOptions = Readonly<Record<string, OwnOption>>

export type OwnValues = Readonly<Record<string, string | boolean | readonly string[] | undefined>>

/** The options section of a help text, aligned. */
export const optionsHelp = (options: OwnOptions): string => {
  const rows = Object.entries({ ...options, help: { type: 'boolean', short: 'h', help: 'show this help' } as OwnOption }).map(
    ([name, o]) => [`${o.short === undefined ? '' : `-${o.short}, `}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`, o.help] as const,
  )
  const width = Math.max(...rows.map(([label]) => label.length)) + 2
  return rows.map(([label, help]) => `  ${label.padEnd(width)}${help.split('\n').join(`\n  ${' '.repeat(width)}`)}`).join('\n')
}

/** The positionals and values, or the parser's one-line complaint. */
export const parseOwn = (argv: readonly string[], options: OwnOptions): { ok: true; positionals: readonly string[]; values: OwnValues; help: boolean } | { ok: false; message: string } => {
  try {
    const parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        ...Object.fromEntries(Object.entries(options).map(([n, o]) => [n, { type: o.type, ...(o.short === undefined ? {} : { short: o.short }), ...(o.multiple === true ? { multiple: true } : {}) }])),
        help: { type: 'boolean', short: 'h' },
      },
    })
    return { ok: true, positionals: parsed.positionals, values: parsed.values as OwnValues, help: parsed.values.help === true }
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message.split('\n')[0]! : String(e) }
  }
}

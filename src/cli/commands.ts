/**
 * Every command by name, in the order `vpci --help` lists them, each loaded only when it runs
 * (or when help or an error needs every command's declaration), so `vpci caps` never loads what
 * `vpci check` or `vpci report` needs. Adding a command is one line here.
 */
import type { Command } from './command.js'

/** A command's name and how to load its declaration. */
export interface CommandEntry {
  readonly name: string
  readonly load: () => Promise<Command>
}

export const COMMAND_TABLE: readonly CommandEntry[] = [
  { name: 'caps', load: async () => (await import('./caps-command.js')).capsCommand },
  { name: 'check', load: async () => (await import('./check-command.js')).checkCommand },
  { name: 'derive', load: async () => (await import('./derive-command.js')).deriveCommand },
  { name: 'build', load: async () => (await import('./build-command.js')).buildCommand },
  { name: 'remap', load: async () => (await import('./remap-command.js')).remapCommand },
  { name: 'state', load: async () => (await import('./state-command.js')).stateCommand },
  { name: 'filter', load: async () => (await import('./filter-command.js')).filterCommand },
  { name: 'host', load: async () => (await import('./host-command.js')).hostCommand },
  { name: 'matrix', load: async () => (await import('./matrix-command.js')).matrixCommand },
  { name: 'report', load: async () => (await import('./report-command.js')).reportCommand },
  { name: 'serve', load: async () => (await import('./serve-command.js')).serveCommand },
  { name: 'dra', load: async () => (await import('./dra-command.js')).draCommand },
]

/** The command the entry names; a declaration under another name is a bug in this table. */
export const loadCommand = async (e: CommandEntry): Promise<Command> => {
  const c = await e.load()
  if (c.name !== e.name) throw new Error(`the command table lists "${e.name}" but loads "${c.name}"`)
  return c
}

/** Every command, in table order. */
export const loadCommands = (table: readonly CommandEntry[] = COMMAND_TABLE): Promise<readonly Command[]> => Promise.all(table.map(loadCommand))

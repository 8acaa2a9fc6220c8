/**
 * The CLI as a function, for tests and the fuzzer: `run` (dispatch.ts) and every command's
 * declaration, loaded up front. The `vpci` executable imports dispatch.ts instead, so it loads
 * only the command it runs.
 */
import type { Command } from './command.js'
import { loadCommands } from './commands.js'

export { run, VERSION } from './dispatch.js'

/** Every command, in the order `vpci --help` lists them. */
export const COMMANDS: readonly Command[] = await loadCommands()

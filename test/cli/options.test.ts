/**
 * Each command declares its options, and both its parser and its help come from that
 * declaration: the help lists exactly the options parsed, and every option another command
 * declares is refused by a command that does not, naming the option.
 */
import { describe, expect, it } from 'vitest'
import { COMMANDS } from '../../src/cli/run.js'
import { vpci } from '../support/cli.js'

describe('per-command options', () => {
  it.each(COMMANDS.map((c) => c.name))("%s's help lists exactly the options it parses", async (name) => {
    const c = COMMANDS.find((x) => x.name === name)!
    const help = (await vpci('help', name)).stdout
    const listed = [...help.split('Options:\n')[1]!.matchAll(/^ {2}(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1])
    expect(listed).toEqual([...Object.keys(c.options), 'help'])
  })

  // Every option of every other command, given to each command that does not declare it.
  const foreign = COMMANDS.flatMap((c) =>
    COMMANDS.flatMap((other) => Object.keys(other.options).filter((o) => !(o in c.options)).map((o) => [c.name, o] as const)),
  ).filter((x, i, all) => all.findIndex((y) => y[0] === x[0] && y[1] === x[1]) === i)
  it.each(foreign)('vpci %s --%s: refused', async (name, option) => {
    const r = await vpci(name, `--${option}`, 'x', 'FILE')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`--${option} is not an option of ${name}`)
  })
})

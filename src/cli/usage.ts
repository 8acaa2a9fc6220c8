/**
 * `vpci --help`: the commands, each with its summary line (from its declaration), and what
 * every command shares: inputs, standard input and output, exit status.
 */
import type { Command } from './command.js'

export const mainUsage = (commands: readonly Command[]): string => {
  const rows = commands.map((c) => {
    const head = `${c.name} ${c.synopsis[0]!.split(' [')[0]}`.trim()
    const summary = c.summary.split('\n')
    return head.length <= 12
      ? `  ${head.padEnd(14)}${summary.join(`\n  ${' '.repeat(14)}`)}`
      : `  ${head}\n${summary.map((s) => `  ${' '.repeat(14)}${s}`).join('\n')}`
  })
  return `vpci — can this VM's assigned PCI function migrate to that host?

Usage:
  vpci <command> [options]
  vpci help <command>
  vpci --version

Commands:
${rows.join('\n')}

Run "vpci help <command>" (or "vpci <command> --help") for a command's options; each command
takes only its own.

Inputs are lspci hex dumps (lspci -xxxx -s BDF, with or without -vvv), raw binary
config files (/sys/bus/pci/devices/*/config: 64, 256 or 4096 bytes) and sysfs-style
device folders (config plus an optional resource file with BAR sizes). A file named -
is standard input. Files are read up to a limit per kind; FIFOs and devices are refused.

Errors go to standard error, one line each (the first 100, then a count); with --json,
as one JSON object. Reports list the first 100 reasons of each list and a count of the
rest; --all lists them all.

Exit status: 0 done or compatible, 1 incompatible, 2 bad input or usage,
3 internal error (a bug: please report it).

Example:
  vpci caps /sys/bus/pci/devices/0000:3b:00.0
`
}

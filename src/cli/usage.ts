/**
 * Help texts: what each command does, its options, and an example.
 */

export const MAIN_USAGE = `vpci — can this VM's assigned PCI function migrate to that host?

Usage:
  vpci <command> [options]

Commands:
  caps FILE     list a function's capabilities and any problems with its lists

Run "vpci <command> --help" for a command's options.

Inputs are lspci hex dumps (lspci -xxxx -s BDF, with or without -vvv), raw binary
config files (/sys/bus/pci/devices/*/config: 64, 256 or 4096 bytes) and sysfs-style
device folders (config plus an optional resource file with BAR sizes).

Exit status: 0 done, 2 bad input or usage, 3 internal error (a bug: please report it).

Example:
  vpci caps /sys/bus/pci/devices/0000:3b:00.0
`

export const CAPS_USAGE = `Usage:
  vpci caps FILE [--json] [--device BDF]

List the standard and extended capabilities of one PCI function, with their offsets,
versions and lengths, then any problems found while walking the lists (loops, broken
chains, overlapping capabilities, pointers out of range).

FILE is an lspci hex dump, a binary config file or a sysfs device folder.

Options:
  --json          print {"capabilities":[...],"problems":[...]} instead of a table
  --device BDF    pick one device from an lspci dump holding several (e.g. 01:00.0)
  -h, --help      show this help

Exit status: 0 when the file was read (even with problems), 2 when it could not be read.

Example:
  lspci -xxxx -s 01:00.0 > nic.lspci && vpci caps nic.lspci
`

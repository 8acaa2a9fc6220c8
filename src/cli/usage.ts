/**
 * Help texts: what each command does, its options, and an example.
 */

export const MAIN_USAGE = `vpci — can this VM's assigned PCI function migrate to that host?

Usage:
  vpci <command> [options]

Commands:
  caps FILE     list a function's capabilities and any problems with its lists
  check SOURCE DESTINATION
                prove or refute that DESTINATION presents the same config space as SOURCE

Run "vpci <command> --help" for a command's options.

Inputs are lspci hex dumps (lspci -xxxx -s BDF, with or without -vvv), raw binary
config files (/sys/bus/pci/devices/*/config: 64, 256 or 4096 bytes) and sysfs-style
device folders (config plus an optional resource file with BAR sizes).

Exit status: 0 done or compatible, 1 incompatible, 2 bad input or usage,
3 internal error (a bug: please report it).

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

export const CHECK_USAGE = `Usage:
  vpci check SOURCE DESTINATION [--json] [--certificate FILE] [--instance warn|refuse]

Prove or refute that DESTINATION presents the same config space to a guest as SOURCE: the
same capabilities at the same offsets, the same read-only values, the same writable and
write-1-to-clear bits, the same BAR sizes (when a sysfs folder brings them). Every difference
is listed with the capability, field, offset and both values.

SOURCE and DESTINATION are lspci hex dumps, binary config files or sysfs device folders.

Options:
  --json              print {"compatible":...,"reasons":[...],"certificate":{...}}
  --certificate FILE  write the certificate (digests of both semantic images and every
                      obligation checked) to FILE
  --instance MODE     differing serial numbers: warn (default; a layout should virtualize
                      them) or refuse (as QEMU's migration load check does)
  --device BDF        pick the device from lspci dumps holding several
  -h, --help          show this help

Exit status: 0 compatible, 1 incompatible, 2 bad input or usage.

Example:
  vpci check host-a/0000:3b:00.0 host-b/0000:5e:00.0 --certificate nic.cert.json
`

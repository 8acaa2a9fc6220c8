/**
 * Help texts: what each command does, its options, and an example.
 */

export const MAIN_USAGE = `vpci — can this VM's assigned PCI function migrate to that host?

Usage:
  vpci <command> [options]

Commands:
  caps FILE     list a function's capabilities and any problems with its lists
  check SOURCE DESTINATION
                prove or refute that DESTINATION presents the same config space as SOURCE;
                with a layout file as SOURCE, whether DESTINATION can back that layout
  derive PHYSICAL
                a layout file (the guest-visible config space) from a physical function
  build LAYOUT  the virtual config space a layout file describes
  remap STATE --host HOST
                fresh host PASIDs for a VM's guest PASIDs on a destination, all or nothing
  state decode STATE.pb | state encode STATE.json
                migration state between protobuf and its JSON mirror
  filter STATE.pb HOST...
                which candidate hosts can take the whole VM
  host encode HOST.yaml | host decode HOST.pb
                a host between its file (YAML) and its protobuf message

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
  vpci check SOURCE DESTINATION [--json] [--certificate FILE | --verify FILE] [--instance warn|refuse] [--assume-implemented]
  vpci check LAYOUT PHYSICAL [--pf PF] [--personas FILE] [--json]
  vpci check STATE.pb HOST [--json] [--certificate FILE | --verify FILE] [--assume-implemented]

Prove or refute that DESTINATION presents the same config space to a guest as SOURCE: the
same capabilities at the same offsets, the same read-only values, the same writable and
write-1-to-clear bits, the same BAR sizes (when a sysfs folder brings them). Every difference
is listed with the capability, field, offset and both values.

SOURCE and DESTINATION are lspci hex dumps, binary config files or sysfs device folders.

With a layout file (vpci/v1 FunctionLayout) as the first argument, the check is whether the
PHYSICAL function can back that layout: every passed-through capability present (at any
offset) with enough capacity and features, every emulated one supported. The output carries
the virtual→physical offset map the VMM traps config accesses with. --pf gives a VF's PF,
whose PASID capability an emulated vPASID needs.

With a migration state (STATE.pb) and a host (a host file, kind: Host, or its protobuf
message from vpci host encode, told apart by content), the check is whether the host
can take the whole VM: a one-to-one assignment of its functions to the host's free functions,
each able to back its layout and take its state, and a plan for its PASIDs. The output has the
assignment, each function's offset map and the PASID plan, or every reason none exists; the
certificate names every layout and host function by digest with its offset map and the plan.

Options:
  --json              print {"compatible":...,"reasons":[...],"certificate":{...}}
  --certificate FILE  write the certificate (digests of both semantic images and every
                      obligation checked) to FILE
  --verify FILE       re-derive the certificate saved in FILE from the arguments and options
                      and compare every field: exit 0 it holds, 1 it does not (each mismatch
                      named), 2 FILE is not a certificate of that kind
  --instance MODE     differing serial numbers: warn (default; a layout should virtualize
                      them) or refuse (as QEMU's migration load check does)
  --assume-implemented
                      optional writable bits (e.g. AER masks of optional errors) set in the
                      source's state but reading 0 on the destination: accept them as an
                      assumption stated in the certificate, instead of refusing (the default:
                      a 0 does not prove the destination implements them)
  --pf PF             the PF of a VF (layout checks only)
  --personas FILE     a persona matrix (kind: PersonaMatrix): check that the destination's
                      variant driver accepts a migration stream the layout's persona speaks
  --device BDF        pick the device from lspci dumps holding several
  -h, --help          show this help

Exit status: 0 compatible, 1 incompatible, 2 bad input or usage.

Examples:
  vpci check host-a/0000:3b:00.0 host-b/0000:5e:00.0 --certificate nic.cert.json
  vpci check host-a/0000:3b:00.0 host-b/0000:5e:00.0 --verify nic.cert.json
  vpci check instance-type-a.yaml /sys/bus/pci/devices/0000:5e:00.0
`

export const DERIVE_USAGE = `Usage:
  vpci derive PHYSICAL [--policy kernel|qemu|none] [--pasid auto|none|OFFSET]
              [--usable START-END,...] [-o FILE]

Write a layout file (YAML, vpci/v1 FunctionLayout) describing what a guest sees of the
PHYSICAL function: every capability the policy does not hide, at its offset, with its field
values; the hidden ones listed. Review it, give it a persona, and it defines an instance type.

Options:
  --policy NAME    what to hide: kernel (default; as Linux vfio-pci), qemu (kernel plus what
                   QEMU drops), none
  --pasid WHERE    when the policy hides a physical PASID capability, synthesise an emulated one:
                   auto (default; the highest free 8 bytes of extended space), none, or an offset
  --usable RANGES  extended space synthesised capabilities may use, e.g. 0x400-0x500 (end
                   exclusive); device quirks (bytes a device uses outside its capabilities)
                   are never used either way
  -o FILE          write the layout to FILE instead of standard output
  --device BDF     pick the device from an lspci dump holding several

Example:
  vpci derive /sys/bus/pci/devices/0000:5e:00.0 -o instance-type-a.yaml
`

export const BUILD_USAGE = `Usage:
  vpci build LAYOUT [--format lspci|binary] [-o FILE]

Write the virtual config space LAYOUT describes, as the VMM presents it to the guest: lspci
hex text (default; readable by vpci and lspci -F) or the raw 256/4096 bytes.

Options:
  --format F   lspci (default) or binary
  -o FILE      write to FILE instead of standard output

Example:
  vpci build instance-type-a.yaml -o instance-type-a.lspci && vpci caps instance-type-a.lspci
`

export const REMAP_USAGE = `Usage:
  vpci remap STATE --host HOST [--assign GUEST=HOST,...] [--json]

Plan the PASIDs of a VM (STATE: JSON, kind PasidState) on a destination host (HOST: a host
file's pasid section, or a Host message): each guest PASID gets a fresh host PASID (delegated: the same
number re-attached), never one already allocated, never 0, never at or above a function's
limit; the CPU translation table for ENQCMD functions; every function's PASID table entries.
All or nothing: when any PASID cannot be placed, nothing is, and every reason is listed.

Options:
  --host HOST   the destination's host file
  --assign MAP  which destination function takes each of the VM's (GUEST=HOST, comma-separated);
                without it, functions are matched by id
  --json        print {"compatible","reasons","plan":{"map","cpuTable","entries","pools"}}

Exit status: 0 with a plan, 1 refused, 2 bad input.

Example:
  vpci remap vm-17.pasid.json --host host-b.yaml --json
`

export const STATE_USAGE = `Usage:
  vpci state decode STATE.pb [-o FILE]
  vpci state encode STATE.json -o FILE

A VM's migration state (vpci.migration.v1.MigrationState, proto/ in the package) between its
protobuf form and the JSON mirror people read and edit. Both directions check everything: the
layouts (as layout files are checked), the config images, the PASID state.

Options:
  -o FILE    write to FILE instead of standard output (binary output needs it on a terminal)

Example:
  vpci state decode vm-17.pb > vm-17.json && vpci state encode vm-17.json -o vm-17.pb
`

export const FILTER_USAGE = `Usage:
  vpci filter STATE.pb HOST... [--json] [--assume-implemented]

Judge every candidate host (host files, kind: Host, or Host messages) for the VM whose migration state is STATE.pb, as
a scheduler does: which hosts can take the whole VM (a one-to-one assignment of its functions
to free host functions, each able to back its layout and take its state, with room for its
PASIDs), and why each other host cannot. Device models are loaded once and judged once however
many hosts carry them. On a terminal, more than 1,000 hosts get a progress line on stderr.

Options:
  --json   print {"vm":...,"hosts":N,"accepted":[{"host","file","assignment","warnings"}],
           "rejected":[{"host","file","reasons"}]}
  --assume-implemented   as in vpci check: optional bits set in the state are assumed
           writable on each destination (stated as assumptions), not refused

Exit status: 0 at least one host accepted, 1 none, 2 bad input or usage.

Example:
  vpci filter vm-17.pb hosts/*.yaml --json
`

export const HOST_USAGE = `Usage:
  vpci host encode HOST [-o HOST.pb]
  vpci host decode HOST.pb [-o HOST.yaml]

A host (vpci.migration.v1.Host, proto/ in the package) between its file form (YAML, kind Host)
and its protobuf message. encode embeds the config space of every function the host file names
(a dump or sysfs folder as its image and BAR sizes, a layout file inline), so the message
travels alone; decode writes a host file carrying everything the message does (images as hex
rows, layouts inline). Both check what they read as check and filter do: distinct addresses,
PFs on the host, distinct PASID function ids, PASID ranges inside their width, no overlaps.
Either takes either form; vpci check, filter and remap --host take both too.

Options:
  -o FILE    write to FILE instead of standard output (binary output needs it on a terminal)

Example:
  vpci host encode hosts/host-b.yaml -o host-b.pb && vpci check vm-17.pb host-b.pb
`

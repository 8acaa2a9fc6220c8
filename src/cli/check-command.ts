/**
 * `vpci check`: exact layout equivalence of two physical functions, whether a physical function
 * can back a layout, or whether a host can take a whole VM, told apart by what the two files
 * are. Exit 0 compatible, 1 incompatible, 2 bad input.
 */
import * as E from 'fp-ts/lib/Either.js'
import { loadRealizeOptions } from './load-realize-options.js'
import { realize } from '../layout/realize.js'
import { checkMigration, verifyMigrationCertificate } from '../migrate/check-migration.js'
import { proveEquivalence, type Verdict, verifyCertificate } from '../proof/prove-equivalence.js'
import { REASON_LIMIT } from '../proof/reason-limit.js'
import { prepareFunction } from '../semantic/prepared-function.js'
import { MAX_STATE_BYTES } from '../state/state-codec.js'
import { command, type OptionValues } from './command.js'
import { both, ExitCode, type Failure, fail, failLayout, type Outcome } from './exit.js'
import type { CliIo } from './io.js'
import { functionFrom } from './load-function.js'
import { hostFrom } from './load-host.js'
import { isHostKind } from './read-host.js'
import { layoutFrom } from './load-layout.js'
import { stateFrom } from './load-state.js'
import { ALL, DEVICE, ROOT } from './options.js'
import { isVmmPolicyName, VMM_POLICY_NAMES } from '../layout/vmm-policy.js'
import { type Input, kindOf, readInput } from './read-input.js'
import { mapText, reasonsJson, verdictJson, verdictText } from './render-verdict.js'
import { checkVmText } from './render-vm-check.js'
import { readCertificateFile, reportVerification } from './verify-certificate.js'

const OPTIONS = {
  json: { type: 'boolean', help: 'print {"compatible","reasons":[...],"omittedReasons","certificate":{...}} (with a\nlayout: and "offsetMap"; with a host: "assignment" and "pasidPlan")' },
  all: ALL,
  certificate: { type: 'string', value: 'FILE', help: 'write the certificate (digests of both semantic images and every obligation\nchecked) to FILE' },
  verify: {
    type: 'string',
    value: 'FILE',
    help: 're-derive the certificate saved in FILE from the arguments and options and\ncompare every field: exit 0 it holds, 1 it does not (each mismatch named),\n2 FILE is not a certificate of that kind',
  },
  instance: { type: 'string', value: 'MODE', help: 'differing serial numbers: warn (default; a layout should virtualize them) or\nrefuse (as QEMU\'s migration load check does)' },
  'assume-implemented': {
    type: 'boolean',
    help: "optional writable bits (e.g. AER masks of optional errors) set in the source's\nstate but reading 0 on the destination: accept them as an assumption stated in\nthe certificate, instead of refusing (the default: a 0 does not prove the\ndestination implements them)",
  },
  vmm: {
    type: 'string',
    value: 'NAME',
    help: `the VMM that loads the state, whose load check leaves some bytes uncompared
(two functions only): ${VMM_POLICY_NAMES.join(', ')}; qemu-9.1 does not compare the vendor
bytes of a Vendor-Specific capability (vfio-pci skip-vsc-check), and the
certificate says so. Default: every byte compared`,
  },
  pf: { type: 'string', value: 'PF', help: 'the PF of a VF (layout checks only)' },
  personas: { type: 'string', value: 'FILE', help: "a persona matrix (kind: PersonaMatrix): check that the destination's variant\ndriver accepts a migration stream the layout's persona speaks (layout checks only)" },
  device: DEVICE,
  root: ROOT,
} as const

type Options = OptionValues<typeof OPTIONS>

/** The largest input any form of check reads (a migration state); each decoder applies its own limit. */
const MAX_INPUT = MAX_STATE_BYTES


/** Can the physical function back the layout? */
const checkLayout = async (io: CliIo, o: Options, layoutInput: Input, physicalInput: Input): Promise<Outcome> => {
  const loaded = both(layoutFrom(layoutInput), await functionFrom(io, physicalInput, o.device))
  if (E.isLeft(loaded)) return loaded.left
  const [layout, physical] = loaded.right
  const options = await loadRealizeOptions(io, o)
  if (E.isLeft(options)) return options.left
  const result = realize(layout, prepareFunction(physical), options.right)
  if (E.isLeft(result)) return failLayout(result.left.map((e) => ({ ...e, file: layoutInput.path })))
  const r = result.right
  const limit = o.all ? null : REASON_LIMIT
  const verdict: Verdict = { compatible: r.compatible, reasons: r.reasons, certificate: null }
  io.out(
    o.json
      ? `${JSON.stringify({ ...(verdictJson(verdict, limit) as object), offsetMap: r.offsetMap })}\n`
      : verdictText(verdict, layoutInput.path, physicalInput.path, limit) + (r.offsetMap === null ? '' : mapText(r.offsetMap)),
  )
  return r.compatible ? ExitCode.ok : ExitCode.incompatible
}

/** Writes a certificate as JSON; a failure when it cannot, else null. */
const writeCertificate = async (io: CliIo, path: string, certificate: unknown): Promise<Failure | null> => {
  try {
    await io.writeFile(path, `${JSON.stringify(certificate, null, 2)}\n`)
    return null
  } catch (e) {
    return fail(`cannot write the certificate to ${path}: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/** Can the host take the whole VM? */
const checkVm = async (io: CliIo, o: Options, stateInput: Input, hostInput: Input): Promise<Outcome> => {
  const loaded = both(stateFrom(stateInput), await hostFrom(io, hostInput, o.root === undefined ? {} : { root: o.root }))
  if (E.isLeft(loaded)) return loaded.left
  const [state, host] = loaded.right
  const options = { assumeImplemented: o['assume-implemented'] }
  if (o.verify !== undefined) {
    const given = await readCertificateFile(io, o.verify)
    if (E.isLeft(given)) return given.left
    const context = { json: o.json, from: [stateInput.path, hostInput.path], limit: o.all ? null : REASON_LIMIT }
    return reportVerification(io, context, o.verify, 'a migration certificate', verifyMigrationCertificate(given.right, state, host, options))
  }
  const v = checkMigration(state, host, options)
  if (o.certificate !== undefined) {
    const failed = await writeCertificate(io, o.certificate, v.certificate)
    if (failed !== null) return failed
  }
  const limit = o.all ? null : REASON_LIMIT
  if (o.json) {
    const plan = v.pasidPlan === null ? null : { map: v.pasidPlan.map, cpuTable: v.pasidPlan.cpuTable, entries: v.pasidPlan.entries }
    io.out(`${JSON.stringify({ compatible: v.compatible, ...reasonsJson(v.reasons, limit), certificate: v.certificate, assignment: v.assignment, pasidPlan: plan })}\n`)
  } else {
    io.out(checkVmText(v, stateInput.path, hostInput.path, limit))
  }
  return v.compatible ? ExitCode.ok : ExitCode.incompatible
}

/** Do both physical functions present the same config space? */
const checkFunctions = async (io: CliIo, o: Options, sourceInput: Input, destinationInput: Input): Promise<Outcome> => {
  if (o.instance !== undefined && o.instance !== 'warn' && o.instance !== 'refuse') return fail(`check: --instance takes warn or refuse, not "${o.instance}"`)
  if (o.vmm !== undefined && !isVmmPolicyName(o.vmm)) return fail(`check: --vmm takes ${VMM_POLICY_NAMES.join(' or ')}, not "${o.vmm}"`)
  const loaded = both(await functionFrom(io, sourceInput, o.device), await functionFrom(io, destinationInput, o.device))
  if (E.isLeft(loaded)) return loaded.left
  const [source, destination] = loaded.right
  const options = {
    instance: o.instance === 'refuse' ? ('refuse' as const) : ('warn' as const),
    assumeImplemented: o['assume-implemented'],
    ...(o.vmm !== undefined && isVmmPolicyName(o.vmm) ? { vmm: o.vmm } : {}),
  }
  if (o.verify !== undefined) {
    const given = await readCertificateFile(io, o.verify)
    if (E.isLeft(given)) return given.left
    const context = { json: o.json, from: [sourceInput.path, destinationInput.path], limit: o.all ? null : REASON_LIMIT }
    return reportVerification(io, context, o.verify, 'an equivalence certificate', verifyCertificate(given.right, prepareFunction(source), prepareFunction(destination), options))
  }
  const verdict = proveEquivalence(prepareFunction(source), prepareFunction(destination), options)
  if (o.certificate !== undefined) {
    const failed = await writeCertificate(io, o.certificate, verdict.certificate)
    if (failed !== null) return failed
  }
  const limit = o.all ? null : REASON_LIMIT
  io.out(o.json ? `${JSON.stringify(verdictJson(verdict, limit))}\n` : verdictText(verdict, sourceInput.path, destinationInput.path, limit))
  return verdict.compatible ? ExitCode.ok : ExitCode.incompatible
}

export const checkCommand = command({
  name: 'check',
  synopsis: [
    'SOURCE DESTINATION [--json] [--all] [--certificate FILE | --verify FILE]',
    '      [--instance warn|refuse] [--assume-implemented] [--vmm qemu-9.0|qemu-9.1]',
    'LAYOUT PHYSICAL [--pf PF] [--personas FILE] [--json] [--all]',
    'STATE.pb HOST [--json] [--all] [--certificate FILE | --verify FILE]',
    '      [--assume-implemented] [--root DIR]',
  ],
  summary: 'prove or refute that DESTINATION presents the same config space as SOURCE;\nwith a layout, whether PHYSICAL can back it; with a state and a host, whether\nthe host can take the whole VM',
  about: `
Prove or refute that DESTINATION presents the same config space to a guest as SOURCE: the
same capabilities at the same offsets, the same read-only values, the same writable and
write-1-to-clear bits, the same BAR sizes (when a sysfs folder brings them). Every difference
is listed with the capability, field, offset and both values.

SOURCE and DESTINATION are lspci hex dumps, binary config files or sysfs device folders
(- reads one from standard input).

With a layout file (vpci/v1 FunctionLayout) as the first argument, the check is whether the
PHYSICAL function can back that layout: every passed-through capability present (at any
offset) with enough capacity and features, every emulated one supported. The output carries
the virtual→physical offset map the VMM traps config accesses with. --pf gives a VF's PF,
whose PASID capability an emulated vPASID needs.

With a migration state (STATE.pb) and a host (a host file, kind: Host, or its protobuf message
from vpci host encode, told apart by content), the check is whether the host can take the whole
VM: a one-to-one assignment of its functions to the host's free functions,
each able to back its layout and take its state, and a plan for its PASIDs. The output has the
assignment, each function's offset map and the PASID plan, or every reason none exists; the
certificate names every layout and host function by digest with its offset map and the plan.`,
  options: OPTIONS,
  footer: `
Exit status: 0 compatible, 1 incompatible, 2 bad input or usage, 3 internal error.

Examples:
  vpci check host-a/0000:3b:00.0 host-b/0000:5e:00.0 --certificate nic.cert.json
  vpci check host-a/0000:3b:00.0 host-b/0000:5e:00.0 --verify nic.cert.json
  vpci check instance-type-a.yaml /sys/bus/pci/devices/0000:5e:00.0
  vpci check vm-17.pb hosts/host-b.yaml --root hosts/..`,
  async run(io, positionals, o) {
    if (positionals.length !== 2) return fail('check takes SOURCE and DESTINATION; see "vpci check --help"')
    if (o.verify !== undefined && o.certificate !== undefined) return fail('check: --verify reads a certificate, --certificate writes one; give one of them')
    const [a, b] = positionals as [string, string]
    const inputs = both(await readInput(io, a, MAX_INPUT), await readInput(io, b, MAX_INPUT))
    if (E.isLeft(inputs)) return inputs.left
    const [first, second] = inputs.right
    const [firstKind, secondKind] = [kindOf(first), kindOf(second)]
    const layoutFirst = firstKind === 'layout-yaml'
    if (o.pf !== undefined && !layoutFirst) return fail('check: --pf goes with a layout file as the first argument')
    if (o.personas !== undefined && !layoutFirst) return fail('check: --personas goes with a layout file as the first argument')
    const hostSecond = isHostKind(secondKind)
    if (o.vmm !== undefined && (layoutFirst || hostSecond || firstKind === 'migration-state')) return fail('check: --vmm goes with two functions (SOURCE DESTINATION)')
    if (hostSecond || firstKind === 'migration-state') {
      if (o.device !== undefined) return fail('check: --device goes with dumps, not with a state and a host')
      return checkVm(io, o, first, second)
    }
    if (o.root !== undefined) return fail('check: --root goes with a host as DESTINATION')
    if (layoutFirst) {
      if (o.verify !== undefined) return fail('check: --verify goes with two functions or a state and a host; a layout check has no certificate')
      return checkLayout(io, o, first, second)
    }
    return checkFunctions(io, o, first, second)
  },
})


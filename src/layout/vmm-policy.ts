/**
 * What a VMM's migration load check leaves uncompared, as data, beside the hiding policies
 * (hiding-policy.ts). vpci compares every byte unless the operator names the VMM that will load
 * the state; then it relaxes exactly the bytes that VMM does not compare, and says so in the
 * certificate (an assumption, and the obligation over those bytes `assumed`).
 *
 * QEMU's vfio-pci `skip-vsc-check` (QEMU hw/vfio/pci.c, `vfio_add_vendor_specific_cap`): when
 * set, the load check's cmask is cleared from byte 3 of each standard Vendor-Specific capability
 * (ID 0x09) to its end, because those vendor bytes change with the host driver (NVIDIA vGPU);
 * the ID, next pointer and length byte stay compared. The property defaults to true
 * (`DEFINE_PROP_BOOL("skip-vsc-check", ..., true)`), and the machine-type compat table
 * `hw_compat_9_0` sets it false, so machine types 9.1 and later skip, 9.0 and older compare.
 * QEMU's end is the next capability (its `vfio_std_cap_max_size`); vpci relaxes only up to the
 * capability's own length byte, so bytes past it stay compared (stricter, never looser).
 */
import type { Capability } from '../capability/capability.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'

export type VmmPolicyName = 'qemu-9.0' | 'qemu-9.1'

/** Bytes of one kind of capability a VMM's load check does not compare: from `from` to the capability's length. */
export interface UncomparedBytes {
  readonly space: 'standard' | 'extended'
  readonly id: number
  readonly from: number
  readonly why: string
}

export interface VmmPolicy {
  readonly name: VmmPolicyName
  readonly description: string
  readonly uncompared: readonly UncomparedBytes[]
}

export const VMM_POLICIES: Readonly<Record<VmmPolicyName, VmmPolicy>> = {
  'qemu-9.0': {
    name: 'qemu-9.0',
    description: 'QEMU vfio-pci, machine types 9.0 and older (skip-vsc-check off): every byte compared',
    uncompared: [],
  },
  'qemu-9.1': {
    name: 'qemu-9.1',
    description: 'QEMU vfio-pci, machine types 9.1 and later (skip-vsc-check on, the default)',
    uncompared: [
      {
        space: 'standard',
        id: 0x09,
        from: 3,
        why: 'QEMU 9.1+ vfio-pci skip-vsc-check: vendor-specific bytes of a Vendor-Specific capability are not compared on load (they change with the host driver)',
      },
    ],
  },
}

export const VMM_POLICY_NAMES = Object.keys(VMM_POLICIES) as VmmPolicyName[]

export const isVmmPolicyName = (s: string): s is VmmPolicyName => Object.hasOwn(VMM_POLICIES, s)

/** A run of bytes left uncompared: the capability holding it, and [start, end). */
export interface UncomparedRun {
  readonly capability: Capability
  readonly start: number
  readonly end: number
  readonly why: string
}

/** The bytes of `f` that `policy` leaves uncompared, in offset order. */
export const uncomparedRuns = (policy: VmmPolicyName, f: PreparedFunction): UncomparedRun[] =>
  VMM_POLICIES[policy].uncompared.flatMap((u) =>
    f.walk.capabilities
      .filter((c) => c.space === u.space && c.id === u.id && c.length > u.from)
      .map((c) => ({ capability: c, start: c.offset + u.from, end: Math.min(c.offset + c.length, f.config.size), why: u.why })),
  )

/**
 * The uncompared runs of `source` under `policy` where `destination` has the same structure (the
 * same capability, same ID, offset and length): only there are the two sides' bytes the same
 * registers. Elsewhere a structural reason refuses anyway.
 */
export const relaxedRuns = (policy: VmmPolicyName | undefined, source: PreparedFunction, destination: PreparedFunction): UncomparedRun[] =>
  policy === undefined
    ? []
    : uncomparedRuns(policy, source).filter((r) =>
        destination.walk.capabilities.some((c) => c.space === r.capability.space && c.id === r.capability.id && c.offset === r.capability.offset && c.length === r.capability.length),
      )

/**
 * What a VMM stack hides from the guest, as data (shared/REFERENCE.md "What VMMs hide or
 * synthesise today"). `kernel`: what Linux vfio-pci hides; `qemu`: that plus QEMU's drops;
 * `none`: everything exposed.
 */
import type { Capability } from '../capability/capability.js'
import { lookupCapability } from '../capability/registry.js'

export type HidingPolicyName = 'kernel' | 'qemu' | 'none'

/** Extended capabilities vfio-pci hides: PASID, Secondary PCIe, PMUX, DPC, L1SS, PTM, DLF, PL 16/32 GT/s, NPEM, DOE. */
const KERNEL_HIDDEN_EXTENDED: ReadonlySet<number> = new Set([0x1b, 0x19, 0x1a, 0x1d, 0x1e, 0x1f, 0x25, 0x26, 0x2a, 0x29, 0x2e])

/** Extended capabilities QEMU drops on top: hidden ones left with ID 0, SR-IOV, ARI. */
const QEMU_HIDDEN_EXTENDED: ReadonlySet<number> = new Set([0x00, 0x10, 0x0e])

/** True when `policy` hides the capability from the guest. Unknown IDs are hidden by vfio. */
export const hides = (policy: HidingPolicyName, cap: Pick<Capability, 'space' | 'id'>): boolean => {
  if (policy === 'none') return false
  if (lookupCapability(cap.space, cap.id) === undefined) return true
  if (cap.space === 'standard') return false
  if (KERNEL_HIDDEN_EXTENDED.has(cap.id)) return true
  return policy === 'qemu' && QEMU_HIDDEN_EXTENDED.has(cap.id)
}

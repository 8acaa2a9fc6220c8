/**
 * Whether evicting pods from a node (kube-scheduler's preemption) could make a refused host take
 * the VM, by reason code: the one table the extender sorts refusals by. kube-scheduler considers
 * for preemption the nodes of `FailedNodes` and never those of `FailedAndUnresolvableNodes`
 * (k8s.io/kube-scheduler/extender/v1 types.go: "FailedAndUnresolvableNodes ... nodes that are
 * failed and unresolvable"); an eviction that cannot help would stop a running pod for nothing.
 *
 * - `unresolvable`: facts of the hardware, firmware, layout, IOMMU or the host's configuration
 *   (capabilities, fields, BARs, personas, PASID widths, features, split point, CPU translation),
 *   and a state that contradicts itself: no eviction changes them;
 * - `resolvable`: what other VMs hold (PASIDs allocated, functions taken so that no one-to-one
 *   assignment is left): an eviction frees them;
 * - `neutral`: a summary whose cause is told by the reasons that follow (NO_CANDIDATE lists its
 *   closest candidate's checks; alone, it means the host has no free function left, which an
 *   eviction frees), or a search that stopped undecided.
 *
 * A refused host is unresolvable when its error reasons include an unresolvable code and no
 * resolvable one, and none is neutral-only: see `refusalResolution`.
 */
import type { Reason, ReasonCode } from '../proof/reason.js'

export type Resolution = 'unresolvable' | 'resolvable' | 'neutral'

export const REASON_RESOLUTION: Readonly<Record<ReasonCode, Resolution>> = {
  CAP_MISSING: 'unresolvable',
  CAP_ADDED: 'unresolvable',
  CAP_OFFSET_MOVED: 'unresolvable',
  CAP_VERSION: 'unresolvable',
  CAP_LENGTH: 'unresolvable',
  FIELD_IDENTITY: 'unresolvable',
  FIELD_CAPACITY: 'unresolvable',
  FIELD_FEATURES: 'unresolvable',
  FIELD_VOLATILE: 'unresolvable',
  FIELD_INSTANCE: 'unresolvable',
  BYTES_DIFFER: 'unresolvable',
  WRITE_MASK_DIFFERS: 'unresolvable',
  BAR_DIFFERS: 'unresolvable',
  VF_NEEDS_PF: 'unresolvable',
  BAR_SIZE_UNKNOWN: 'unresolvable',
  EXTENDED_SPACE_UNKNOWN: 'unresolvable',
  IMAGE_INCOMPLETE: 'unresolvable',
  STATE_NOT_WRITABLE: 'unresolvable',
  STATE_UNPROVEN: 'unresolvable',
  PERSONA_STREAM: 'unresolvable',
  PASID_WIDTH: 'unresolvable',
  PASID_SPLIT: 'unresolvable',
  PASID_FEATURES: 'unresolvable',
  PASID_PF_DISABLED: 'unresolvable',
  PASID_NO_TRANSLATION: 'unresolvable',
  PASID_NO_FUNCTION: 'unresolvable',
  PASID_DUPLICATE_FUNCTION: 'unresolvable',
  STATE_LAYOUT: 'unresolvable',
  STATE_GUEST_ADDRESS: 'unresolvable',
  STATE_IMAGE_SIZE: 'unresolvable',
  STATE_READ_ONLY: 'unresolvable',
  STATE_DIGEST: 'unresolvable',
  STATE_PASID_CAPABILITY: 'unresolvable',
  STATE_PASID_WIDTH: 'unresolvable',
  STATE_PASID_FEATURES: 'unresolvable',
  PASID_POOL_EXHAUSTED: 'resolvable',
  PASID_LOCAL_OCCUPIED: 'resolvable',
  PASID_OCCUPIED: 'resolvable',
  PASID_SHARED_FUNCTION: 'resolvable',
  NO_ASSIGNMENT: 'resolvable',
  NO_CANDIDATE: 'neutral',
  SEARCH_BOUND: 'neutral',
}

/**
 * `unresolvable` when the host's error reasons name only causes no eviction changes (at least
 * one of them); otherwise `resolvable` (a resolvable cause, or only summaries: a host with no
 * free function left).
 */
export const refusalResolution = (reasons: readonly Reason[]): 'unresolvable' | 'resolvable' => {
  let unresolvable = false
  for (const r of reasons) {
    if (r.severity !== 'error') continue
    const how = REASON_RESOLUTION[r.code]
    if (how === 'resolvable') return 'resolvable'
    if (how === 'unresolvable') unresolvable = true
  }
  return unresolvable ? 'unresolvable' : 'resolvable'
}

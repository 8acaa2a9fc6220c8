/**
 * What a host scan reports besides the host: warnings (the scan went on; the host file says
 * less, or marks a function not free, and the warning says why) and errors (no host file can be
 * written). Each names the function (address) or the path it is about.
 */

export type ScanWarningCode =
  /** A config read gave fewer bytes than the function has (unprivileged, or no extended space reachable). */
  | 'CONFIG_TRUNCATED'
  /** A function's config could not be read or is not a config space: it is left out. */
  | 'CONFIG_UNREADABLE'
  /** A function's `resource` file could not be read or parsed: its BAR sizes are unknown. */
  | 'RESOURCE_UNREADABLE'
  /** An entry of `bus/pci/devices` is not named like a PCI function. */
  | 'NOT_A_FUNCTION'
  /** A link (`driver`, `iommu_group`, `physfn`, `virtfnN`, `iommu`) could not be read. */
  | 'LINK_UNREADABLE'
  /** A VF whose PF is not in the tree, or PF and VF links that disagree. */
  | 'SRIOV_LINKS'
  /** A vfio-bound function whose IOMMU group also holds a function a kernel driver owns. */
  | 'GROUP_NOT_VIABLE'
  /** An IOMMU's registers could not be read or decoded, or no IOMMU is published. */
  | 'IOMMU_UNKNOWN'
  /** cpuinfo could not be read, or a stated PASID fact contradicts what the host shows. */
  | 'CPU_FLAGS'
  /** A PASID fact sysfs cannot show was not stated: the conservative value was written. */
  | 'PASID_ASSUMED'

export interface ScanWarning {
  readonly code: ScanWarningCode
  /** The function it is about, when there is one. */
  readonly address: string | null
  readonly message: string
}

export type ScanErrorCode = 'NO_PCI_TREE' | 'TOO_MANY_FUNCTIONS' | 'NO_SUCH_DEVICE' | 'BAD_OPTION'

export interface ScanError {
  readonly code: ScanErrorCode
  readonly message: string
}

/** `0000:3b:00.0: message`, or the message alone. */
export const renderScanWarning = (w: ScanWarning): string => (w.address === null ? w.message : `${w.address}: ${w.message}`)

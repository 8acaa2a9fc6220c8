/**
 * What makes a PASID state (or a host's PASID pools) malformed, with the path of the entry.
 */

export type PasidStateErrorCode = 'DUPLICATE_LOCAL' | 'LOCAL_OUT_OF_RANGE' | 'PASID_BEYOND_WIDTH' | 'PASID_ZERO' | 'UNKNOWN_FUNCTION' | 'DUPLICATE_BINDING' | 'ENQCMD_LOCAL' | 'RANGES_OVERLAP' | 'WRONG_TYPE'

export interface PasidStateError {
  readonly code: PasidStateErrorCode
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

/**
 * Why a layout could not be read, derived or built: a stable code, the path of the entry in
 * the layout (`capabilities[3].fields.maxPasidWidth`), the file and line when it came from one,
 * and a sentence.
 */

export type LayoutErrorCode =
  | 'YAML_SYNTAX'
  | 'UNREADABLE'
  | 'WRONG_KIND'
  | 'WRONG_TYPE'
  | 'UNKNOWN_KEY'
  | 'UNKNOWN_CAPABILITY'
  | 'UNKNOWN_FIELD'
  | 'VALUE_TOO_WIDE'
  | 'OFFSET_OUT_OF_RANGE'
  | 'OFFSET_MISALIGNED'
  | 'OVERLAP'
  | 'NOT_REACHABLE'
  | 'LENGTH_REQUIRED'
  | 'LENGTH_DOES_NOT_FIT'
  | 'PASID_OFFSET_NOT_FREE'
  | 'NO_FREE_SPACE'
  | 'IMAGE_INCOMPLETE'
  | 'NOT_A_FUNCTION'
  | 'BROKEN_CHAIN'
  /** A raw run reaches outside its region (a capability's header or end, the config header, another capability). */
  | 'RAW_OUT_OF_PLACE'
  /** A raw run sets bits a capability header, next pointer or registry field owns. */
  | 'RAW_OVER_FIELD'
  /** Two raw runs write the same byte. */
  | 'RAW_OVERLAP'
  /** The built config space shows a capability (or an order) the layout does not list. */
  | 'CAP_NOT_LISTED'
  /** A VF (Vendor and Device ID read 0xffff): its identity and BARs are its PF's to tell. */
  | 'VF_NEEDS_PF'
  /** A PF was given for a function that is not a VF, or one without an SR-IOV capability. */
  | 'NOT_A_VF'
  | 'PF_WITHOUT_SRIOV'
  /** deriveCommon: the functions disagree on an identity field the operator did not name. */
  | 'IDENTITY_DIFFERS'
  /** deriveCommon: a function cannot back any layout the others can (an identity named it does not have, a VF without its PF). */
  | 'NO_COMMON_LAYOUT'
  /** Stands for errors found and counted but not made (`omitted` of them): a hostile file must not cost one object per defect. */
  | 'MORE_ERRORS'

export type LayoutPath = ReadonlyArray<string | number>

export interface LayoutError {
  readonly code: LayoutErrorCode
  readonly path: LayoutPath
  /** The file the layout came from; null for one made in memory. */
  readonly file: string | null
  /** 1-based line of the entry in its file, when known. */
  readonly line: number | null
  readonly message: string
  /** On a MORE_ERRORS entry: how many errors it stands for. */
  readonly omitted?: number
}

/** Errors of one kind a check lists before it only counts the rest. */
export const MAX_LAYOUT_ERRORS = 100

/** The entry that counts `n` errors not listed. */
export const moreLayoutErrors = (n: number, what: string): LayoutError => ({ ...layoutError('MORE_ERRORS', [], `and ${n} more ${what}`), omitted: n })

/** `capabilities[3].fields.maxPasidWidth`. */
export const renderPath = (path: LayoutPath): string =>
  path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s === '' ? p : `${s}.${p}`), '')

export const layoutError = (code: LayoutErrorCode, path: LayoutPath, message: string): LayoutError => ({ code, path, file: null, line: null, message })

/** One line for people: `file:line: path: message`. */
export const renderLayoutError = (e: LayoutError): string => {
  const where = e.file === null ? '' : e.line === null ? `${e.file}: ` : `${e.file}:${e.line}: `
  const path = renderPath(e.path)
  return `${where}${path === '' ? '' : `${path}: `}${e.message}`
}

/**
 * One physical function as read from a dump: its config space image, where it came from, and
 * (from a sysfs folder) its BAR and ROM sizes.
 */
import type { ConfigSpace } from '../config-space/config-space.js'
import type { Resources } from './sysfs-resource.js'

/** BARs as a layout declares them (types and sizes, sizes possibly unknown). */
export interface DeclaredBars {
  readonly bars: ReadonlyArray<{ readonly index: number; readonly kind: 'memory32' | 'memory64' | 'io'; readonly prefetchable: boolean; readonly size: bigint | null }>
  readonly rom: { readonly size: bigint | null } | null
}

export interface FunctionDump {
  /** The file or folder it was read from, as the user named it. */
  readonly file: string
  /** `BB:DD.F` or `DDDD:BB:DD.F` from lspci's device line; null when the dump had none. */
  readonly device: string | null
  /** The rest of lspci's device line (class and name); null when the dump had none. */
  readonly description: string | null
  readonly config: ConfigSpace
  /** BAR, ROM and SR-IOV BAR sizes from a sysfs `resource` file; null when not known. */
  readonly resources: Resources | null
  /** For a function built from a layout: its BARs as the layout declares them. */
  readonly declaredBars?: DeclaredBars
}

/**
 * A host as its files describe it, before its functions are loaded: name, functions (address,
 * where the config space comes from, persona, PF, free) and the PASID side with pools as range
 * lists. The YAML host file and the `vpci.migration.v1.Host` message both read into this, through
 * the same checks (`host-data.ts`). A function's config space is named by a file (as host files
 * do), or embedded: an image with its resources, or a layout (as `vpci host encode` writes them,
 * so a message travels alone).
 */
import type { ConfigSpace } from '../config-space/config-space.js'
import type { Resources } from '../dump/sysfs-resource.js'
import type { FunctionLayout, Persona } from '../layout/function-layout.js'
import type { HostPasid } from '../pasid/host-pasid.js'
import type { PasidRanges } from '../pasid/pasid-ranges.js'

/** Where a host function's config space comes from. */
export type HostFunctionSource =
  /** A file: a dump, a sysfs-style folder or a layout file (relative to the host file, or absolute), loaded by the caller. */
  | { readonly kind: 'dump' | 'sysfs' | 'layout'; readonly path: string }
  /**
   * The image itself, with its sysfs resources (null when its BAR sizes are unknown, as for a
   * dump), and what messages call it (the device or file it was read from; null for none).
   */
  | { readonly kind: 'image'; readonly name: string | null; readonly config: ConfigSpace; readonly resources: Resources | null }
  /** A layout: the function is what it builds. */
  | { readonly kind: 'inline-layout'; readonly layout: FunctionLayout }

export interface HostFunctionSpec {
  readonly address: string
  readonly source: HostFunctionSource
  readonly persona: Persona | null
  /** A VF's PF address; null for a PF. */
  readonly pf: string | null
  readonly free: boolean
}

export interface HostSpec {
  readonly name: string
  readonly functions: readonly HostFunctionSpec[]
  readonly pasid: HostPasid<PasidRanges> | null
}

export interface HostFileError {
  readonly path: ReadonlyArray<string | number>
  /** 1-based line of the entry in the file, when known (never for a message). */
  readonly line: number | null
  readonly message: string
}

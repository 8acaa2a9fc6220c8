/**
 * A function layout: the virtual config space of an instance type, as an operator writes it in
 * a layout file (`apiVersion: vpci/v1`, `kind: FunctionLayout`). The VMM presents exactly this
 * to the guest, whatever physical function backs it.
 *
 * Field values are the guest-visible values of the registry's fields, by key; a field left out
 * is 0. Bytes no field describes (vendor-specific registers) are given as raw `bytes`. Chain
 * order is list order; next pointers are not written, `build` derives them.
 */
import type { Space } from '../capability/capability.js'

/** Values of named fields, by field key. */
export type FieldValues = Readonly<Record<string, number>>

/** Raw bytes at offsets relative to their capability (or to 0 for the header). */
export type RawBytes = ReadonlyArray<{ readonly at: number; readonly bytes: readonly number[] }>

export type Backing = 'passthrough' | 'emulated'

export interface LayoutCapability {
  readonly space: Space
  readonly offset: number
  readonly id: number
  /** Extended capability version; null for standard capabilities. */
  readonly version: number | null
  readonly backing: Backing
  /** Bytes the capability occupies; stated in the file only when the registry cannot compute it. */
  readonly length: number
  readonly fields: FieldValues
  readonly bytes: RawBytes
}

export type BarKind = 'memory32' | 'memory64' | 'io'

export interface LayoutBar {
  /** BAR number 0–5 (a 64-bit BAR also takes the next number). */
  readonly index: number
  readonly kind: BarKind
  readonly prefetchable: boolean
  /** Bytes decoded; null when not known. */
  readonly size: bigint | null
}

export interface Persona {
  /** Device family, e.g. `example-accelerator`. */
  readonly family: string
  /** Hardware version, e.g. `V1`. */
  readonly hardwareVersion: string
  readonly firmware: string
  /** Migration stream versions the function's variant driver accepts. */
  readonly migrationStreams: readonly number[]
}

export interface Identity {
  readonly vendorId: number
  readonly deviceId: number
  readonly revisionId: number
  /** Base class, sub-class and programming interface as one 24-bit number (0x120000). */
  readonly classCode: number
  readonly subsystemVendorId: number
  readonly subsystemId: number
}

export interface HiddenCapability {
  readonly space: Space
  readonly id: number
  /** Offset in the physical function it was derived from; null when not tied to one. */
  readonly offset: number | null
}

export interface FunctionLayout {
  readonly _tag: 'FunctionLayout'
  readonly name: string
  /** 256 (conventional) or 4096 (PCI Express) bytes of config space. */
  readonly size: 256 | 4096
  readonly identity: Identity
  readonly persona: Persona | null
  readonly bars: readonly LayoutBar[]
  /** The expansion ROM, null when the function has none; its size is null when unknown. */
  readonly rom: { readonly size: bigint | null } | null
  /** Header field values beyond identity and BARs (Command, Interrupt Pin, header layout, ...). */
  readonly header: { readonly fields: FieldValues; readonly bytes: RawBytes }
  readonly capabilities: readonly LayoutCapability[]
  /** Non-zero bytes outside the header and every capability (device-specific registers), at absolute offsets. */
  readonly unclaimed: RawBytes
  /** Physical capabilities the layout does not expose. */
  readonly hidden: readonly HiddenCapability[]
}

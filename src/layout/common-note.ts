/**
 * What a common layout gave up (derive-common.ts): each change with what was there before, so it
 * can be put back, and the functions that forced it.
 */
import type { FunctionLayout, Identity, LayoutBar, LayoutCapability } from './function-layout.js'

/** What a note changed, with what was there before. */
export type CommonChange =
  /** `with`: capabilities dropped before it that it cannot stand without (extended capabilities need PCI Express). */
  | { readonly _tag: 'CapabilityDropped'; readonly capability: LayoutCapability; readonly with?: readonly LayoutCapability[] }
  | { readonly _tag: 'FieldLowered'; readonly offset: number; readonly key: string; readonly from: number; readonly to: number }
  | { readonly _tag: 'FeaturesCleared'; readonly offset: number; readonly key: string; readonly from: number; readonly to: number }
  | { readonly _tag: 'BarDropped'; readonly bar: LayoutBar }
  | { readonly _tag: 'RomDropped'; readonly rom: NonNullable<FunctionLayout['rom']> }
  | { readonly _tag: 'IdentityNamed'; readonly field: keyof Identity; readonly value: number }
  | { readonly _tag: 'SizeLowered'; readonly from: 4096 }

/** What the common layout gave up, and because of which functions. */
export interface CommonNote {
  readonly change: CommonChange
  /** The functions (by name) that forced it. */
  readonly functions: readonly string[]
  /** `Page Request Interface at 0x158 dropped: absent on 0000:5e:00.0`. */
  readonly message: string
}

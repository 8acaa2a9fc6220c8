// Types of make-sysfs-tree.mjs, for the tests that build its trees.

export interface RecipeFunction {
  readonly address: string
  /** `repo:PATH` (corpus/) or `real:NAME` (../shared/corpus/real). */
  readonly dump: string
  readonly edits?: ReadonlyArray<{ readonly at: number; readonly bytes: readonly number[]; readonly why: string }>
  /** Vendor and device as the kernel shows a VF (its PF's vendor, the SR-IOV VF Device ID). */
  readonly kernelIds?: readonly [number, number]
  readonly driver: string | null
  readonly group: number | null
  readonly iommu: string | null
  readonly physfn?: string
  readonly sriov?: { readonly total: number; readonly vfs: readonly string[] }
  readonly bars: ReadonlyArray<readonly [number, number, number] | undefined>
}

export interface RecipeIommu {
  readonly name: string
  readonly vendor: 'intel' | 'amd'
  readonly register: string
  /** The PASID width the register gives, decoded by hand from the spec. */
  readonly pasidWidth: number
}

export interface Recipe {
  readonly cpuFlags: string
  readonly iommus: readonly RecipeIommu[]
  readonly functions: readonly RecipeFunction[]
}

export declare const RECIPES: Readonly<Record<'lab' | 'lab-guest' | 'real', Recipe>>
export declare const REAL_CORPUS: string
export declare const dumpBytes: (text: string) => Uint8Array
export declare const recipeAvailable: (name: keyof typeof RECIPES) => boolean
export declare const recipeImage: (f: RecipeFunction) => Uint8Array
export declare const buildTree: (out: string, name: keyof typeof RECIPES) => { readonly sys: string; readonly cpuinfo: string }

/**
 * The generated functions of the equivalence properties: the exported arbitrary
 * (src/arbitraries/config-image.ts) with its defaults.
 */
import { configImage } from '../../src/arbitraries/config-image.js'

export type { GeneratedFunction } from '../../src/arbitraries/config-image.js'
export { noise } from '../../src/arbitraries/config-image.js'

export const arbitraryFunction = configImage()

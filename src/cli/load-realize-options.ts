/**
 * The options `realize` takes from the command line, for every command that judges a layout on a
 * physical function (`check LAYOUT PHYSICAL`, `report LAYOUT PHYSICAL`): `--pf` read as a function
 * and prepared, `--personas` read as a persona matrix; the first failure of either, as read.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { RealizeOptions } from '../layout/realize.js'
import { prepareFunction } from '../semantic/prepared-function.js'
import type { Failure } from './exit.js'
import type { CliIo } from './io.js'
import { loadFunction } from './load-function.js'
import { loadPersonas } from './load-personas.js'

export const loadRealizeOptions = async (io: CliIo, o: { readonly pf?: string | undefined; readonly personas?: string | undefined }): Promise<E.Either<Failure, RealizeOptions>> => {
  let options: RealizeOptions = {}
  if (o.pf !== undefined) {
    const pf = await loadFunction(io, o.pf, undefined)
    if (E.isLeft(pf)) return pf
    options = { ...options, pf: prepareFunction(pf.right) }
  }
  if (o.personas !== undefined) {
    const personas = await loadPersonas(io, o.personas)
    if (E.isLeft(personas)) return personas
    options = { ...options, personas: personas.right }
  }
  return E.right(options)
}

/**
 * Loads a persona matrix (kind: PersonaMatrix) the user named.
 */
import * as E from 'fp-ts/lib/Either.js'
import { MAX_LAYOUT_BYTES } from '../layout/layout-yaml.js'
import { decodePersonaMatrix, type PersonaMatrix } from '../layout/persona.js'
import { type Failure, failLayout } from './exit.js'
import type { CliIo } from './io.js'
import { readBytes } from './read-input.js'

export const loadPersonas = async (io: CliIo, path: string): Promise<E.Either<Failure, PersonaMatrix>> => {
  const read = await readBytes(io, path, MAX_LAYOUT_BYTES)
  if (E.isLeft(read)) return read
  const decoded = decodePersonaMatrix(new TextDecoder().decode(read.right), path)
  return E.isRight(decoded) ? decoded : E.left(failLayout(decoded.left))
}

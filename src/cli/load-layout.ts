/**
 * Loads a layout file the user named.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { FunctionLayout } from '../layout/function-layout.js'
import { decodeLayout, MAX_LAYOUT_BYTES } from '../layout/layout-yaml.js'
import { type Failure, failLayout } from './exit.js'
import type { CliIo } from './io.js'
import { type Input, readInput, textFrom, wrongKindOf } from './read-input.js'

/** The layout an input holds. */
export const layoutFrom = (input: Input): E.Either<Failure, FunctionLayout> => {
  const text = textFrom(input, ['layout-yaml'], MAX_LAYOUT_BYTES)
  if (E.isLeft(text)) return text
  const layout = decodeLayout(text.right, input.path)
  return E.isRight(layout) ? layout : E.left(wrongKindOf(input, ['layout-yaml']) ?? failLayout(layout.left))
}

export const loadLayout = async (io: CliIo, path: string): Promise<E.Either<Failure, FunctionLayout>> => {
  const input = await readInput(io, path, MAX_LAYOUT_BYTES)
  return E.isLeft(input) ? input : layoutFrom(input.right)
}

/**
 * Loads a layout file the user named, and tells layout files from dumps by their content.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { FunctionLayout } from '../layout/function-layout.js'
import { type LayoutError, layoutError } from '../layout/layout-error.js'
import { decodeLayout, MAX_LAYOUT_BYTES } from '../layout/layout-yaml.js'
import type { CliIo } from './io.js'
import { readBounded, readHead } from './read-file.js'

/** True when the file starts like a layout file (YAML with `apiVersion: vpci/...`). */
export const looksLikeLayout = async (io: CliIo, path: string): Promise<boolean> =>
  /^\s*apiVersion:\s*vpci\//m.test((await readHead(io, path, MAX_LAYOUT_BYTES)) ?? '')

export const loadLayout = async (io: CliIo, path: string): Promise<E.Either<readonly LayoutError[], FunctionLayout>> => {
  const read = await readBounded(io, path, MAX_LAYOUT_BYTES)
  if (E.isLeft(read)) return E.left([{ ...layoutError('UNREADABLE', [], read.left.message), file: path }])
  return decodeLayout(new TextDecoder().decode(read.right), path)
}

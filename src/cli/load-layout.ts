/**
 * Loads a layout file the user named, and tells layout files from dumps by their content.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { FunctionLayout } from '../layout/function-layout.js'
import { type LayoutError, layoutError } from '../layout/layout-error.js'
import { decodeLayout, MAX_LAYOUT_BYTES } from '../layout/layout-yaml.js'
import type { CliIo } from './io.js'

/** True when the file starts like a layout file (YAML with `apiVersion: vpci/...`). */
export const looksLikeLayout = async (io: CliIo, path: string): Promise<boolean> => {
  const s = await io.stat(path)
  if (s === null || s.isDirectory || s.size > MAX_LAYOUT_BYTES) return false
  const head = new TextDecoder().decode((await io.readFile(path)).subarray(0, 4096))
  return /^\s*apiVersion:\s*vpci\//m.test(head)
}

export const loadLayout = async (io: CliIo, path: string): Promise<E.Either<readonly LayoutError[], FunctionLayout>> => {
  const s = await io.stat(path)
  const fail = (message: string) => E.left([{ ...layoutError('YAML_SYNTAX', [], message), file: path }])
  if (s === null) return fail('no such file')
  if (s.isDirectory) return fail('is a folder, not a layout file')
  if (s.size > MAX_LAYOUT_BYTES) return fail(`${s.size} bytes is larger than any layout file`)
  try {
    return decodeLayout(new TextDecoder().decode(await io.readFile(path)), path)
  } catch (e) {
    return fail(`cannot read: ${e instanceof Error ? e.message : String(e)}`)
  }
}

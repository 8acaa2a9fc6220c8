/**
 * Host files (YAML, `apiVersion: vpci/v1`, `kind: Host`): a candidate destination's functions
 * and PASID pools. Each function is given by a dump, a sysfs-style folder or a layout file
 * (paths relative to the host file), or embedded (an image, a layout), with its persona, its PF
 * (for a VF) and whether it is free. This module reads the text; the caller loads the files it
 * names. The checks are `host-data.ts`'s, shared with the Host message; every error carries its
 * path and, where the YAML has the node, its line.
 */
import * as E from 'fp-ts/lib/Either.js'
import { readYamlData } from '../decode/yaml-data.js'
import { type HostPasidData } from '../pasid/pasid-files.js'
import { hostFromData } from './host-data.js'
import type { HostFileError, HostSpec } from './host-spec.js'

export type { HostFileError, HostFunctionSource, HostFunctionSpec, HostSpec } from './host-spec.js'

/** Reads a host file's text: every error with its path and line. */
export const decodeHostFile = (text: string): E.Either<readonly HostFileError[], HostSpec> => {
  const read = readYamlData(text)
  if (E.isLeft(read)) return E.left(read.left.map((e) => ({ path: [], line: e.line, message: e.column === null ? e.message : `${e.message} (column ${e.column})` })))
  const host = hostFromData(read.right.value)
  if (E.isRight(host)) return host
  // The line of each error's deepest node, all found in one pass over the text.
  const lines = read.right.lines(host.left.map((e) => e.path))
  return E.left(host.left.map((e, i) => ({ ...e, line: lines[i] ?? null })))
}

export type { HostPasidData }

/**
 * YAML text to plain data for the file decoders (layouts, host files), with the line of any
 * path for error messages. Plain-style text (what vpci and inventories write) is read by
 * `plain-yaml.ts` in time and memory proportional to the text; other YAML goes to the YAML
 * library, which needs about 250 bytes of memory per byte of text, so only texts up to
 * FULL_YAML_LIMIT do: a larger one must be plain style, and is refused with the line and column
 * where it is not. Either way the data is what the YAML library reads (YAML 1.2 core schema,
 * unique keys, at most `maxAliases` alias expansions), flow nesting is gated first
 * (`yaml-depth.ts`), and every error has its line.
 */
import * as E from 'fp-ts/lib/Either.js'
import { LineCounter, parseDocument } from 'yaml'
import { parsePlainYaml, plainYamlLines } from './plain-yaml.js'
import { flowDepthError } from './yaml-depth.js'

/** Texts above this many characters are read only in plain style (the YAML library would take over 250 MB). */
export const FULL_YAML_LIMIT = 1024 * 1024

export interface YamlDataError {
  readonly line: number | null
  readonly column: number | null
  readonly message: string
}

export interface YamlData {
  readonly value: unknown
  /** The 1-based line of each path's deepest node the text has (one pass for all of them). */
  readonly lines: (paths: ReadonlyArray<ReadonlyArray<string | number>>) => Array<number | null>
}

/** The text's data, or why it is not YAML this reader takes (each error with its line). */
export const readYamlData = (text: string, maxAliases = 100): E.Either<readonly YamlDataError[], YamlData> => {
  const deep = flowDepthError(text)
  if (deep !== null) return E.left([{ line: deep.line, column: null, message: deep.message }])
  const plain = parsePlainYaml(text)
  if (E.isRight(plain)) return E.right({ value: plain.right, lines: (paths) => plainYamlLines(text, paths) })
  if (text.length > FULL_YAML_LIMIT) {
    const { line, column, message } = plain.left
    return E.left([{ line, column, message: `${message}: a file over ${FULL_YAML_LIMIT / 1024 / 1024} MiB is read only in plain YAML (block and [ ] { } collections, plain or quoted one-line scalars, no anchors, aliases, tags, multi-line scalars or escapes but JSON's)` }])
  }
  const counter = new LineCounter()
  // Plain errors: the library's pretty errors cost time per error times the text's size.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter: counter })
  if (doc.errors.length > 0) {
    return E.left(doc.errors.map((e) => ({ ...counter.linePos(e.pos[0]), message: e.message.split('\n')[0]! })).map(({ line, col, message }) => ({ line, column: col, message })))
  }
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: maxAliases })
  } catch (e) {
    return E.left([{ line: null, column: null, message: e instanceof Error ? e.message : String(e) }])
  }
  const lineOf = (path: ReadonlyArray<string | number>): number | null => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined
      if (node !== null && typeof node === 'object' && node.range !== undefined) return counter.linePos(node.range[0]).line
    }
    return null
  }
  return E.right({ value, lines: (paths) => paths.map(lineOf) })
}

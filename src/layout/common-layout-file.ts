/**
 * A common layout as a file: the layout's YAML under a comment block that records what was
 * given up so every function can back it, and because of which function, one note a line. The
 * notes are comments, so the file stays a plain layout; `--update` keeps them like any comment.
 */
import { oneLine } from '../decode/one-line.js'
import type { CommonLayout } from './derive-common.js'
import { encodeLayout } from './layout-yaml.js'

/** `common` as layout YAML headed by its notes (names and messages escaped to one line each). */
export const encodeCommonLayout = (common: CommonLayout, functions: readonly string[]): string => {
  const lines = [
    `Common layout of ${functions.length} functions (vpci derive): ${functions.map((f) => oneLine(f, 120)).join(', ')}`,
    ...(common.notes.length === 0
      ? ['Every function backs every capability, capacity and feature of the first: nothing was given up.']
      : ['Given up so that every function can back it:', ...common.notes.map((n) => `  ${n.message}`)]),
  ]
  return `${lines.map((l) => `# ${oneLine(l, 1000)}`).join('\n')}\n${encodeLayout(common.layout)}`
}

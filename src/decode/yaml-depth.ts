/**
 * A gate before YAML parsing: flow collections (`[` and `{`) nested deeper than any operator
 * file needs, or runs of closing brackets with nothing open, are refused from one linear scan. The parser's error recovery on deep, broken
 * nesting costs time quadratic in the input (an 11 KB fuzzed host file took 0.5 s to fail), and
 * deep nesting is never a real layout, host or persona file (they nest five levels at most).
 */

/** Deeper flow nesting than this is refused. */
export const MAX_FLOW_DEPTH = 64
/** More closing brackets than this with nothing open is refused (each costs the parser an error). */
export const MAX_UNBALANCED = 16

/**
 * Where the text first nests flow collections deeper than MAX_FLOW_DEPTH, or null. Comments are
 * skipped; quotes are not honoured (an unbalanced quote would hide the brackets after it, and
 * the parser does not read it that way either), so brackets inside strings count: an upper bound.
 */
export const flowDepthError = (text: string): { readonly line: number; readonly message: string } | null => {
  let depth = 0
  let unbalanced = 0
  let line = 1
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x0a) line++
    else if (c === 0x23 /* # */ && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t' || text[i - 1] === '\n')) {
      while (i + 1 < text.length && text.charCodeAt(i + 1) !== 0x0a) i++
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_FLOW_DEPTH) return { line, message: `flow collections nested deeper than ${MAX_FLOW_DEPTH} levels at line ${line}; no vpci file nests like that` }
    } else if (c === 0x5d || c === 0x7d) {
      if (depth > 0) depth--
      else if (++unbalanced > MAX_UNBALANCED) return { line, message: `more than ${MAX_UNBALANCED} closing brackets with nothing open, the last at line ${line}` }
    }
  }
  return null
}

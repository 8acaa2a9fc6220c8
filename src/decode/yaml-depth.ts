/**
 * A gate before YAML parsing: flow collections (`[` and `{`) nested deeper than any operator
 * file needs are refused from one linear scan. The parser's error recovery on deep, broken
 * nesting costs time quadratic in the input (an 11 KB fuzzed host file took 0.5 s to fail), and
 * deep nesting is never a real layout, host or persona file (they nest five levels at most).
 */

/** Deeper flow nesting than this is refused. */
export const MAX_FLOW_DEPTH = 64

/** Where the text first nests flow collections deeper than MAX_FLOW_DEPTH, or null. Quotes and comments are skipped. */
export const flowDepthError = (text: string): { readonly line: number; readonly message: string } | null => {
  let depth = 0
  let line = 1
  let quote: string | null = null
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '\n') {
      line++
      if (quote === "'") quote = null
      continue
    }
    if (quote !== null) {
      if (c === '\\' && quote === '"') i++
      else if (c === quote) quote = null
      continue
    }
    if (c === '"' || c === "'") quote = c
    else if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t' || text[i - 1] === '\n')) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_FLOW_DEPTH) return { line, message: `flow collections nested deeper than ${MAX_FLOW_DEPTH} levels at line ${line}; no vpci file nests like that` }
    } else if ((c === ']' || c === '}') && depth > 0) depth--
  }
  return null
}

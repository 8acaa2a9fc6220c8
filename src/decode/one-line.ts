/**
 * Text that came from outside (file names, `--device` values, lines of a file, names in a host
 * file) made safe to print as one line: control characters escaped so a terminal never acts on
 * them, and the length bounded so one bad input cannot print megabytes.
 */

/** The longest line `oneLine` returns, in UTF-16 code units, the ellipsis included. */
export const MAX_LINE = 300

const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** Escapes C0 controls, DEL, C1 controls and lone surrogates as `\xNN` / `\uNNNN` (`\n`, `\r`, `\t` by name). */
const escape = (c: string): string => {
  const named = ESCAPES[c]
  if (named !== undefined) return named
  const code = c.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/**
 * `text` as one printable line of at most `max` characters: controls escaped, then cut with `…`
 * when longer. Linear in the length of `text` up to the cut (longer input is cut before escaping).
 */
export const oneLine = (text: string, max = MAX_LINE): string => {
  // Escaping at most quadruples a character, so 4·max characters are enough to fill the line.
  const head = text.length > 4 * max ? text.slice(0, 4 * max) : text
  const escaped = head.replace(UNPRINTABLE, escape)
  if (escaped.length <= max && head.length === text.length) return escaped
  // Never cut between the two halves of a surrogate pair.
  const cut = /[\ud800-\udbff]/.test(escaped.charAt(max - 2)) ? max - 2 : max - 1
  return `${escaped.slice(0, cut)}…`
}

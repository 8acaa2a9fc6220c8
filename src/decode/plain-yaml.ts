/**
 * A reader for plain-style YAML, the style vpci writes and inventories generate: block mappings
 * and sequences, flow collections (`[...]`, `{...}`) on one or more lines, plain and quoted
 * single-line scalars (double-quoted ones with JSON's escapes), comments. It builds plain data directly, with none of the YAML
 * library's document model, which costs about 250 bytes and 2 µs per byte of input (a 6 MB
 * host file of PASID ranges took 11 s and 1.6 GB to parse there; here well under a second).
 *
 * It promises: when it accepts a text, the `yaml` library (YAML 1.2, core schema, unique keys)
 * reads the same text without errors to the same data (test/decode/plain-yaml.test.ts checks it
 * against the library). Anything outside the style (anchors, aliases, tags, block scalars,
 * multi-line scalars, escapes but JSON's, complex or quoted keys, tabs, document markers, comments inside
 * flow collections, trailing commas) or any error is a `PlainYamlStop` with its line and
 * column: callers then read small texts with the library and refuse large ones. Keys are names
 * (`[A-Za-z_][A-Za-z0-9_.-]*`); a repeated key stops. Linear in the text; block nesting is
 * bounded by MAX_PLAIN_DEPTH, flow nesting by the caller's gate (`yaml-depth.ts`).
 */
import * as E from 'fp-ts/lib/Either.js'

/** Deeper block nesting stops the reader (vpci's files nest six levels at most). */
export const MAX_PLAIN_DEPTH = 64

/** Where and why the plain reader stopped. */
export interface PlainYamlStop {
  readonly line: number
  readonly column: number
  readonly message: string
}

type Path = ReadonlyArray<string | number>

/** Paths whose positions a second read records (its nodes mirror the data's containers). */
interface Track {
  readonly children: Map<string | number, Track>
  at: number
}

const FAIL: unique symbol = Symbol('plain-yaml stop')
type Value = unknown

const NL = 0x0a
const SP = 0x20
const HASH = 0x23
const COLON = 0x3a
const DASH = 0x2d

const isNameStart = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f
const isNameChar = (c: number): boolean => isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === DASH || c === 0x2e
/** Core-schema words a key must not be (the library would read them as null or booleans). */
const NOT_A_NAME = /^(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)$/
/** The escapes of double-quoted scalars that JSON shares (`\uXXXX` aside), as YAML reads them. */
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }

/** A plain scalar's value under the YAML 1.2 core schema, tested in the schema's order. */
export const resolvePlain = (s: string): unknown => {
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s)) return s[0] === 't' || s[0] === 'T'
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8)
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10)
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16)
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s)
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s)
  return s
}

/** What the style does not take: tab, CR, other controls, Unicode spaces and line separators, surrogates, U+FEFF and above. */
const FORBIDDEN = /[^\n\x20-\x7e\xa1-\u1fff\u200c-\u2027\u202a-\ud7ff\ue000-\ufefe]/

/** The first character the style does not take, or -1. */
const forbiddenAt = (text: string): number => text.search(FORBIDDEN)

/** 1-based line and column of an offset, from one scan of the text's line breaks. */
const positions = (text: string): ((at: number) => { line: number; column: number }) => {
  const breaks: number[] = []
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) breaks.push(i)
  return (at) => {
    let lo = 0
    let hi = breaks.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (breaks[mid]! < at) lo = mid + 1
      else hi = mid
    }
    return { line: lo + 1, column: at - (lo === 0 ? 0 : breaks[lo - 1]! + 1) + 1 }
  }
}

/** Reads `text`; with `track`, records the start of every tracked node. */
const read = (text: string, track: Track | null): E.Either<PlainYamlStop, Value> => {
  const n = text.length
  let pos = 0
  let stop: { at: number; message: string } | null = null
  const fail = (message: string, at = pos): typeof FAIL => {
    stop ??= { at, message }
    return FAIL
  }
  const code = (i: number): number => (i < n ? text.charCodeAt(i) : -1)

  /** The start of the next line holding something other than spaces or a comment, from the line starting at `from`; n at the end. */
  const contentLine = (from: number): number => {
    let ls = from
    while (ls < n) {
      let i = ls
      while (code(i) === SP) i++
      const c = code(i)
      if (c !== NL && c !== HASH && c !== -1) return ls
      const end = text.indexOf('\n', i)
      if (end < 0) return n
      ls = end + 1
    }
    return n
  }
  const indentAt = (ls: number): number => {
    let i = ls
    while (code(i) === SP) i++
    return i - ls
  }
  /** After a value on its line: spaces, then a comment or the end of the line; pos moves to the next line. */
  const endOfLine = (): boolean => {
    while (code(pos) === SP) pos++
    const c = code(pos)
    if (c === HASH && code(pos - 1) === SP) {
      const end = text.indexOf('\n', pos)
      pos = end < 0 ? n : end + 1
      return true
    }
    if (c === NL) {
      pos++
      return true
    }
    if (c === -1) return true
    fail('more on the line after its value')
    return false
  }
  const isSeqEntry = (i: number): boolean => code(i) === DASH && (code(i + 1) === SP || code(i + 1) === NL || code(i + 1) === -1)
  /** The end of a name at `i` followed by `:` and a space or line end, or -1. */
  const keyEnd = (i: number): number => {
    if (!isNameStart(code(i))) return -1
    let j = i + 1
    while (isNameChar(code(j))) j++
    if (code(j) !== COLON) return -1
    const after = code(j + 1)
    return after === SP || after === NL || after === -1 ? j : -1
  }
  const checkedKey = (from: number, to: number, seen: Record<string, unknown>): string | typeof FAIL => {
    const key = text.slice(from, to)
    if (to - from > 1024) return fail('a key longer than 1024 characters', from)
    if (NOT_A_NAME.test(key) || key === '__proto__') return fail(`"${key}" is not read as a name`, from)
    if (Object.prototype.hasOwnProperty.call(seen, key)) return fail(`key "${key}" appears twice in one mapping`, from)
    return key
  }

  const quoted = (): string | typeof FAIL => {
    const q = code(pos)
    let out = ''
    let from = pos + 1
    for (let i = from; ; i++) {
      const c = code(i)
      if (c === -1 || c === NL) return fail('a quoted scalar running past its line')
      if (q === 0x22 && c === 0x5c) {
        const e = text[i + 1] ?? ''
        const hex = e === 'u' ? text.slice(i + 2, i + 6) : ''
        let ch = ESCAPES[e]
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(hex)) ch = String.fromCharCode(parseInt(hex, 16))
        if (ch === undefined) return fail('an escape other than JSON\'s in a double-quoted scalar', i)
        out += text.slice(from, i) + ch
        i += e === 'u' ? 5 : 1
        from = i + 1
        continue
      }
      if (c !== q) continue
      if (q === 0x27 && code(i + 1) === 0x27) {
        out += text.slice(from, i + 1)
        from = i + 2
        i++
        continue
      }
      pos = i + 1
      return out + text.slice(from, i)
    }
  }
  /** Characters a plain scalar may start with (indicators stop; `-` only before a digit or a dot). */
  const plainStart = (i: number): boolean => {
    const c = code(i)
    if (c === DASH) {
      const d = code(i + 1)
      return (d >= 0x30 && d <= 0x39) || d === 0x2e
    }
    return c > SP && !'-?:,[]{}#&*!|>\'"%@`'.includes(String.fromCharCode(c))
  }
  /** A plain scalar in block context: to the end of the line or a comment. */
  const blockPlain = (): unknown => {
    const start = pos
    let stopAt = start
    for (let c = code(stopAt); c !== NL && c !== -1 && !(c === HASH && code(stopAt - 1) === SP); c = code(++stopAt));
    const s = text.slice(start, stopAt).replace(/ +$/, '')
    if (/[[\]{}]/.test(s) || s.includes(': ') || s.endsWith(':')) return fail('a plain scalar with brackets or ": " in it', start)
    pos = stopAt
    return resolvePlain(s)
  }

  /** How many flow collections are open. */
  let flowLevel = 0
  /**
   * Spaces and line breaks inside a flow collection; new lines must be indented more than
   * `parent`, but for the outermost collection's closing bracket, which may stand at `parent`.
   */
  const flowSpace = (parent: number): boolean => {
    for (;;) {
      const c = code(pos)
      if (c === SP) pos++
      else if (c === NL) {
        pos++
        const ind = indentAt(pos)
        const first = code(pos + ind)
        if (first === NL) continue
        if (first === HASH) return fail('a comment inside a flow collection', pos + ind) !== FAIL
        if (ind <= parent && !((first === 0x5d || first === 0x7d) && ind === parent && flowLevel === 1)) return fail('a flow collection line not indented past its parent', pos + ind) !== FAIL
        pos += ind
      } else if (c === HASH) return fail('a comment inside a flow collection') !== FAIL
      else return true
    }
  }
  /** A flow scalar of decimal digits alone, read without making a string (range lists are 10^5–10^6 of these); else undefined. */
  const flowInteger = (): number | undefined => {
    let i = pos
    let v = 0
    for (let c = code(i); c >= 0x30 && c <= 0x39 && i - pos < 15; c = code(++i)) v = v * 10 + (c - 0x30)
    if (i === pos) return undefined
    let j = i
    while (code(j) === SP) j++
    const c = code(j)
    if (c !== 0x2c && c !== 0x5d && c !== 0x7d) return undefined
    pos = j
    return v
  }
  const flowPlain = (parent: number): unknown => {
    const v = flowInteger()
    if (v !== undefined) return v
    const start = pos
    let i = pos
    for (;;) {
      const c = code(i)
      if (c === -1 || c === NL || c === 0x2c || c === 0x5d || c === 0x7d) break
      if (c === 0x5b || c === 0x7b || c === COLON || (c === HASH && code(i - 1) === SP)) return fail('a flow scalar with brackets, ":" or "#" in it', i)
      i++
    }
    const s = text.slice(start, i).replace(/ +$/, '')
    pos = i
    if (code(i) === NL || code(i) === -1) {
      // A plain scalar may go on on the next line; only one that ends here is read.
      const save = pos
      if (!flowSpace(parent)) return FAIL
      const next = code(pos)
      if (next !== 0x2c && next !== 0x5d && next !== 0x7d) return fail('a flow scalar going on past its line', save)
    }
    return resolvePlain(s)
  }
  const flowItem = (parent: number, depth: number, node: Track | null): unknown => {
    if (node !== null) node.at = pos
    const c = code(pos)
    if (c === 0x5b) return flowSeq(parent, depth + 1, node)
    if (c === 0x7b) return flowMap(parent, depth + 1, node)
    if (c === 0x22 || c === 0x27) return quoted()
    if (!plainStart(pos)) return fail('an indicator the plain style does not use')
    return flowPlain(parent)
  }
  /**
   * A flow collection's opening (pos at its bracket): true when it closes at once (`[]`, `{}`),
   * false when an entry follows; FAIL past the depth bound.
   */
  const flowOpen = (close: number, parent: number, depth: number): boolean | typeof FAIL => {
    if (depth > MAX_PLAIN_DEPTH) return fail(`collections nested deeper than ${MAX_PLAIN_DEPTH}`)
    pos++
    if (!flowSpace(parent)) return FAIL
    if (code(pos) !== close) return false
    pos++
    return true
  }
  /** After a flow entry: true at the closing bracket (consumed), false after a comma with another entry to come; FAIL otherwise (a trailing comma too). */
  const flowNext = (close: number, parent: number): boolean | typeof FAIL => {
    if (!flowSpace(parent)) return FAIL
    const c = code(pos)
    if (c === close) {
      pos++
      return true
    }
    if (c !== 0x2c) return fail(`expected "," or "${String.fromCharCode(close)}"`)
    pos++
    if (!flowSpace(parent)) return FAIL
    return code(pos) === close ? fail('a trailing comma') : false
  }
  const flowSeq = (parent: number, depth: number, track: Track | null): unknown => {
    const out: unknown[] = []
    flowLevel++
    let done = flowOpen(0x5d, parent, depth)
    while (done === false) {
      const v = flowItem(parent, depth, track?.children.get(out.length) ?? null)
      if (v === FAIL) return FAIL
      out.push(v)
      done = flowNext(0x5d, parent)
    }
    flowLevel--
    // Short lists (range pairs, 10^5 of them) kept at their length: a grown array keeps spare room.
    return done === FAIL ? FAIL : out.length <= 4 ? out.slice() : out
  }
  const flowMap = (parent: number, depth: number, track: Track | null): unknown => {
    const out: Record<string, unknown> = {}
    flowLevel++
    let done = flowOpen(0x7d, parent, depth)
    while (done === false) {
      const from = pos
      if (!isNameStart(code(pos))) return fail('a flow mapping key that is not a name')
      while (isNameChar(code(pos))) pos++
      const to = pos
      while (code(pos) === SP) pos++
      if (code(pos) !== COLON || (code(pos + 1) !== SP && code(pos + 1) !== NL)) return fail('expected ": " after a flow mapping key')
      const key = checkedKey(from, to, out)
      if (key === FAIL) return FAIL
      pos++
      if (!flowSpace(parent)) return FAIL
      const v = flowItem(parent, depth, track?.children.get(key) ?? null)
      if (v === FAIL) return FAIL
      out[key] = v
      done = flowNext(0x7d, parent)
    }
    flowLevel--
    return done === FAIL ? FAIL : out
  }

  /**
   * The value after a mapping's `:` or a sequence's `-` (pos just after it): on the line, or a
   * block below. `parent` is the indentation of the collection holding it.
   */
  const valueAfter = (parent: number, inSequence: boolean, depth: number, node: Track | null): unknown => {
    while (code(pos) === SP) pos++
    const c = code(pos)
    if (c === NL || c === -1 || c === HASH) {
      const here = pos
      if (!endOfLine()) return FAIL
      const ls = contentLine(pos)
      const ind = indentAt(ls)
      if (ls < n && (ind > parent || (!inSequence && ind === parent && isSeqEntry(ls + ind)))) {
        pos = ls
        if (node !== null) node.at = ls + ind
        return block(ls, ind, depth + 1, node)
      }
      if (node !== null) node.at = here
      return null
    }
    if (node !== null) node.at = pos
    let v: unknown
    if (c === 0x5b) v = flowSeq(parent, depth + 1, node)
    else if (c === 0x7b) v = flowMap(parent, depth + 1, node)
    else if (c === 0x22 || c === 0x27) v = quoted()
    else if (inSequence && keyEnd(pos) >= 0) {
      const ls = text.lastIndexOf('\n', pos - 1) + 1
      return blockMap(pos, pos - ls, depth + 1, node)
    } else if (plainStart(pos)) v = blockPlain()
    else return fail(isSeqEntry(pos) ? 'a sequence on the line of its entry' : 'an indicator the plain style does not use (anchor, alias, tag, block scalar, ...)')
    if (v === FAIL || !endOfLine()) return FAIL
    return v
  }

  /** The collection whose first entry is on the line starting at `ls`, indented `ind`. */
  const block = (ls: number, ind: number, depth: number, node: Track | null): unknown => {
    if (depth > MAX_PLAIN_DEPTH) return fail(`block collections nested deeper than ${MAX_PLAIN_DEPTH}`, ls + ind)
    if (isSeqEntry(ls + ind)) return blockSeq(ls, ind, depth, node)
    if (keyEnd(ls + ind) >= 0) return blockMap(ls + ind, ind, depth, node)
    return fail('a value on a line of its own', ls + ind)
  }
  const blockSeq = (ls: number, ind: number, depth: number, track: Track | null): unknown => {
    const out: unknown[] = []
    let line = ls
    for (;;) {
      pos = line + ind + 1
      const v = valueAfter(ind, true, depth, track?.children.get(out.length) ?? null)
      if (v === FAIL) return FAIL
      out.push(v)
      line = contentLine(pos)
      if (line >= n) return out
      const next = indentAt(line)
      if (next < ind || (next === ind && !isSeqEntry(line + ind))) return out
      if (next > ind) return fail('a line indented past its sequence', line + next)
    }
  }
  /** A mapping whose first key is at `at`, its keys at column `ind`. */
  const blockMap = (at: number, ind: number, depth: number, track: Track | null): unknown => {
    const out: Record<string, unknown> = {}
    let k = at
    for (;;) {
      const end = keyEnd(k)
      if (end < 0) return fail('expected a key (a name, then ": ")', k)
      const key = checkedKey(k, end, out)
      if (key === FAIL) return FAIL
      pos = end + 1
      const v = valueAfter(ind, false, depth, track?.children.get(key) ?? null)
      if (v === FAIL) return FAIL
      out[key] = v
      const line = contentLine(pos)
      if (line >= n) return out
      const next = indentAt(line)
      if (next < ind) return out
      if (next > ind) return fail('a line indented past its mapping', line + next)
      k = line + ind
    }
  }

  const bad = forbiddenAt(text)
  let value: unknown = null
  if (bad >= 0) fail(`character U+${text.charCodeAt(bad).toString(16).padStart(4, '0')}`, bad)
  else {
    const ls = contentLine(0)
    if (ls < n) {
      if (track !== null) track.at = ls + indentAt(ls)
      value = block(ls, indentAt(ls), 1, track)
      if (value !== FAIL && contentLine(pos) < n) fail('more after the document', contentLine(pos) + indentAt(contentLine(pos)))
    }
  }
  if (stop !== null) {
    const at = stop as { at: number; message: string }
    return E.left({ ...positions(text)(at.at), message: at.message })
  }
  return E.right(value)
}

/** The data of a plain-style YAML text, or where and why it is not one this reader takes. */
export const parsePlainYaml = (text: string): E.Either<PlainYamlStop, unknown> => read(text, null)

/**
 * The 1-based line of each path's deepest node in a text `parsePlainYaml` accepts (a second
 * read; for error messages), or null where not even the root exists.
 */
export const plainYamlLines = (text: string, paths: readonly Path[]): Array<number | null> => {
  const root: Track = { children: new Map(), at: -1 }
  for (const path of paths) {
    let node = root
    for (const key of path) {
      let next = node.children.get(key)
      if (next === undefined) node.children.set(key, (next = { children: new Map(), at: -1 }))
      node = next
    }
  }
  read(text, root)
  const position = positions(text)
  return paths.map((path) => {
    let node: Track | undefined = root
    let at = root.at
    for (const key of path) {
      node = node.children.get(key)
      if (node === undefined || node.at < 0) break
      at = node.at
    }
    return at < 0 ? null : position(at).line
  })
}

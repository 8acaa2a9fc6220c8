/**
 * The plain-style YAML reader against the `yaml` library, the oracle: whatever text the reader
 * accepts, the library reads without errors (YAML 1.2 core schema, unique keys) to the same data,
 * and the lines it gives for paths are the lines of the library's nodes. Texts come from
 * generated data printed in many styles (block, flow over several lines, quoted, commented,
 * spaced) and from mutations of those and of the corpus's YAML files, so the reader's refusals
 * are exercised as much as its acceptances.
 */
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { LineCounter, parseDocument } from 'yaml'
import { parsePlainYaml, plainYamlLines } from '../../src/decode/plain-yaml.js'
import { REPO_CORPUS, readCorpusText } from '../support/repo-corpus.js'

type Data = null | boolean | number | string | Data[] | { [k: string]: Data }

/** The library's reading, or null when it reports an error. */
const library = (text: string): { data: unknown; line: (path: Array<string | number>) => number | null } | null => {
  const lines = new LineCounter()
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter: lines })
  if (doc.errors.length > 0) return null
  return {
    data: doc.toJS({ maxAliasCount: 100 }),
    line: (path) => {
      const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined
      return node?.range === undefined ? null : lines.linePos(node.range[0]).line
    },
  }
}

const scalar: fc.Arbitrary<Data> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -0, 7, 4096, 0x1234, 2 ** 53, 1.5, -2.25),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.constantFrom('vpci/v1', 'Host', 'a b', '0000:5a:00.0', '../families/nic/v2.lspci', 'x#y', 'it\'s', 'true', 'null', '12', '0x10', '', ' lead', 'é', 'a: b', '- x', '[x]', '1.0', '.inf', 'yes', 'a,b', '#c'),
  fc.constantFrom('say "hi"', 'back\\slash', 'two\nlines', 'tab\there', 'smile \u{1f600}', 'line\u2028sep', 'nul\u0000', 'del\u007f', 'bom\ufeff', 'lone \ud800'),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ._/:-]{0,12}$/),
)
const name = fc.oneof(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,8}$/), fc.constantFrom('id', 'pasid', 'allocated', 'null', 'True', '__proto__', 'a b', '0x1'))
const data: fc.Arbitrary<Data> = fc.letrec<{ node: Data }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(name, tie('node'), { maxKeys: 4 }),
  ),
})).node

/** Choices the printer makes, drawn from a seed: style, spacing, comments, line breaks. */
const chooser = (seed: number) => {
  let s = seed >>> 0 || 1
  return (k: number): number => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) % k
  }
}

const scalarText = (v: Data, pick: (k: number) => number): string => {
  if (typeof v === 'string') {
    const style = pick(10)
    if (style === 0 || (style < 5 && /^[A-Za-z][A-Za-z0-9 ._/-]*[A-Za-z0-9._/-]$|^[A-Za-z]$/.test(v))) return v
    // JSON's escapes, and \\uXXXX for what the plain style does not carry as it is (as host files are written).
    const escaped = () => JSON.stringify(v).replace(/[\x7f-\xa0\u2000-\u200b\u2028\u2029\ud800-\udfff\ufeff-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    if (style < 7 && !/["\\]/.test(v) && !/[^\x20-\x7e\xa1-\u1fff]/.test(v)) return `"${v}"`
    if (style < 9 || /[^\x20-\x7e\xa1-\u1fff]/.test(v)) return escaped()
    return `'${v.replaceAll("'", "''")}'`
  }
  if (typeof v === 'number') return pick(4) === 0 && Number.isInteger(v) && v >= 0 ? `0x${v.toString(16)}` : Object.is(v, -0) ? '-0' : String(v)
  if (v === null) return ['null', '~', 'Null', ''][pick(4)]!
  return String(v)
}

const spaces = (pick: (k: number) => number): string => ' '.repeat(pick(5) === 0 ? 2 : 1)

const flowText = (v: Data, indent: number, pick: (k: number) => number): string => {
  const br = () => (pick(5) === 0 ? `\n${' '.repeat(indent + 1 + pick(3))}` : pick(4) === 0 ? '' : ' ')
  if (Array.isArray(v)) return `[${v.map((x) => `${br()}${flowText(x, indent, pick)}`).join(',')}${br()}]`
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${br()}${k}:${spaces(pick)}${flowText(x, indent, pick)}`).join(',')}${br()}}`
  return scalarText(v, pick)
}

const comment = (pick: (k: number) => number): string => (pick(6) === 0 ? ' # note: [a, b] {c}' : '')
const extra = (indent: number, pick: (k: number) => number): string => (pick(8) === 0 ? `${' '.repeat(pick(2) === 0 ? 0 : indent + pick(4))}# a comment line\n` : pick(10) === 0 ? '\n' : '')

/** `v` as the value of a key or entry at `indent`: on the line (scalar, flow) or in a block below. */
const blockText = (v: Data, indent: number, pick: (k: number) => number, inSequence: boolean): string => {
  const isCollection = v !== null && typeof v === 'object'
  if (!isCollection || pick(3) === 0 || (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0)) {
    const text = isCollection ? flowText(v, indent, pick) : scalarText(v, pick)
    return `${text === '' ? '' : spaces(pick)}${text}${comment(pick)}\n`
  }
  const step = 1 + pick(3)
  const inner = inSequence || Array.isArray(v) === false || pick(2) === 0 ? indent + step : indent
  return `${comment(pick)}\n${documentText(v, inner, pick)}`
}

const documentText = (v: Data, indent: number, pick: (k: number) => number): string => {
  const pad = ' '.repeat(indent)
  if (Array.isArray(v)) return v.map((x) => `${extra(indent, pick)}${pad}-${blockText(x, indent, pick, true)}`).join('')
  if (v !== null && typeof v === 'object') return Object.entries(v).map(([k, x]) => `${extra(indent, pick)}${pad}${k}:${blockText(x, indent, pick, false)}`).join('')
  return `${scalarText(v, pick)}\n`
}

/** A text of the data in a style drawn from the seed. */
const yamlOf = (v: Data, seed: number): string => documentText(v, 0, chooser(seed))

/** Every path to a node of the data. */
const pathsOf = (v: unknown, path: Array<string | number> = []): Array<Array<string | number>> => {
  if (v === null || typeof v !== 'object') return [path]
  const children = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v)
  return [path, ...children.flatMap(([k, x]) => pathsOf(x, [...path, k]))]
}

/** The reader agrees with the library on `text` (when the reader takes it); true when it took it. */
const agrees = (text: string): boolean => {
  const plain = parsePlainYaml(text)
  if (E.isLeft(plain)) return false
  const lib = library(text)
  expect(lib, `the library refuses a text the reader took:\n${text}`).not.toBeNull()
  expect(plain.right).toStrictEqual(lib!.data)
  const paths = pathsOf(plain.right)
  expect(plainYamlLines(text, paths)).toEqual(paths.map((p) => lib!.line(p)))
  return true
}

const MUTATIONS = [' ', '\n', '  ', '#', ':', '-', '- ', '[', ']', '{', '}', ',', '"', "'", '\t', 'x', ': ', ' #', '&a ', '*a', '!', '|', '0', '.']
const mutated = (text: string, seed: number): string => {
  const pick = chooser(seed)
  let out = text
  for (let k = 0; k <= pick(3); k++) {
    const at = pick(out.length + 1)
    const what = pick(3)
    if (what === 0) out = out.slice(0, at) + out.slice(at + 1 + pick(3))
    else out = out.slice(0, at) + MUTATIONS[pick(MUTATIONS.length)]! + out.slice(what === 1 ? at : at + 1)
  }
  return out
}

const yamlFiles = (dir: string): string[] =>
  readdirSync(join(REPO_CORPUS, dir)).flatMap((f) => {
    const path = join(dir, f)
    return statSync(join(REPO_CORPUS, path)).isDirectory() ? yamlFiles(path) : f.endsWith('.yaml') ? [path] : []
  })
const CORPUS_YAML = [...yamlFiles('hosts'), ...yamlFiles('layouts').filter((f) => !f.startsWith('layouts/bad/')), ...yamlFiles('pasid'), 'personas.yaml']

describe('the plain YAML reader reads what the YAML library reads', () => {
  it('generated data in many styles: same data, same lines, and most texts taken', () => {
    let taken = 0
    let runs = 0
    fc.assert(
      fc.property(data, fc.integer({ min: 1 }), (v, seed) => {
        runs++
        if (agrees(yamlOf(v, seed))) taken++
      }),
      { numRuns: 1500 },
    )
    // The printer writes mostly what the reader takes: the agreement is not vacuous.
    expect(taken).toBeGreaterThan(runs / 5)
  })

  it('mutated texts: whatever the reader takes, the library reads the same', () => {
    let taken = 0
    fc.assert(
      fc.property(data, fc.integer({ min: 1 }), fc.integer({ min: 1 }), (v, seed, m) => {
        if (agrees(mutated(yamlOf(v, seed), m))) taken++
      }),
      { numRuns: 1500 },
    )
    expect(taken).toBeGreaterThan(100)
  })

  it('every YAML file of the corpus is plain style, read as the library reads it', () => {
    for (const file of CORPUS_YAML) expect(agrees(readCorpusText(file)), file).toBe(true)
  })

  it('mutated corpus files: whatever the reader takes, the library reads the same', () => {
    const texts = CORPUS_YAML.map(readCorpusText)
    fc.assert(
      fc.property(fc.constantFrom(...texts), fc.integer({ min: 1 }), (text, m) => {
        agrees(mutated(text, m))
      }),
      { numRuns: 1500 },
    )
  })

  it('stops with line and column at what it does not take', () => {
    const stop = (text: string) => {
      const r = parsePlainYaml(text)
      return E.isLeft(r) ? [r.left.line, r.left.column] : null
    }
    expect(stop('a: 1\nb: &x 2\n')).toEqual([2, 4])
    expect(stop('a: 1\na: 2\n')).toEqual([2, 1])
    expect(stop('a:\n  b: [1,\n  2]\n')).toEqual([3, 3])
    expect(stop('a: |\n  text\n')).toEqual([1, 4])
    expect(stop('a:\tb\n')).toEqual([1, 3])
  })

  it('reads a deep nesting as a stop, not a stack overflow', () => {
    const deep = Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')
    expect(E.isLeft(parsePlainYaml(deep))).toBe(true)
    expect(E.isLeft(parsePlainYaml(`a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`))).toBe(true)
  })
})

/**
 * Mutations of untrusted input, seeded: byte flips, truncation, splicing two inputs, special
 * bytes, huge numbers and length fields, deep nesting, YAML alias chains. Each mutator takes
 * the generator and the input (and a second input to splice with) and returns new bytes.
 */

export type Random = () => number

/** mulberry32: small, fast, seeded. */
export const seeded = (seed: number): Random => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const int = (r: Random, n: number): number => Math.floor(r() * n)
const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

type Mutator = (r: Random, input: Uint8Array, other: Uint8Array) => Uint8Array

const SPECIAL = [0x00, 0xff, 0x7f, 0x80, 0x0a, 0x0d, 0x3a, 0x2d, 0x5b, 0x7b, 0x26, 0x2a]
const HUGE = ['4294967296', '2147483648', '99999999999999999999', '-1', '1e308', 'NaN', '0x7fffffff', '0xffffffffffffffff', '-0']

const flip: Mutator = (r, input) => {
  const out = input.slice()
  for (let n = 1 + int(r, 8); n > 0 && out.length > 0; n--) out[int(r, out.length)]! ^= 1 << int(r, 8)
  return out
}
const truncate: Mutator = (r, input) => input.slice(0, int(r, input.length + 1))
const splice: Mutator = (r, input, other) => concat(input.slice(0, int(r, input.length + 1)), other.slice(int(r, other.length + 1)))
const special: Mutator = (r, input) => {
  const out = input.slice()
  for (let n = 1 + int(r, 4); n > 0 && out.length > 0; n--) out[int(r, out.length)] = SPECIAL[int(r, SPECIAL.length)]!
  return out
}
/** A number in the text replaced by a huge or odd one (lengths, offsets, widths, sizes). */
const hugeNumber: Mutator = (r, input) => {
  const s = new TextDecoder().decode(input)
  const numbers = [...s.matchAll(/\b(0x[0-9a-fA-F]+|\d+)\b/g)]
  if (numbers.length === 0) return flip(r, input, input)
  const m = numbers[int(r, numbers.length)]!
  return text(s.slice(0, m.index) + HUGE[int(r, HUGE.length)]! + s.slice(m.index! + m[0].length))
}
/** A protobuf length-delimited field claiming 2^31 bytes (or a varint of ten 0xff) inserted. */
const hugeLength: Mutator = (r, input) => {
  const at = int(r, input.length + 1)
  const field = r() < 0.5 ? Uint8Array.of(0x1a, 0x80, 0x80, 0x80, 0x80, 0x08) : Uint8Array.of(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)
  return concat(input.slice(0, at), field, input.slice(at))
}
/** Nesting thousands deep: protobuf submessages, YAML/JSON brackets. */
const deepNesting: Mutator = (r, input) => {
  const depth = 100 + int(r, 5000)
  if (r() < 0.5) {
    let inner: Uint8Array = new Uint8Array()
    for (let d = 0; d < Math.min(depth, 2000); d++) inner = concat(Uint8Array.of(0x1a), varint(inner.length), inner)
    return concat(input, inner)
  }
  return concat(input, text(`\nx: ${'['.repeat(depth)}${']'.repeat(depth)}\n`))
}
/** A YAML alias chain (each level doubles the one before): a billion laughs if expanded. */
const aliases: Mutator = (r, input) => {
  const levels = 5 + int(r, 25)
  let yaml = 'a0: &a0 [x, x, x, x, x, x, x, x]\n'
  for (let l = 1; l < levels; l++) yaml += `a${l}: &a${l} [*a${l - 1}, *a${l - 1}, *a${l - 1}, *a${l - 1}]\n`
  return r() < 0.5 ? concat(text(yaml), input) : concat(input, text(`\n${yaml}`))
}

const varint = (n: number): Uint8Array => {
  const out: number[] = []
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80)
    n >>>= 7
  }
  out.push(n)
  return Uint8Array.from(out)
}

export const MUTATORS: Readonly<Record<string, Mutator>> = { flip, truncate, splice, special, hugeNumber, hugeLength, deepNesting, aliases }

/** One to three mutations of `input`. */
export const mutate = (r: Random, input: Uint8Array, other: Uint8Array): Uint8Array => {
  const names = Object.keys(MUTATORS)
  let out = input
  for (let n = 1 + int(r, 3); n > 0; n--) out = MUTATORS[names[int(r, names.length)]!]!(r, out, other)
  return out
}

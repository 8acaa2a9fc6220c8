/**
 * Where each assigned function's layout lies in migration state bytes: a scan of the protobuf
 * wire format that only reads tags and lengths (MigrationState.functions = 3,
 * AssignedFunction.layout = 3). Equal layout bytes decode to equal layouts, so the state codec
 * finds a layout it has checked before by these bytes, without rebuilding its file shape to
 * compare. Anything unexpected (a group, a length past the end, a function with two layouts)
 * gives null for that function or for the whole state, and the codec compares the long way.
 */

/** A varint at `at`: its value (below 2^53) and where the next field starts; null past the end or too long. */
const varint = (b: Uint8Array, at: number, end: number): [value: number, next: number] | null => {
  let value = 0
  let scale = 1
  for (let i = at; i < end && i < at + 10; i++) {
    value += (b[i]! & 0x7f) * scale
    if (b[i]! < 0x80) return value <= Number.MAX_SAFE_INTEGER ? [value, i + 1] : null
    scale *= 128
  }
  return null
}

/** Calls `field(number, start, end)` for each length-delimited field of [from, to), skipping the rest; false when malformed. */
const fields = (b: Uint8Array, from: number, to: number, field: (number: number, start: number, end: number) => void): boolean => {
  let at = from
  while (at < to) {
    const tag = varint(b, at, to)
    if (tag === null) return false
    const [key, next] = tag
    const type = key % 8
    at = next
    if (type === 0) {
      const v = varint(b, at, to)
      if (v === null) return false
      at = v[1]
    } else if (type === 1) at += 8
    else if (type === 5) at += 4
    else if (type === 2) {
      const len = varint(b, at, to)
      if (len === null || len[1] + len[0] > to) return false
      field(Math.floor(key / 8), len[1], len[1] + len[0])
      at = len[1] + len[0]
    } else return false
    if (at > to) return false
  }
  return true
}

/** Per assigned function in order, its layout's bytes [start, end) (null: none, or more than one); null when the bytes are not a well-formed message. */
export const layoutSpans = (bytes: Uint8Array): Array<readonly [number, number] | null> | null => {
  const spans: Array<readonly [number, number] | null> = []
  const ok = fields(bytes, 0, bytes.length, (number, start, end) => {
    if (number !== 3) return
    let span: readonly [number, number] | null = null
    let count = 0
    const inner = fields(bytes, start, end, (n, s, e) => {
      if (n !== 3) return
      count++
      span = [s, e]
    })
    spans.push(inner && count === 1 ? span : null)
  })
  return ok ? spans : null
}

/**
 * Bytes as hex text and back, for digests (compact: `0a1b…`) and byte runs (spaced: `0a 1b …`).
 */

/** `bytes` as two hex digits each, joined by `separator`. */
export const hexOf = (bytes: ArrayLike<number>, separator = ''): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(separator)

/** The bytes of compact (`0a1b`) or, with `spaced`, whitespace-separated (`0a 1b`) hex; null unless every pair is hex. */
export const bytesOfHex = (text: string, spaced = false): Uint8Array | null => {
  const s = text.trim()
  const parts = spaced ? s.split(/\s+/).filter((x) => x !== '') : (s.match(/.{1,2}/g) ?? [])
  return parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p)) ? Uint8Array.from(parts.map((p) => parseInt(p, 16))) : null
}

/**
 * Writes a config space image in lspci's hex dump format (`lspci -xxx` / `-xxxx`), which
 * `readLspciText` and `lspci -F` read back.
 */
import { hexOf } from '../decode/hex-bytes.js'
import type { ConfigSpace } from '../config-space/config-space.js'

/** The image as lspci prints it, after an optional device line (`00:00.0 Name`). */
export const formatLspci = (config: ConfigSpace, deviceLine: string | null): string => {
  const lines: string[] = deviceLine === null ? [] : [deviceLine]
  for (let at = 0; at < config.size; at += 16) {
    const row = hexOf(config.bytes.subarray(at, at + 16), ' ')
    lines.push(`${at.toString(16).padStart(at < 0x100 ? 2 : 3, '0')}: ${row}`)
  }
  return `${lines.join('\n')}\n`
}

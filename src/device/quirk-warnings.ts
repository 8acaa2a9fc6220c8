/**
 * What a derived layout should make its reviewer look at, from the device knowledge in
 * quirks.ts: non-zero bytes outside every capability that no quirk explains (device registers
 * the layout carries under `unclaimed` without anyone saying what they are: a VMM may pass them
 * through, zero them, or let a synthesised capability land on them), and places a VMM gives its
 * own capability that the layout has filled.
 */
import type { FunctionLayout } from '../layout/function-layout.js'
import { quirksOf } from './quirks.js'

export interface QuirkWarning {
  readonly code: 'UNEXPLAINED_BYTES' | 'PLACEMENT_TAKEN'
  /** First byte concerned (absolute config-space offset). */
  readonly offset: number
  readonly length: number
  readonly message: string
}

const hex = (n: number): string => `0x${n.toString(16)}`
const hexBytes = (bytes: readonly number[]): string => bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')

/** Runs of consecutive unexplained bytes shown in full up to this many bytes; longer ones are counted. */
const SHOWN_BYTES = 16

/** Warnings for `layout`: each run of unexplained non-zero bytes, and each VMM placement it leaves no room for. */
export const quirkWarnings = (layout: FunctionLayout): QuirkWarning[] => {
  const quirks = quirksOf(layout.identity)
  const explained = (at: number): boolean => quirks.some((q) => q.kind === 'registers' && q.ranges.some(([s, e]) => at >= s && at < e))
  const warnings: QuirkWarning[] = []
  for (const run of layout.unclaimed) {
    let start = -1
    for (let k = 0; k <= run.bytes.length; k++) {
      const open = k < run.bytes.length && !explained(run.at + k)
      if (open && start < 0) start = k
      if (open || start < 0) continue
      const bytes = run.bytes.slice(start, k)
      const at = run.at + start
      const range = bytes.length === 1 ? hex(at) : `${hex(at)}–${hex(at + bytes.length - 1)}`
      const shown = bytes.length <= SHOWN_BYTES ? hexBytes(bytes) : `${hexBytes(bytes.slice(0, SHOWN_BYTES))} … (${bytes.length} bytes)`
      warnings.push({
        code: 'UNEXPLAINED_BYTES',
        offset: at,
        length: bytes.length,
        message: `${range} reads ${shown} outside every capability, and no device quirk explains it: the layout keeps it under unclaimed; find what the device keeps there (its datasheet, its Linux driver) before relying on it`,
      })
      start = -1
    }
  }
  for (const q of quirks) {
    if (q.kind !== 'placement') continue
    const taken = (s: number, e: number): boolean => layout.capabilities.some((c) => c.offset < e && s < c.offset + c.length)
    if (!q.ranges.every(([s, e]) => taken(s, e))) continue
    const [s, e] = q.ranges[0]!
    warnings.push({
      code: 'PLACEMENT_TAKEN',
      offset: s,
      length: e - s,
      message: `${q.device}: ${q.why}, but the layout has a capability at ${q.ranges.map(([a, b]) => `${hex(a)}–${hex(b - 1)}`).join(' and ')} (${q.source})`,
    })
  }
  return warnings
}

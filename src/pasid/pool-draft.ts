/**
 * A destination's function pools while one plan allocates from them. Each pool is copied on its
 * first allocation only, so a plan costs one copy per pool it touches, not one per PASID (a
 * 2^20-bit pool is 128 KiB); the host's own pools are never written.
 */
import type { HostPasid } from './host-pasid.js'
import type { PasidPool } from './pasid-pool.js'
import { pasidCount } from './pasid.js'

export interface PoolDraft {
  /** Host function k's pool as this plan allocates it: a copy, made on first use, to read and set bits in. */
  readonly bits: (k: number) => Uint8Array
  /** Allocates PASID p in host function k's pool (PASID 0 and PASIDs beyond the width are never set). */
  readonly take: (k: number, p: number) => void
  /** The host with its function pools as allocated, and `global` as its global pool. */
  readonly finish: (global: PasidPool) => HostPasid
  /** Bytes copied so far (for step counts). */
  readonly copied: () => number
}

export const poolDraft = (host: HostPasid): PoolDraft => {
  const copies: Array<Uint8Array | undefined> = new Array(host.functions.length)
  let copied = 0
  const bitsOf = (k: number): Uint8Array => host.functions[k]!.pool.bits
  const copyOf = (k: number): Uint8Array => {
    let bits = copies[k]
    if (bits === undefined) {
      bits = copies[k] = bitsOf(k).slice()
      copied += bits.length
    }
    return bits
  }
  return {
    bits: copyOf,
    take: (k, p) => {
      if (p <= 0 || p >= pasidCount(host.functions[k]!.pool.width)) return
      copyOf(k)[p >>> 3]! |= 1 << (p & 7)
    },
    finish: (global) => ({
      ...host,
      global,
      functions: host.functions.map((f, k) => {
        const bits = copies[k]
        return bits === undefined ? f : { ...f, pool: { _tag: 'PasidPool', width: f.pool.width, bits } }
      }),
    }),
    copied: () => copied,
  }
}

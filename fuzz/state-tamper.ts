/**
 * Migration states as a hostile source host sends them, and the oracle that says whether a
 * state contradicts itself. The oracle is written from the rules (DESIGN.md §4, soundness; the
 * PASID capability's layout, PCIe 6.0 §7.8.8), not from the library's check: it builds each
 * layout, compares the image's bytes outside the built masks, the digest and the size, and reads
 * the PASID capability's register straight from the built image (bits 12:8 Max PASID Width,
 * bit 1 execute, bit 2 privileged).
 */
import * as E from 'fp-ts/lib/Either.js'
import { walkCapabilities } from '../src/capability/walk.js'
import { configSpace } from '../src/config-space/config-space.js'
import { hexOf } from '../src/decode/hex-bytes.js'
import { build } from '../src/layout/build.js'
import type { Host } from '../src/migrate/host.js'
import { pasidRanges } from '../src/pasid/pasid-ranges.js'
import type { PasidWidth } from '../src/pasid/pasid.js'
import { prepareFunction } from '../src/semantic/prepared-function.js'
import type { MigrationState } from '../src/state/migration-state.js'
import type { Random } from './mutate.js'

const PASID_ID = 0x1b

/** Why the state contradicts itself (empty: it agrees with itself). */
export const contradictions = (state: MigrationState): string[] => {
  const found: string[] = []
  const widths = new Map<string, { width: number; execute: boolean; privileged: boolean } | null>()
  state.functions.forEach((f, i) => {
    const built = build(f.layout)
    if (E.isLeft(built)) return void found.push(`functions[${i}]: layout does not build`)
    const p = prepareFunction(built.right)
    const image = f.configImage.bytes
    const size = p.config.size
    if (image.length !== size) found.push(`functions[${i}]: image ${image.length} bytes under a ${size}-byte layout`)
    else {
      for (let at = 0; at < size; at++) {
        const writable = p.semantic.packed[size + at]! | p.semantic.packed[2 * size + at]!
        if ((image[at]! ^ p.config.bytes[at]!) & ~writable & 0xff) {
          found.push(`functions[${i}]: read-only byte ${at} differs`)
          break
        }
      }
    }
    if (hexOf(f.semanticDigest) !== p.digest) found.push(`functions[${i}]: digest is not the layout's`)
    const cap = walkCapabilities(p.config).capabilities.find((c) => c.space === 'extended' && c.id === PASID_ID)
    const reg = cap === undefined ? 0 : p.config.bytes[cap.offset + 4]! | (p.config.bytes[cap.offset + 5]! << 8)
    widths.set(f.guestAddress, cap === undefined ? null : { width: (reg >> 8) & 0x1f, execute: (reg & 2) !== 0, privileged: (reg & 4) !== 0 })
  })
  for (const p of state.pasid?.functions ?? []) {
    const shown = widths.get(p.id)
    if (shown === undefined) found.push(`pasid ${p.id}: no such function`)
    else if (shown === null) found.push(`pasid ${p.id}: its layout shows no PASID capability`)
    else if (shown.width !== p.capability.width || (p.capability.execute && !shown.execute) || (p.capability.privileged && !shown.privileged)) found.push(`pasid ${p.id}: claims another PASID capability than its layout shows`)
  }
  return found
}

/** A host of the state's own layouts, built, with PASID room for it: what would take the state unchanged. */
export const ownHost = (state: MigrationState): Host => {
  const functions = state.functions.flatMap((f, k) => {
    const built = build(f.layout)
    return E.isLeft(built) ? [] : [{ address: `0000:${(0x10 + k).toString(16)}:00.0`, function: prepareFunction(built.right), persona: f.layout.persona, pf: null, free: true }]
  })
  const width = 20 as PasidWidth
  return {
    name: 'own-layouts',
    functions,
    pasid: {
      iommuWidth: width,
      cpuTranslation: true,
      split: state.pasid?.mode === 'global-split' ? state.pasid.split : null,
      global: pasidRanges(width),
      functions: functions.map((f) => ({ id: f.address, capabilityWidth: width, execute: true, privileged: true, pasidEnabled: true, isVf: false, pool: pasidRanges(width) })),
    },
  }
}

const int = (r: Random, n: number): number => Math.floor(r() * n)

/** The state with one part changed the way a lying source would: an image bit or size, a digest, a PASID claim. */
export const tamperState = (r: Random, state: MigrationState): MigrationState => {
  const i = int(r, state.functions.length)
  const f = state.functions[i]!
  const withFunction = (g: typeof f): MigrationState => ({ ...state, functions: state.functions.map((x, k) => (k === i ? g : x)) })
  switch (int(r, 6)) {
    case 0: {
      const bytes = Uint8Array.from(f.configImage.bytes)
      for (let n = 1 + int(r, 3); n > 0; n--) bytes[int(r, bytes.length)]! ^= 1 << int(r, 8)
      return withFunction({ ...f, configImage: configSpace(bytes)! })
    }
    case 1: {
      // Vendor and Device ID: another device's.
      const bytes = Uint8Array.from(f.configImage.bytes)
      bytes[int(r, 4)] = int(r, 256)
      return withFunction({ ...f, configImage: configSpace(bytes)! })
    }
    case 2:
      return withFunction({ ...f, configImage: configSpace(Uint8Array.from(f.configImage.bytes).slice(0, 256))! })
    case 3: {
      const digest = r() < 0.5 ? new Uint8Array(32) : Uint8Array.from(f.semanticDigest)
      if (digest.some((b) => b !== 0)) digest[int(r, 32)]! ^= 1 << int(r, 8)
      return withFunction({ ...f, semanticDigest: digest })
    }
    case 4:
      // Another function's digest (the same when the layouts are the same).
      return withFunction({ ...f, semanticDigest: state.functions[int(r, state.functions.length)]!.semanticDigest })
    default: {
      const pasid = state.pasid
      if (pasid === null || pasid.functions.length === 0) return withFunction({ ...f, semanticDigest: new Uint8Array(32) })
      const j = int(r, pasid.functions.length)
      const functions = pasid.functions.map((p, k) =>
        k === j ? { ...p, capability: { width: int(r, 21) as PasidWidth, execute: r() < 0.5, privileged: r() < 0.5 } } : p,
      )
      return { ...state, pasid: { ...pasid, functions } } as MigrationState
    }
  }
}

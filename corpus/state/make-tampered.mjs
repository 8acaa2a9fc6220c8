#!/usr/bin/env node
// Writes migration states tampered in one way each, from the golden vm-17-n2-schema-v1.pb, to
// corpus/state/tampered/NAME.pb: what a hostile or broken source host could send. Each still
// decodes (the wire is well formed); `vpci check` must refuse each with the reason named below.
// ADD-ONLY like the golden fixtures: an existing file is never rewritten.
// Run after `npm run build`: node corpus/state/make-tampered.mjs
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import * as V from '../../dist/index.js'

const golden = V.decodeMigrationState(new Uint8Array(readFileSync(new URL('vm-17-n2-schema-v1.pb', import.meta.url))))
if (golden._tag !== 'Right') throw new Error('vm-17-n2-schema-v1.pb must decode')
const { wire: _wire, ...state } = golden.right

/** The state with function `i` changed by `edit`. */
const withFunction = (i, edit) => ({ ...state, functions: state.functions.map((f, k) => (k === i ? edit(f) : f)) })
/** Function `i` with its image bytes edited (a copy of `size` bytes). */
const withImage = (i, edit, size) =>
  withFunction(i, (f) => {
    const bytes = Uint8Array.from(f.configImage.bytes).slice(0, size ?? f.configImage.size)
    edit(bytes, f)
    return { ...f, configImage: V.configSpace(bytes) }
  })
/** The state with PASID function `j`'s guest-visible capability edited. */
const withPasidCapability = (j, edit) => ({ ...state, pasid: { ...state.pasid, functions: state.pasid.functions.map((f, k) => (k === j ? { ...f, capability: edit(f.capability) } : f)) } })
const capabilityAt = (f, key) => f.layout.capabilities.find((c) => c.id === { msix: 0x11 }[key]).offset

const TAMPERED = {
  // STATE_DIGEST: the recorded digest of 00:05.0 is all zeros.
  'zero-digest': withFunction(0, (f) => ({ ...f, semanticDigest: new Uint8Array(32) })),
  // STATE_DIGEST: 00:05.0 records the digest of 00:06.0's layout (N2), not its own (A).
  'digest-of-other-layout': withFunction(0, (f) => ({ ...f, semanticDigest: state.functions[1].semanticDigest })),
  // STATE_READ_ONLY, Header Vendor ID: the image of 00:05.0 reads 8086 where its layout has 1234.
  'image-vendor-id': withImage(0, (b) => ((b[0] = 0x86), (b[1] = 0x80))),
  // STATE_READ_ONLY, Header Device ID: the image of 00:05.0 carries another Device ID.
  'image-device-id': withImage(0, (b) => ((b[2] = 0x02), (b[3] = 0x5b))),
  // STATE_IMAGE_SIZE: 00:05.0's image is its first 256 bytes under a 4096-byte layout.
  'image-256-under-4096': withImage(0, () => undefined, 256),
  // STATE_READ_ONLY, MSI-X Table Size: bit 0 of Message Control (read-only) flipped in 00:05.0's image.
  'image-msix-table-size-bit': withImage(0, (b, f) => void (b[capabilityAt(f, 'msix') + 2] ^= 0x01)),
  // STATE_PASID_WIDTH: the PASID state gives 00:06.0 20 bits; N2's vPASID shows the guest 16.
  'pasid-width-20-under-16': withPasidCapability(1, (c) => ({ ...c, width: 20 })),
  // STATE_PASID_FEATURES: the PASID state claims execute on 00:06.0; N2's vPASID does not support it.
  'pasid-execute-unsupported': withPasidCapability(1, (c) => ({ ...c, execute: true })),
}

for (const [name, tampered] of Object.entries(TAMPERED)) {
  const out = new URL(`tampered/${name}.pb`, import.meta.url)
  if (existsSync(out)) continue
  writeFileSync(out, V.encodeMigrationState(tampered))
  process.stdout.write(`wrote tampered/${name}.pb\n`)
}

/**
 * `createMigrationState` makes the states a source would send, or refuses with the reason a
 * host would give. Oracles: the golden state vm-17-n2 (written before this function existed)
 * made again from its own parts gives its bytes exactly; every tampered state of
 * corpus/state/tampered/ made again from its parts is refused with the code its README row
 * names, except the two whose only lie is the recorded digest, which creation computes afresh;
 * generated states (the arbitraries' contract: consistent) are made again unchanged.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as arb from '../../src/arbitraries/index.js'
import { configSpace } from '../../src/config-space/config-space.js'
import { hexOf } from '../../src/decode/hex-bytes.js'
import type { MigrationState } from '../../src/state/migration-state.js'
import { createMigrationState, type CreateStateInput } from '../../src/state/create-state.js'
import { decodeMigrationState } from '../../src/state/state-codec.js'
import { corpusPath } from '../support/repo-corpus.js'

const decoded = (name: string): MigrationState => {
  const s = decodeMigrationState(new Uint8Array(readFileSync(corpusPath(name))))
  if (E.isLeft(s)) throw new Error(`${name}: ${JSON.stringify(s.left)}`)
  return s.right
}

/** What a VMM holds of a state: layouts, images and PASIDs; no digests. */
const partsOf = (s: MigrationState): CreateStateInput => ({
  vmName: s.vmName,
  functions: s.functions.map((f) => ({ guestAddress: f.guestAddress, layout: f.layout, image: f.configImage })),
  pasid: s.pasid,
})

describe('createMigrationState', () => {
  it('vm-17-n2 made again from its layouts, images and PASID state is its golden bytes', () => {
    const golden = new Uint8Array(readFileSync(corpusPath('state/vm-17-n2-schema-v1.pb')))
    const made = createMigrationState(partsOf(decoded('state/vm-17-n2-schema-v1.pb')))
    if (E.isLeft(made)) throw new Error(JSON.stringify(made.left))
    expect(Buffer.from(made.right.bytes).equals(Buffer.from(golden))).toBe(true)
  })

  // corpus/README.md, state/tampered/: what each file lies about and the code host-good refuses it with.
  it.each([
    ['image-vendor-id.pb', 'STATE_READ_ONLY'],
    ['image-device-id.pb', 'STATE_READ_ONLY'],
    ['image-msix-table-size-bit.pb', 'STATE_READ_ONLY'],
    ['image-256-under-4096.pb', 'STATE_IMAGE_SIZE'],
    ['pasid-execute-unsupported.pb', 'STATE_PASID_FEATURES'],
    ['pasid-width-20-under-16.pb', 'STATE_PASID_WIDTH'],
  ])('refuses the parts of %s: %s', (file, code) => {
    const made = createMigrationState(partsOf(decoded(`state/tampered/${file}`)))
    expect(E.isLeft(made) && made.left.map((e) => e.code)).toContain(code)
  })

  it.each(['zero-digest.pb', 'digest-of-other-layout.pb'])('%s: the digest is computed, not taken, so the parts make the untampered state', (file) => {
    const made = createMigrationState(partsOf(decoded(`state/tampered/${file}`)))
    if (E.isLeft(made)) throw new Error(JSON.stringify(made.left))
    expect(made.right.state.functions.map((f) => hexOf(f.semanticDigest))).toEqual(decoded('state/vm-17-n2-schema-v1.pb').functions.map((f) => hexOf(f.semanticDigest)))
  })

  it('refuses a repeated guest address, a PASID function that is not assigned, and a 64-byte image, by path', () => {
    const s = partsOf(decoded('state/vm-17-n2-schema-v1.pb'))
    const twice = createMigrationState({ ...s, functions: [s.functions[0]!, { ...s.functions[1]!, guestAddress: s.functions[0]!.guestAddress }] })
    expect(E.isLeft(twice) && twice.left.map((e) => e.path.join('.'))).toContain('functions.1.guestAddress')
    const stranger = createMigrationState({ ...s, functions: [s.functions[0]!] })
    expect(E.isLeft(stranger) && stranger.left.map((e) => e.path.join('.'))).toContain('pasid.functions.1.id')
    const short = createMigrationState({ ...s, functions: [{ ...s.functions[0]!, image: configSpace(new Uint8Array(64))! }, s.functions[1]!] })
    expect(E.isLeft(short) && short.left.map((e) => [e.path.join('.'), e.message])).toEqual([['functions.0.configImage', expect.stringMatching(/64-byte image/)]])
  })

  it('generated states are made again as they are', () => {
    fc.assert(
      fc.property(arb.migrationState({ maxFunctions: 3 }), (s) => {
        const made = createMigrationState(partsOf(s))
        if (E.isLeft(made)) throw new Error(JSON.stringify(made.left))
        expect(made.right.state.functions.map((f) => hexOf(f.semanticDigest))).toEqual(s.functions.map((f) => hexOf(f.semanticDigest)))
      }),
      { numRuns: 40, seed: 13 },
    )
  })
})

/**
 * Optional writable bits (DESIGN.md §4, soundness rules; PCIe Base 5.0 §7.8.4.3–7.8.4.6): the
 * AER mask and severity bits of an optional error are writable (RWS) where the function
 * implements the error and hardwired to 0 where it does not. A 1 on the source proves the source
 * implements it; a 0 on the destination proves nothing, and a destination that does not
 * implement it cannot take the value back (QEMU's load check refuses it: the bit is outside its
 * wmask). So vpci refuses by default and accepts only as a stated assumption.
 *
 * The accelerator fixture has AER at 0x100: Uncorrectable Error Mask at 0x108, Severity at
 * 0x10c, Correctable Error Mask at 0x114; PCI Express at 0x40, Link Capabilities at 0x4c.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { checkMigration } from '../../src/migrate/check-migration.js'
import { decideEquivalence, proveEquivalence, verifyCertificate } from '../../src/proof/prove-equivalence.js'
import { decodeMigrationState } from '../../src/state/state-codec.js'
import { configSpace } from '../../src/config-space/config-space.js'
import { preparedCorpus, preparedImage } from '../support/prepared.js'
import { readCorpusBytes } from '../support/repo-corpus.js'
import { processIo } from '../../src/cli/io.js'
import { loadHost } from '../../src/cli/load-host.js'
import { corpusPath } from '../support/repo-corpus.js'

const base = Uint8Array.from(preparedCorpus('families/accelerator/v1-host-a.lspci').config.bytes)

/** The fixture with `bits` set (or cleared) in the 32-bit register at `at`. */
const withRegister = (bytes: ArrayLike<number>, at: number, set: number, clear = 0): Uint8Array => {
  const out = Uint8Array.from(bytes)
  const v = ((out[at]! | (out[at + 1]! << 8) | (out[at + 2]! << 16) | (out[at + 3]! << 24)) & ~clear) | set
  for (let k = 0; k < 4; k++) out[at + k] = (v >>> (8 * k)) & 0xff
  return out
}

const UE_MASK = 0x108
const UE_SEVERITY = 0x10c
const CE_MASK = 0x114
const LINK_CAPABILITIES = 0x4c
const SURPRISE_DOWN_CAPABLE = 1 << 19

const errorsOf = (source: Uint8Array, destination: Uint8Array, assumeImplemented = false) =>
  proveEquivalence(preparedImage(source), preparedImage(destination), { assumeImplemented }).reasons.filter((r) => r.severity === 'error')

describe('optional writable bits', () => {
  it('Uncorrectable Internal Error Mask (bit 22, optional, nothing else proves it) set on the source and 0 on the destination is refused, naming register and bit', () => {
    const source = withRegister(base, UE_MASK, 1 << 22)
    const errors = errorsOf(source, base)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: 'STATE_UNPROVEN', capability: 'Advanced Error Reporting', field: 'uncorrectableMask', offset: UE_MASK, length: 4, source: 1 << 22, destination: 0 })
    expect(errors[0]!.message).toContain('Uncorrectable Error Mask bit 22')
    expect(decideEquivalence(preparedImage(source), preparedImage(base))).toBe(false)
  })

  it('the other direction (0 on the source, 1 on the destination), and 1 on both, are plain state', () => {
    const set = withRegister(base, UE_MASK, 1 << 22)
    expect(errorsOf(base, set)).toEqual([])
    expect(errorsOf(set, set)).toEqual([])
  })

  it('a required error\'s bit (Data Link Protocol, bit 4) is writable on every function: never refused', () => {
    expect(errorsOf(withRegister(base, UE_MASK, 1 << 4), base)).toEqual([])
    // Correctable: Receiver Error (0) is required; Header Log Overflow (15) is optional.
    expect(errorsOf(withRegister(base, CE_MASK, 1 << 0), base)).toEqual([])
    expect(errorsOf(withRegister(base, CE_MASK, 1 << 15), base).map((r) => [r.code, r.field])).toEqual([['STATE_UNPROVEN', 'correctableMask']])
  })

  it('every bit of one register is listed in one reason', () => {
    const errors = errorsOf(withRegister(base, UE_MASK, (1 << 13) | (1 << 17) | (1 << 26)), base)
    expect(errors).toHaveLength(1)
    expect(errors[0]!.message).toContain('bits 13, 17, 26')
  })

  it('Surprise Down (bit 5) is proved implemented where Link Capabilities says Surprise Down Error Reporting Capable (§7.5.3.6)', () => {
    // The fixture's severity has bit 5 set; a destination whose firmware made it non-fatal reads 0.
    const nonFatal = withRegister(base, UE_SEVERITY, 0, 1 << 5)
    expect(errorsOf(base, nonFatal).map((r) => r.code)).toEqual(['STATE_UNPROVEN'])
    const capable = withRegister(base, LINK_CAPABILITIES, SURPRISE_DOWN_CAPABLE)
    expect(errorsOf(capable, withRegister(nonFatal, LINK_CAPABILITIES, SURPRISE_DOWN_CAPABLE))).toEqual([])
  })

  it('--assume-implemented accepts it as a warning the certificate states, and the certificate records the option', () => {
    const source = preparedImage(withRegister(base, UE_MASK, 1 << 22))
    const destination = preparedImage(base)
    const v = proveEquivalence(source, destination, { assumeImplemented: true })
    expect(v.compatible).toBe(true)
    expect(v.reasons.filter((r) => r.code === 'STATE_UNPROVEN').map((r) => r.severity)).toEqual(['warning'])
    expect(v.certificate!.options).toEqual({ instance: 'warn', assumeImplemented: true })
    expect(v.certificate!.assumptions.some((a) => a.includes('uncorrectableMask') && a.includes('0x108'))).toBe(true)
    expect(decideEquivalence(source, destination, { assumeImplemented: true })).toBe(true)
    // The certificate re-derives with its own options, and a refusal's does not verify as an acceptance.
    expect(E.isRight(verifyCertificate(v.certificate!, source, destination))).toBe(true)
    const refused = proveEquivalence(source, destination).certificate!
    expect(refused.compatible).toBe(false)
  })

  it('whole-VM: a state whose AER mask has an optional bit the host function reads as 0 is refused, and accepted only as an assumption', async () => {
    const state = decodeMigrationState(readCorpusBytes('state/vm-17-n2-schema-v1.pb'))
    if (E.isLeft(state)) throw new Error(JSON.stringify(state.left))
    const loaded = await loadHost(processIo, corpusPath('hosts/host-good.yaml'), { root: corpusPath('') })
    if (E.isLeft(loaded)) throw new Error(JSON.stringify(loaded.left.errors(null)))
    const host = loaded.right
    expect(checkMigration(state.right, host).compatible).toBe(true)
    const accel = state.right.functions.findIndex((f) => f.layout.capabilities.some((c) => c.space === 'extended' && c.id === 0x01 && c.offset === 0x100))
    expect(accel).toBeGreaterThanOrEqual(0)
    const image = withRegister(Uint8Array.from(state.right.functions[accel]!.configImage.bytes), UE_MASK, 1 << 22)
    const tampered = { ...state.right, functions: state.right.functions.map((f, i) => (i === accel ? { ...f, configImage: configSpace(image)! } : f)) }
    const refused = checkMigration(tampered, host)
    expect(refused.compatible).toBe(false)
    expect(JSON.stringify(refused.reasons)).toContain('STATE_UNPROVEN')
    const assumed = checkMigration(tampered, host, { assumeImplemented: true })
    expect(assumed.compatible).toBe(true)
    expect(assumed.certificate!.assumptions.some((a) => a.startsWith('STATE_UNPROVEN'))).toBe(true)
  })
})

/**
 * The certificate of a whole-VM check: what was proved, by digest, so that anyone holding the
 * state and the host can re-derive it and see that nothing moved. Per function: the layout's
 * semantic digest (as built from the state's layout, and as the state recorded it), the host
 * function it went to with that function's semantic digest and persona, and the offset map; the
 * PASID plan's map and CPU table; and the warnings accepted on the way as assumptions. A change
 * to any layout's read-only content or mask, any destination function's, or the plan shows up
 * as a mismatch. The two layout digests are always equal: a state whose recorded digest is not
 * its layout's is refused before any certificate is made (state-consistency.ts). Verifying
 * decodes the certificate with a codec first (every field, no other) and compares every field.
 */
import { hexOf } from '../decode/hex-bytes.js'
import type { Persona } from '../layout/function-layout.js'
import type { OffsetMapping } from '../layout/realize.js'
import type { PasidMode } from '../pasid/pasid-state.js'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { closedStruct } from '../decode/closed-struct.js'
import { PersonaCodec } from '../layout/persona-codec.js'
import { type CertificateMalformed, type CertificateMismatch, certificateDifferences, certificateMismatch, decodeWith } from '../proof/certificate.js'
import type { Host } from './host.js'
import type { MigrationPlan } from './migration-plan.js'
import type { MigrationVerdict } from './check-migration.js'

export interface MigrationCertificate {
  readonly kind: 'vpci/migration-certificate'
  readonly version: 1
  readonly vm: string
  readonly host: string
  readonly functions: ReadonlyArray<{
    readonly guestAddress: string
    /** SHA-256 (hex) of the semantic image of the layout, built now. */
    readonly layoutDigest: string | null
    /** The digest the migration state carries for it. */
    readonly stateDigest: string
    readonly hostAddress: string
    readonly physicalDigest: string
    readonly persona: Persona | null
    readonly offsetMap: readonly OffsetMapping[]
  }>
  readonly pasid: { readonly mode: PasidMode; readonly map: ReadonlyArray<{ readonly local: number; readonly global: number }>; readonly cpuTable: ReadonlyArray<{ readonly local: number; readonly global: number }> } | null
  /** Warnings accepted (code and message), e.g. BAR sizes not known. */
  readonly assumptions: readonly string[]
}

/** The certificate of a compatible verdict (null for a refusal). */
export const migrationCertificate = (plan: MigrationPlan, host: Host, verdict: Omit<MigrationVerdict, 'certificate'>): MigrationCertificate | null => {
  if (!verdict.compatible || verdict.assignment === null) return null
  const byAddress = new Map(host.functions.map((f) => [f.address, f]))
  return {
    kind: 'vpci/migration-certificate',
    version: 1,
    vm: plan.state.vmName,
    host: host.name,
    functions: verdict.assignment.map((a, i) => {
      const f = byAddress.get(a.hostAddress)!
      const layoutDigest = plan.layoutDigests[i] ?? null
      const stateDigest = hexOf(plan.state.functions[i]!.semanticDigest)
      // compileMigration refuses a state whose recorded digest is not its layout's (STATE_DIGEST).
      if (layoutDigest !== stateDigest) throw new Error(`a certificate would record ${a.guestAddress}'s layout digest ${layoutDigest} beside another in the state (${stateDigest})`)
      return {
        guestAddress: a.guestAddress,
        layoutDigest,
        stateDigest,
        hostAddress: a.hostAddress,
        physicalDigest: f.function.digest,
        persona: f.persona,
        offsetMap: a.offsetMap,
      }
    }),
    pasid:
      verdict.pasidPlan === null || plan.state.pasid === null
        ? null
        : { mode: plan.state.pasid.mode, map: verdict.pasidPlan.map.map((m) => ({ local: m.local, global: m.global })), cpuTable: verdict.pasidPlan.cpuTable.map((m) => ({ local: m.local, global: m.global })) },
    assumptions: verdict.reasons.filter((r) => r.severity === 'warning').map((r) => `${r.code}: ${r.message}`),
  }
}

const Nullable = <C extends t.Mixed>(c: C) => t.union([c, t.null])
const PairCodec = closedStruct({ local: t.number, global: t.number })

/** The whole-VM certificate's shape: every field, no other. */
export const MigrationCertificateCodec = closedStruct({
  kind: t.literal('vpci/migration-certificate'),
  version: t.literal(1),
  vm: t.string,
  host: t.string,
  functions: t.array(
    closedStruct({
      guestAddress: t.string,
      layoutDigest: Nullable(t.string),
      stateDigest: t.string,
      hostAddress: t.string,
      physicalDigest: t.string,
      persona: Nullable(PersonaCodec),
      offsetMap: t.array(
        closedStruct({
          space: t.keyof({ standard: null, extended: null }),
          capability: t.string,
          virtualOffset: t.number,
          physicalOffset: Nullable(t.number),
          length: t.number,
          backing: t.keyof({ passthrough: null, emulated: null }),
        }),
      ),
    }),
  ),
  pasid: Nullable(closedStruct({ mode: t.keyof({ delegated: null, 'per-rid': null, 'global-split': null, 'global-per-function': null }), map: t.array(PairCodec), cpuTable: t.array(PairCodec) })),
  assumptions: t.array(t.string),
})

/** `given` as a whole-VM certificate, or every reason it is not one. */
export const decodeMigrationCertificate = (given: unknown): E.Either<readonly CertificateMalformed[], MigrationCertificate> => decodeWith(MigrationCertificateCodec, given)

/**
 * Every field where the certificate `given` and the one `recomputed` now differ (Left), or the
 * certificate (Right: it holds). A refusal now is one mismatch, `verdict`.
 */
export const compareMigrationCertificates = (given: MigrationCertificate, recomputed: MigrationCertificate | null): E.Either<readonly CertificateMismatch[], MigrationCertificate> => {
  if (recomputed === null) return E.left([certificateMismatch('verdict', 'compatible', 'the host no longer takes the VM')])
  const mismatches = certificateDifferences(given, recomputed)
  return mismatches.length === 0 ? E.right(given) : E.left(mismatches)
}

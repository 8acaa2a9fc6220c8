/**
 * The certificate of a whole-VM check: what was proved, by digest, so that anyone holding the
 * state and the host can re-derive it and see that nothing moved. Per function: the layout's
 * semantic digest (as built from the state's layout, and as the state recorded it), the host
 * function it went to with that function's semantic digest and persona, and the offset map; the
 * PASID plan's map and CPU table; and the warnings accepted on the way as assumptions. A change
 * to any layout's read-only content or mask, any destination function's, or the plan shows up
 * as a mismatch.
 */
import { hexOf } from '../decode/hex-bytes.js'
import type { Persona } from '../layout/function-layout.js'
import type { OffsetMapping } from '../layout/realize.js'
import type { PasidMode } from '../pasid/pasid-state.js'
import type { CertificateMismatch } from '../proof/certificate.js'
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
      return {
        guestAddress: a.guestAddress,
        layoutDigest: plan.layoutDigests[i] ?? null,
        stateDigest: hexOf(plan.state.functions[i]!.semanticDigest),
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

/** Every place where `certificate` and the one `recomputed` now differ (empty: it holds). */
export const compareMigrationCertificates = (certificate: MigrationCertificate, recomputed: MigrationCertificate | null): CertificateMismatch[] => {
  if (recomputed === null) return [{ what: 'verdict', expected: 'compatible', actual: 'the host no longer takes the VM' }]
  const out: CertificateMismatch[] = []
  const walk = (what: string, a: unknown, b: unknown): void => {
    if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)])
      for (const k of keys) walk(what === '' ? k : `${what}.${k}`, (a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
      return
    }
    if (a !== b) out.push({ what, expected: JSON.stringify(a) ?? 'nothing', actual: JSON.stringify(b) ?? 'nothing' })
  }
  walk('', certificate, recomputed)
  return out
}

/**
 * The whole-VM check: can this host take this VM? A one-to-one assignment of the VM's
 * functions to the host's free functions, each able to back its function's layout (and take
 * its state), under which the VM's PASIDs can be remapped. Returns the assignment with each
 * function's offset map and the PASID plan, or every reason none exists: per function that
 * no candidate can take, the closest candidate's reasons.
 *
 * The search is the compiled plan's (`judgeHost`, shared with `filterHosts`); the PASID plan
 * is then made on bitmap pools for the assignment found.
 */
import * as E from 'fp-ts/lib/Either.js'
import { withBitmapPools } from '../pasid/host-pasid.js'
import { type PasidPlan, remapPasids } from '../pasid/remap.js'
import type { Reason } from '../proof/reason.js'
import type { MigrationState } from '../state/migration-state.js'
import type { Host } from './host.js'
import { compareMigrationCertificates, decodeMigrationCertificate, type MigrationCertificate, migrationCertificate } from './migration-certificate.js'
import type { CertificateProblem } from '../proof/certificate.js'
import { compileMigration, type FunctionAssignment, judgeHost, type MigrationPlan, type PlanOptions } from './migration-plan.js'

export type { FunctionAssignment } from './migration-plan.js'

export interface MigrationVerdict {
  readonly compatible: boolean
  readonly reasons: readonly Reason[]
  readonly assignment: readonly FunctionAssignment[] | null
  readonly pasidPlan: PasidPlan | null
  /** What was proved, by digest (null for a refusal); `verifyMigrationCertificate` re-derives it. */
  readonly certificate: MigrationCertificate | null
}

export type CheckMigrationOptions = PlanOptions

/** The exact verdict for one host under a compiled plan: the judgement, then the PASID plan for its assignment. */
export const checkHost = (plan: MigrationPlan, host: Host): MigrationVerdict => {
  const j = judgeHost(plan, host)
  if (!j.compatible) return { compatible: false, reasons: j.reasons, assignment: null, pasidPlan: null, certificate: null }
  const certified = (v: Omit<MigrationVerdict, 'certificate'>): MigrationVerdict => ({ ...v, certificate: migrationCertificate(plan, host, v) })
  const pasid = plan.state.pasid
  if (pasid === null || host.pasid === null) return certified({ compatible: true, reasons: j.warnings, assignment: j.assignment, pasidPlan: null })
  const remapped = remapPasids(pasid, withBitmapPools(host.pasid), { assignment: new Map(j.assignment.map((a) => [a.guestAddress, a.hostAddress])) })
  // Feasibility and planning follow the same rules; a disagreement would be a bug, reported, not hidden.
  if (E.isLeft(remapped) || remapped.right.plan === null) {
    const why = E.isLeft(remapped) ? remapped.left.map((e) => e.message).join('; ') : remapped.right.reasons.map((r) => r.message).join('; ')
    throw new Error(`PASID feasibility accepted ${host.name} but no plan could be made: ${why}`)
  }
  return certified({ compatible: true, reasons: j.warnings, assignment: j.assignment, pasidPlan: remapped.right.plan })
}

/** Judges `state` against `host`. Total: bad layouts in the state are reported as reasons. */
export const checkMigration = (state: MigrationState, host: Host, options: CheckMigrationOptions = {}): MigrationVerdict => checkHost(compileMigration(state, options), host)

/**
 * Verifies a whole-VM certificate (any value: a parsed JSON file, say) against the state and the
 * host: Left with `CertificateMalformed` problems when it is not a migration certificate, with a
 * `CertificateMismatch` per differing field when it no longer holds; Right when it does. Never throws.
 */
export const verifyMigrationCertificate = (given: unknown, state: MigrationState, host: Host, options: CheckMigrationOptions = {}): E.Either<readonly CertificateProblem[], MigrationCertificate> => {
  const decoded = decodeMigrationCertificate(given)
  if (E.isLeft(decoded)) return decoded
  return compareMigrationCertificates(decoded.right, checkMigration(state, host, options).certificate)
}

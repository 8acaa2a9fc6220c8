/**
 * The whole-VM check as text: the verdict and its reasons (as every verdict), then the
 * assignment with each function's offset map, the PASID plan and the certificate's summary.
 */
import { oneLine } from '../decode/one-line.js'
import type { MigrationVerdict } from '../migrate/check-migration.js'
import { limitReasons } from '../proof/reason-limit.js'
import { mapText, omittedText, REPORT_LINE, verdictText } from './render-verdict.js'

export const checkVmText = (v: MigrationVerdict, statePath: string, hostPath: string, limit: number | null): string => {
  const parts = [verdictText({ compatible: v.compatible, reasons: v.reasons, certificate: null }, statePath, hostPath, limit)]
  for (const a of v.assignment ?? []) parts.push(`${oneLine(`${a.guestAddress} → ${a.hostAddress}`, REPORT_LINE)}\n`, mapText(a.offsetMap))
  if (v.pasidPlan !== null) {
    const { shown, omitted } = limitReasons(v.pasidPlan.map, limit)
    parts.push(`PASIDs: ${shown.map((m) => `${m.local} → ${m.global}`).join(', ')}\n`, ...omittedText(omitted, 'PASID', '  ').map((l) => `${l}\n`))
  }
  const c = v.certificate
  if (c !== null) {
    const { shown, omitted } = limitReasons(c.functions, limit)
    const named = shown.map((f) => `${f.guestAddress} ${f.physicalDigest.slice(0, 12)}…`).join(', ')
    parts.push(`${oneLine(`certificate: ${c.functions.length} functions by digest (${named}${omitted > 0 ? ', …' : ''}), ${c.assumptions.length} assumptions`, REPORT_LINE)}\n`)
  }
  return parts.join('')
}

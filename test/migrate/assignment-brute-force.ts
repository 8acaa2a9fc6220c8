/**
 * The brute-force oracle for the whole-VM judge on small cases. It shares nothing with the
 * judge's matching or PASID decomposition: it enumerates every one-to-one assignment of the VM's
 * functions to the host's free functions, checks each pair by realizing and translating from
 * scratch (models prepared afresh, no class cache), and plans the PASIDs with `remapPasids` on
 * bitmap pools. The host takes the VM exactly when some assignment passes. Used by
 * test/migrate/assignment-oracle.test.ts and the fuzzer's `near-hosts` target.
 */
import * as E from 'fp-ts/lib/Either.js'
import { build } from '../../src/layout/build.js'
import { realize } from '../../src/layout/realize.js'
import { translate } from '../../src/layout/translate.js'
import type { Host } from '../../src/migrate/host.js'
import { withBitmapPools } from '../../src/pasid/host-pasid.js'
import type { PasidRanges } from '../../src/pasid/pasid-ranges.js'
import type { PasidState } from '../../src/pasid/pasid-state.js'
import { remapPasids } from '../../src/pasid/remap.js'
import { prepareFunction } from '../../src/semantic/prepared-function.js'
import type { MigrationState } from '../../src/state/migration-state.js'
import type { HostFunctionSpec, InstanceType } from './whole-vm-fixtures.js'
import { model } from './whole-vm-fixtures.js'

/** Whether a VM function of `type` can sit on `m`, decided from scratch once per pair. */
const pairs = new Map<string, boolean>()
export const fits = (state: MigrationState, i: number, type: InstanceType, m: number): boolean => {
  // The layout (a NIC's depends on whether it has PASIDs, a vPASID's width on the state) and the model.
  const key = `${type}/${Buffer.from(state.functions[i]!.semanticDigest).toString('hex')}/${m}`
  let ok = pairs.get(key)
  if (ok === undefined) {
    const f = state.functions[i]!
    const fresh = prepareFunction({ file: `model ${m}`, device: null, description: null, config: model(m).function.config, resources: null })
    const persona = model(m).persona
    const r = realize(f.layout, fresh, persona === null ? {} : { destinationPersona: persona })
    const built = build(f.layout)
    ok =
      E.isRight(r) &&
      E.isRight(built) &&
      r.right.offsetMap !== null &&
      !r.right.reasons.some((x) => x.severity === 'error') &&
      E.isRight(translate(f.configImage, prepareFunction(built.right), r.right.offsetMap, fresh))
    pairs.set(key, ok)
  }
  return ok
}

export interface Case {
  readonly types: readonly InstanceType[]
  readonly hostFunctions: readonly HostFunctionSpec[]
  readonly pasid: PasidState | null
  readonly iommuWidth: number
  readonly cpuTranslation: boolean
  readonly split: number | null
  readonly global: PasidRanges
}

/** Every assignment, tried from scratch: the ones that pass (as host function indices per VM function). */
export const oracle = (c: Case, state: MigrationState, h: Host): number[][] => {
  const n = c.types.length
  const bitmap = h.pasid === null ? null : withBitmapPools(h.pasid)
  const passing: number[][] = []
  const pick = (i: number, used: number[]): void => {
    if (i === n) {
      if (state.pasid === null || bitmap === null) {
        if (state.pasid === null) passing.push(used)
        return
      }
      const assignment = new Map(used.map((k, x) => [state.functions[x]!.guestAddress, h.functions[k]!.address]))
      const plan = remapPasids(state.pasid, bitmap, { assignment })
      if (E.isRight(plan) && plan.right.compatible) passing.push(used)
      return
    }
    h.functions.forEach((f, k) => {
      if (f.free && !used.includes(k) && fits(state, i, c.types[i]!, c.hostFunctions[k]!.model)) pick(i + 1, [...used, k])
    })
  }
  pick(0, [])
  return passing
}

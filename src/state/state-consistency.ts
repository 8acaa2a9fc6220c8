/**
 * A migration state checked against itself. A state comes from a source host, which may be
 * hostile or wrong, and every judgement of it trusts its parts to agree: the layout says what
 * the guest was shown, the image is what the guest sees now, the digest names the layout in
 * certificates, the PASID state says which PASID capability the guest was shown. So before any
 * host is judged, for each assigned function:
 *
 * - its layout builds (`STATE_LAYOUT`);
 * - its image is as large as its layout (`STATE_IMAGE_SIZE`): a 256-byte image under a
 *   4096-byte layout would leave the extended capabilities' state unmigrated;
 * - its image's read-only bits (neither guest-writable nor write-1-to-clear under the built
 *   layout's masks) equal the layout's (`STATE_READ_ONLY`), each difference named by the
 *   capability and field the registry's field tables place there;
 * - its recorded semantic digest is the built layout's (`STATE_DIGEST`);
 *
 * and for each function of the PASID state, its layout shows a PASID capability
 * (`STATE_PASID_CAPABILITY`) whose Max PASID Width is the width the state records
 * (`STATE_PASID_WIDTH`) and which supports the execute and privileged modes it records
 * (`STATE_PASID_FEATURES`).
 *
 * Guest addresses must be given and distinct (`STATE_GUEST_ADDRESS`: the PASID state and every
 * certificate name functions by them).
 *
 * Every reason is an error naming the function (guest address and index); `source` is what
 * the state records, `destination` what its layout builds. The one check every adapter uses
 * (`compileMigration` runs it, so `checkMigration`, `filterHosts` and their certificates).
 */
import { type Capability, capabilityLabel } from '../capability/capability.js'
import { type FieldSpec, fieldMask, fieldValue, showValue } from '../capability/field.js'
import { EXTENDED_CAPABILITIES } from '../capability/registry.js'
import { type ConfigSpace, readU8, readU16, readU32 } from '../config-space/config-space.js'
import { hexOf } from '../decode/hex-bytes.js'
import * as E from 'fp-ts/lib/Either.js'
import { build } from '../layout/build.js'
import { renderPath } from '../layout/layout-error.js'
import { scopeAt } from '../proof/function-scope.js'
import { hex, type Reason, wholeReason } from '../proof/reason.js'
import { fieldsByRegister, type PreparedFunction, prepareFunction } from '../semantic/prepared-function.js'
import type { FieldInstance } from '../semantic/semantic-image.js'
import type { AssignedFunction, MigrationState } from './migration-state.js'
import { guestAddressErrors } from './state-parts.js'

export interface StateConsistency {
  /** Each function's layout, built and prepared; null when it does not build. */
  readonly built: ReadonlyArray<PreparedFunction | null>
  /** Every contradiction, each an error; empty when the state agrees with itself. */
  readonly reasons: readonly Reason[]
}

const PASID = EXTENDED_CAPABILITIES.find((e) => e.key === 'pasid')!

const register = (c: ConfigSpace, at: number, width: 1 | 2 | 4): number => (width === 1 ? readU8(c, at) : width === 2 ? readU16(c, at) : readU32(c, at))

/** A field of a capability, read from the built image. */
export interface ShownField {
  readonly spec: FieldSpec
  readonly offset: number
  readonly value: number
}

/** The PASID capability a built layout shows the guest (the first, in chain order), or null. */
export const shownPasidCapability = (built: PreparedFunction): { readonly capability: Capability; readonly field: (key: string) => ShownField | null } | null => {
  const capability = built.walk.capabilities.find((c) => c.space === 'extended' && c.id === PASID.id)
  if (capability === undefined) return null
  const field = (key: string): ShownField | null => {
    const x = built.semantic.fields.find((y) => y.capability?.offset === capability.offset && y.capability.space === capability.space && y.spec.key === key)
    return x === undefined ? null : { spec: x.spec, offset: x.offset, value: fieldValue(x.spec, register(built.config, x.offset, x.spec.width)) }
  }
  return { capability, field }
}

const who = (f: AssignedFunction, i: number): string => `${f.guestAddress} (functions[${i}])`

/** Every read-only difference between the image and the built layout, by field, else by run of bytes. */
const readOnlyReasons = (f: AssignedFunction, i: number, built: PreparedFunction): Reason[] => {
  const size = built.semantic.size
  const packed = built.semantic.packed
  const image = f.configImage.bytes
  const registers = fieldsByRegister(built)
  const fields = new Set<FieldInstance>()
  const runs: Array<{ start: number; end: number; label: string; capability: string | null }> = []
  for (let at = 0; at < size; at++) {
    let diff = (image[at]! ^ packed[at]!) & ~(packed[size + at]! | packed[2 * size + at]!)
    if (diff === 0) continue
    for (let r = at - 3; r <= at; r++) {
      for (const x of registers.get(r) ?? []) {
        if (r + x.spec.width <= at) continue
        const bits = (fieldMask(x.spec) >>> (8 * (at - r))) & 0xff
        if (bits & diff) fields.add(x)
        diff &= ~bits
      }
    }
    if (diff === 0) continue
    const scope = scopeAt(built, at)
    const last = runs[runs.length - 1]
    if (last !== undefined && last.end === at && last.label === scope.label) last.end++
    else runs.push({ start: at, end: at + 1, label: scope.label, capability: scope.capability?.name ?? null })
  }
  const fieldReasons = [...fields].map((x): Reason => {
    const spec: FieldSpec = x.spec
    const recorded = fieldValue(spec, register(f.configImage, x.offset, spec.width))
    const layout = fieldValue(spec, register(built.config, x.offset, spec.width))
    const where = x.capability === null ? 'Header' : capabilityLabel(x.capability)
    return {
      code: 'STATE_READ_ONLY',
      severity: 'error',
      capability: x.capability?.name ?? null,
      field: spec.key,
      offset: x.offset,
      length: spec.width,
      source: recorded,
      destination: layout,
      message: `${who(f, i)}: ${where}, ${spec.name}: the image holds ${showValue(spec, recorded)}, its layout builds ${showValue(spec, layout)} — a read-only value the guest sees must be its layout's`,
    }
  })
  const runReasons = runs.map((run): Reason => {
    const recorded = hexOf(image.subarray(run.start, run.end), ' ')
    const layout = hexOf(built.config.bytes.subarray(run.start, run.end), ' ')
    const range = run.end - run.start === 1 ? hex(run.start) : `${hex(run.start)}–${hex(run.end - 1)}`
    return {
      code: 'STATE_READ_ONLY',
      severity: 'error',
      capability: run.capability,
      field: null,
      offset: run.start,
      length: run.end - run.start,
      source: recorded,
      destination: layout,
      message: `${who(f, i)}: ${run.label}: read-only bytes ${range} of the image are ${recorded}, its layout builds ${layout}`,
    }
  })
  return [...fieldReasons, ...runReasons].sort((a, b) => (a.offset ?? 0) - (b.offset ?? 0))
}

/** What one function's parts say about each other. */
const functionReasons = (f: AssignedFunction, i: number, built: PreparedFunction | null, layoutErrors: string | null): Reason[] => {
  if (built === null) return [wholeReason('STATE_LAYOUT', `${who(f, i)}: its layout does not build: ${layoutErrors}`, { source: f.layout.name })]
  const reasons: Reason[] = []
  if (f.configImage.size !== built.config.size) {
    reasons.push(
      wholeReason('STATE_IMAGE_SIZE', `${who(f, i)}: the image is ${f.configImage.size} bytes but its layout ${built.config.size}; the state of everything past ${hex(f.configImage.size - 1)} is missing`, {
        field: 'configImage',
        source: f.configImage.size,
        destination: built.config.size,
      }),
    )
  } else {
    reasons.push(...readOnlyReasons(f, i, built))
  }
  const recorded = hexOf(f.semanticDigest)
  if (recorded !== built.digest) {
    reasons.push(
      wholeReason('STATE_DIGEST', `${who(f, i)}: the state records semantic digest ${recorded.slice(0, 16) || '(none)'}…, but its layout (${f.layout.name}) builds ${built.digest.slice(0, 16)}…`, {
        field: 'semanticDigest',
        source: recorded,
        destination: built.digest,
      }),
    )
  }
  return reasons
}

/** The PASID state's claims about each function against the PASID capability its layout shows. */
const pasidReasons = (state: MigrationState, built: ReadonlyArray<PreparedFunction | null>): Reason[] => {
  if (state.pasid === null) return []
  const index = new Map(state.functions.map((f, i) => [f.guestAddress, i]))
  const reasons: Reason[] = []
  state.pasid.functions.forEach((p, j) => {
    const i = index.get(p.id)
    const path = renderPath(['pasid', 'functions', j])
    if (i === undefined) {
      reasons.push(wholeReason('STATE_PASID_CAPABILITY', `${path}: "${p.id}" is not the guest address of an assigned function`, { source: p.id }))
      return
    }
    const fn = built[i]
    if (fn === null || fn === undefined) return // STATE_LAYOUT says why
    const f = state.functions[i]!
    const shown = shownPasidCapability(fn)
    if (shown === null) {
      reasons.push(
        wholeReason('STATE_PASID_CAPABILITY', `${who(f, i)}: the PASID state (${path}) gives it a ${p.capability.width}-bit PASID capability, but its layout (${f.layout.name}) shows the guest none`, {
          capability: PASID.name,
          source: p.capability.width,
          destination: null,
        }),
      )
      return
    }
    const cap = shown.capability
    const fieldOf = shown.field
    const claim = (code: Reason['code'], key: string, recorded: number | boolean, holds: (layout: number) => boolean, what: string): void => {
      const x = fieldOf(key)
      if (x !== null && holds(x.value)) return
      reasons.push({
        code,
        severity: 'error',
        capability: cap.name,
        field: key,
        offset: x?.offset ?? cap.offset,
        length: x?.spec.width ?? null,
        source: recorded,
        destination: x?.value ?? null,
        message: `${who(f, i)}: the PASID state (${path}) records ${what}, but its layout's ${capabilityLabel(cap)} has ${x === null ? `no ${key} field` : `${x.spec.name} ${showValue(x.spec, x.value)}`}`,
      })
    }
    claim('STATE_PASID_WIDTH', 'maxPasidWidth', p.capability.width, (w) => w === p.capability.width, `a ${p.capability.width}-bit PASID width`)
    if (p.capability.execute) claim('STATE_PASID_FEATURES', 'executePermission', true, (v) => v === 1, 'execute permission')
    if (p.capability.privileged) claim('STATE_PASID_FEATURES', 'privilegedMode', true, (v) => v === 1, 'privileged mode')
  })
  return reasons
}

/** Checks `state` against itself; the built layouts come back for the caller to judge with. */
export const stateConsistency = (state: MigrationState): StateConsistency => {
  // The decoders refuse these; a state made in memory is held to the same rule.
  const reasons: Reason[] = guestAddressErrors(state.functions.map((f) => f.guestAddress)).map((e) =>
    wholeReason('STATE_GUEST_ADDRESS', `${renderPath(e.path)}: ${e.message}`, { field: 'guestAddress', source: state.functions[e.path[1] as number]!.guestAddress }),
  )
  const built = state.functions.map((f, i) => {
    const b = build(f.layout)
    if (E.isLeft(b)) {
      reasons.push(...functionReasons(f, i, null, b.left.map((e) => (e.path.length === 0 ? e.message : `${renderPath(e.path)}: ${e.message}`)).join('; ')))
      return null
    }
    const prepared = prepareFunction(b.right)
    reasons.push(...functionReasons(f, i, prepared, null))
    return prepared
  })
  reasons.push(...pasidReasons(state, built))
  return { built, reasons }
}

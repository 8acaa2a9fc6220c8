/**
 * `createMigrationState`: a VM's migration state from what a VMM or inventory agent holds — each
 * assigned function's layout and the config image its guest sees now (without one, the
 * layout's built image: the function at reset) — with every digest computed, the PASID state
 * attached, and every check a reader of the state would run, run before it is handed out:
 *
 * - the decoders' checks, by encoding the state and decoding it back (`decodeMigrationState`:
 *   layouts as layout files are checked, image sizes, guest addresses given and distinct, the
 *   PASID state valid and naming assigned functions);
 * - the state's consistency with itself (`stateConsistency`: layouts build, images as large as
 *   their layouts with their read-only bits, digests, the PASID capability each layout shows).
 *
 * So a state this returns is one every host judges on its content, never refuses as
 * contradicting itself; anything else comes back as errors naming the function and the field.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { ConfigSpace } from '../config-space/config-space.js'
import { bytesOfHex } from '../decode/hex-bytes.js'
import { build } from '../layout/build.js'
import type { FunctionLayout } from '../layout/function-layout.js'
import { renderPath } from '../layout/layout-error.js'
import type { PasidState } from '../pasid/pasid-state.js'
import type { ReasonCode } from '../proof/reason.js'
import { prepareFunction } from '../semantic/prepared-function.js'
import { type AssignedFunction, type MigrationState, SCHEMA_VERSION } from './migration-state.js'
import { decodeMigrationState, encodeMigrationState } from './state-codec.js'
import { stateConsistency } from './state-consistency.js'

export interface StateFunctionInput {
  readonly guestAddress: string
  readonly layout: FunctionLayout
  /** The config image the guest sees now; absent: the layout's built image. */
  readonly image?: ConfigSpace
}

export interface CreateStateInput {
  readonly vmName: string
  readonly functions: readonly StateFunctionInput[]
  readonly pasid?: PasidState | null
}

export interface CreateStateError {
  /** Where in the state: `functions[0].configImage`; empty for the whole. */
  readonly path: ReadonlyArray<string | number>
  /** The consistency check's reason code, when it was one. */
  readonly code: ReasonCode | null
  readonly message: string
}

export interface CreatedState {
  readonly state: MigrationState
  /** The protobuf bytes: what was decoded back and checked. */
  readonly bytes: Uint8Array
}

/** A checked migration state and its bytes, or every reason it cannot be one. */
export const createMigrationState = (input: CreateStateInput): E.Either<readonly CreateStateError[], CreatedState> => {
  const errors: CreateStateError[] = []
  const functions: AssignedFunction[] = []
  input.functions.forEach((f, i) => {
    const built = build(f.layout)
    if (E.isLeft(built)) {
      for (const e of built.left) errors.push({ path: ['functions', i, 'layout', ...e.path], code: null, message: e.message })
      return
    }
    const image = f.image ?? built.right.config
    if (image.size === 64) {
      errors.push({ path: ['functions', i, 'configImage'], code: null, message: 'a 64-byte image (an unprivileged read of sysfs config) holds no capability state; read it as root' })
      return
    }
    functions.push({ guestAddress: f.guestAddress, persona: f.layout.persona, layout: f.layout, configImage: image, semanticDigest: bytesOfHex(prepareFunction(built.right).digest)! })
  })
  if (errors.length > 0) return E.left(errors)
  const state: MigrationState = { schemaVersion: SCHEMA_VERSION, vmName: input.vmName, functions, pasid: input.pasid ?? null }
  const bytes = encodeMigrationState(state)
  const decoded = decodeMigrationState(bytes)
  if (E.isLeft(decoded)) return E.left(decoded.left.map((e) => ({ path: e.path, code: null, message: e.message })))
  const reasons = stateConsistency(decoded.right).reasons
  if (reasons.length > 0) return E.left(reasons.map((r) => ({ path: [], code: r.code, message: r.message })))
  return E.right({ state: decoded.right, bytes })
}

/** `functions[0].configImage: message`, or `STATE_DIGEST: message`. */
export const renderCreateStateError = (e: CreateStateError): string => {
  const path = renderPath(e.path)
  return `${e.code === null ? '' : `${e.code}: `}${path === '' ? '' : `${path}: `}${e.message}`
}

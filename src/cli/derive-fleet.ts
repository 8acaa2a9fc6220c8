/**
 * `vpci derive A B C ...`: the common layout of several physical functions (deriveCommon), its
 * notes written into the file as comments and listed on standard error, and the quirk warnings
 * of each function. Also the warnings of a single derivation, and `--identity` parsing.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { QuirkWarning } from '../device/quirk-warnings.js'
import { oneLine } from '../decode/one-line.js'
import { encodeCommonLayout } from '../layout/common-layout-file.js'
import { type DeriveCommonOptions, deriveCommon } from '../layout/derive-common.js'
import type { Identity } from '../layout/function-layout.js'
import { limitReasons, omittedLine, REASON_LIMIT } from '../proof/reason-limit.js'
import { prepareFunction } from '../semantic/prepared-function.js'
import { failAll, type Failure, fail, failLayout } from './exit.js'
import type { CliIo } from './io.js'
import { loadFunction } from './load-function.js'

const IDENTITY_KEYS: ReadonlyArray<keyof Identity> = ['vendorId', 'deviceId', 'revisionId', 'classCode', 'subsystemVendorId', 'subsystemId']
const WIDTH: Readonly<Record<keyof Identity, number>> = { vendorId: 0xffff, deviceId: 0xffff, revisionId: 0xff, classCode: 0xffffff, subsystemVendorId: 0xffff, subsystemId: 0xffff }

/** `revisionId=0x01,subsystemId=0x0a01` as identity fields, or why not. */
export const parseIdentity = (text: string): E.Either<string, Partial<Identity>> => {
  const out: Partial<Record<keyof Identity, number>> = {}
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z]+)\s*=\s*(0x[0-9a-fA-F]+|[0-9]+)\s*$/.exec(part)
    const key = m?.[1] as keyof Identity | undefined
    if (m === null || key === undefined || !IDENTITY_KEYS.includes(key)) return E.left(`derive: --identity takes FIELD=VALUE,... with FIELD one of ${IDENTITY_KEYS.join(', ')}, not "${oneLine(part, 60)}"`)
    const value = Number(m[2])
    if (value > WIDTH[key]) return E.left(`derive: --identity ${key}=${m[2]} does not fit the register (at most 0x${WIDTH[key].toString(16)})`)
    out[key] = value
  }
  return E.right(out)
}

/** Warnings on standard error, the first `REASON_LIMIT` unless `all`, each `vpci: warning: WHO: message`. */
export const printWarnings = (io: CliIo, warnings: ReadonlyArray<{ readonly who: string; readonly warning: QuirkWarning }>, all: boolean): void => {
  const { shown, omitted } = limitReasons(warnings, all ? null : REASON_LIMIT)
  const more = omittedLine(omitted, 'warning')
  io.err(shown.map((w) => `vpci: warning: ${oneLine(`${w.who}: ${w.warning.message}`)}\n`).join('') + (more === null ? '' : `vpci: ${more} (--all lists them)\n`))
}

export interface FleetOptions extends Omit<DeriveCommonOptions, 'name' | 'persona'> {
  readonly device: string | undefined
  readonly all: boolean
}

/** The common layout's file text for `paths`, with the notes and warnings printed; or every error. */
export const deriveFleetText = async (io: CliIo, paths: readonly string[], options: FleetOptions): Promise<E.Either<Failure, string>> => {
  const loaded = await Promise.all(paths.map((p) => loadFunction(io, p, options.device)))
  const failures = loaded.flatMap((l) => (E.isLeft(l) ? [l.left] : []))
  if (failures.length > 0) return E.left(failAll(failures))
  const prepared = loaded.map((l) => prepareFunction((l as E.Right<Parameters<typeof prepareFunction>[0]>).right))
  // Functions are named by device address; two dumps of the same address are told apart by their files.
  const names = prepared.map((p) => p.name)
  const fleet = prepared.map((physical, k) => ({ physical: names.indexOf(physical.name) === names.lastIndexOf(physical.name) ? physical : { ...physical, name: paths[k]! } }))
  const { device: _device, all, ...common } = options
  const result = deriveCommon(fleet, common)
  if (E.isLeft(result)) return E.left(result.left.length === 0 ? fail('derive: no common layout') : failLayout(result.left))
  const notes = limitReasons(result.right.notes, all ? null : REASON_LIMIT)
  const more = omittedLine(notes.omitted, 'note')
  io.err(notes.shown.map((n) => `vpci: note: ${oneLine(n.message)}\n`).join('') + (more === null ? '' : `vpci: ${more} (all are in the file)\n`))
  printWarnings(io, result.right.warnings.map((w) => ({ who: w.function, warning: w.warning })), all)
  return E.right(encodeCommonLayout(result.right, fleet.map((f) => f.physical.name)))
}

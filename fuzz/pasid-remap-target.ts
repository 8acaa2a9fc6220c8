/**
 * Fuzz target `pasid-remap`: a PASID state, a destination's PASID section and an assignment (one
 * JSON document), through the decoders and on to `remapPasids` and the feasibility check, as
 * `vpci remap --assign` takes them. Inputs are hostile scenarios (states of every mode, some
 * malformed; hosts with occupied pools and repeated function ids; assignments one-to-one,
 * many-to-one or partial) and structured mutations of them. A failure is any plan that gives a
 * PASID twice on one function, a global twice, one already allocated, 0 or one out of range
 * (`planViolations`), or feasibility and planner disagreeing — besides exceptions.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { withBitmapPools } from '../src/pasid/host-pasid.js'
import { compilePasids, pasidFeasibility, pasidsFeasible } from '../src/pasid/pasid-feasibility.js'
import { encodePasidState, hostPasidFromData, pasidStateFromData } from '../src/pasid/pasid-files.js'
import { remapPasids } from '../src/pasid/remap.js'
import { hostPasidData, pasidScenario, planViolations } from '../test/pasid/pasid-scenario.js'
import type { Target } from './targets.js'

interface Input {
  state?: unknown
  host?: unknown
  assign?: unknown
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

/** A scenario as the target reads it. */
const generate = (seed: number): Uint8Array => {
  const [s] = fc.sample(pasidScenario(), { seed, numRuns: 1 })
  return utf8(JSON.stringify({ state: JSON.parse(encodePasidState(s!.state)), host: hostPasidData(s!.host), assign: [...s!.assignment] }))
}

const pick = <T,>(r: () => number, xs: readonly T[]): T | undefined => xs[Math.floor(r() * xs.length)]
const records = (x: unknown): Array<Record<string, unknown>> => (Array.isArray(x) ? x.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null) : [])

/** One change an attacker would try: repeat an id, share a destination, list a function twice, nudge a number. */
const mutate = (r: () => number, bytes: Uint8Array): Uint8Array => {
  let input: Input
  try {
    input = JSON.parse(new TextDecoder().decode(bytes)) as Input
  } catch {
    return bytes
  }
  const state = (input.state ?? {}) as Record<string, unknown>
  const host = (input.host ?? {}) as Record<string, unknown>
  const hostFns = records(host.functions)
  const stateFns = records(state.functions)
  const assign = Array.isArray(input.assign) ? (input.assign as unknown[][]) : []
  const op = Math.floor(r() * 7)
  if (op === 0 && hostFns.length > 1) pick(r, hostFns)!.id = pick(r, hostFns)!.id
  else if (op === 1 && assign.length > 1) pick(r, assign)![1] = pick(r, assign)![1]
  else if (op === 2 && stateFns.length > 1) pick(r, stateFns)!.id = pick(r, stateFns)!.id
  else if (op === 3) {
    const l = pick(r, records(state.locals))
    if (l !== undefined && Array.isArray(l.functions) && l.functions.length > 0) l.functions.push(pick(r, l.functions))
  } else if (op === 4) {
    const b = pick(r, records(state.bindings))
    if (b !== undefined) records(state.bindings).push({ ...b, function: pick(r, stateFns)?.id ?? b.function })
  } else if (op === 5 && hostFns.length > 0) {
    // A destination function taken out: its guests fall back to their own ids.
    hostFns.splice(Math.floor(r() * hostFns.length), 1)
    host.functions = hostFns
  } else {
    const target = pick(r, [...hostFns, host, ...records(state.bindings), ...records(state.locals), state])!
    const key = pick(r, Object.keys(target).filter((k) => typeof target[k] === 'number'))
    if (key !== undefined) target[key] = Math.max(0, (target[key] as number) + pick(r, [-1, 1, 7, -64, 1 << 10])!)
  }
  return utf8(JSON.stringify(input))
}

const run = (bytes: Uint8Array): void => {
  let input: Input
  try {
    input = JSON.parse(new TextDecoder().decode(bytes)) as Input
  } catch {
    return
  }
  const state = pasidStateFromData(input.state)
  const host = hostPasidFromData(input.host)
  if (E.isLeft(state) || E.isLeft(host) || !Array.isArray(input.assign)) return
  const pairs = input.assign.filter((p): p is [string, string] => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string')
  const assignment = new Map(pairs)
  const bitmap = withBitmapPools(host.right)
  const planned = remapPasids(state.right, bitmap, { assignment })
  if (E.isLeft(planned)) throw new Error(`a decoded state was refused as malformed: ${planned.left[0]?.message}`)
  const compiled = compilePasids(state.right)
  if (E.isLeft(compiled)) throw new Error('a decoded state did not compile')
  const assigned = state.right.functions.map((f) => host.right.functions.find((h) => h.id === (assignment.get(f.id) ?? f.id)))
  const feasible = pasidsFeasible(compiled.right, host.right, assigned)
  const reasons = pasidFeasibility(compiled.right, host.right, assigned)
  if (feasible !== planned.right.compatible || (reasons.length === 0) !== planned.right.compatible) {
    throw new Error(`feasibility (${feasible}, ${reasons.map((x) => x.code).join(',')}) and the planner (${planned.right.compatible}) disagree`)
  }
  if (planned.right.plan === null) return
  const broken = planViolations(state.right, bitmap, assignment, planned.right.plan)
  if (broken.length > 0) throw new Error(`the plan breaks the rules: ${broken.slice(0, 3).join('; ')}`)
}

export const pasidRemapTarget: Target = {
  name: 'pasid-remap',
  seeds: () => Array.from({ length: 64 }, (_, k) => generate(1000 + k)),
  generate,
  mutate,
  run,
}

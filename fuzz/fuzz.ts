/**
 * The fuzzer: inputs for each target from its seeds and the exported arbitraries (as they are,
 * or mutated), each
 * run under watch. A failure is an exception, an input taking more than `maxMs`, or resident
 * memory growing by more than a bound derived from the input's size. Failures are written to
 * `corpus/fuzz/<target>/<hash>.bin` as reproducers (test/fuzz/reproducers.test.ts replays them).
 */
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { mutate, type Random, seeded } from './mutate.js'
import { CORPUS, type Target, TARGETS } from './targets.js'

export interface FuzzOptions {
  readonly runs: number
  readonly seed?: number
  /** Only this target (by name). */
  readonly target?: string
  /** Default 1,000 ms. */
  readonly maxMs?: number
  /** Write reproducers to corpus/fuzz (default true). */
  readonly save?: boolean
  readonly onProgress?: (done: number, failures: number) => void
}

export interface FuzzFailure {
  readonly target: string
  readonly kind: 'exception' | 'slow' | 'memory'
  readonly message: string
  readonly input: Uint8Array
  readonly file: string | null
}

export interface FuzzSummary {
  readonly runs: number
  readonly perTarget: Readonly<Record<string, number>>
  readonly failures: readonly FuzzFailure[]
  readonly ms: number
}

/** Resident memory may grow by this much for one input, plus 64× the input. */
const MEMORY_SLACK = 256 * 1024 * 1024

const save = (target: string, input: Uint8Array): string => {
  const dir = join(CORPUS, 'fuzz', target)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${createHash('sha256').update(input).digest('hex').slice(0, 16)}.bin`)
  writeFileSync(file, input)
  return file
}

/** One run of one input: what went wrong, or null; and how long it took. */
const attempt = async (target: Target, input: Uint8Array, maxMs: number): Promise<{ failure: Omit<FuzzFailure, 'file'> | null; ms: number }> => {
  const rss = process.memoryUsage.rss()
  const start = performance.now()
  try {
    await target.run(input)
  } catch (e) {
    return { failure: { target: target.name, kind: 'exception', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e), input }, ms: performance.now() - start }
  }
  const ms = performance.now() - start
  if (ms > maxMs) return { failure: { target: target.name, kind: 'slow', message: `${ms.toFixed(0)} ms (limit ${maxMs})`, input }, ms }
  const grown = process.memoryUsage.rss() - rss
  const size = target.scale?.(input) ?? input.length
  if (grown > MEMORY_SLACK + 64 * size) return { failure: { target: target.name, kind: 'memory', message: `resident memory grew ${Math.round(grown / 2 ** 20)} MiB for a ${size}-byte input`, input }, ms }
  return { failure: null, ms }
}

/**
 * One input through one target, watched. Null when it passed. An input over the time limit is
 * run again and counts as slow only if it is slow both times: a garbage collection or a busy
 * machine can stall one run, while a pathological input is slow every time.
 */
export const runOne = async (target: Target, input: Uint8Array, maxMs?: number): Promise<Omit<FuzzFailure, 'file'> | null> => {
  // A target that starts processes gets its own, longer limit.
  const limit = Math.max(maxMs ?? 1000, target.maxMs ?? 0)
  const first = await attempt(target, input, limit)
  if (first.failure?.kind !== 'slow') return first.failure
  const again = await attempt(target, input, limit)
  if (again.failure?.kind !== 'slow') return again.failure
  return { ...first.failure, message: `${first.ms.toFixed(0)} ms, then ${again.ms.toFixed(0)} ms (limit ${limit})` }
}

/** The next input for `target`: a seed as it is, a generated value (fresh or mutated), or a mutated seed. */
const inputFor = (r: Random, target: Target, seeds: readonly Uint8Array[]): Uint8Array => {
  const pick = () => seeds[Math.floor(r() * seeds.length)]!
  const roll = r()
  // One in ten as they are; where the target has arbitraries, one in ten generated and one in ten generated then mutated.
  if (roll < 0.1) return pick()
  if (target.generate !== undefined && roll < 0.3) {
    const fresh = target.generate(Math.floor(r() * 2 ** 31))
    return roll < 0.2 ? fresh : mutate(r, fresh, pick())
  }
  const mutated = mutate(r, pick(), pick())
  return target.mutate !== undefined && r() < 0.5 ? target.mutate(r, pick()) : mutated
}

export const fuzz = async (options: FuzzOptions): Promise<FuzzSummary> => {
  const targets = TARGETS.filter((t) => options.target === undefined || t.name === options.target)
  if (targets.length === 0) throw new Error(`no target "${options.target}"; targets: ${TARGETS.map((t) => t.name).join(', ')}`)
  const seeds = new Map(targets.map((t) => [t, t.seeds()]))
  const r = seeded(options.seed ?? 1)
  const perTarget: Record<string, number> = {}
  const failures: FuzzFailure[] = []
  const start = performance.now()
  for (let i = 0; i < options.runs; i++) {
    const target = targets[i % targets.length]!
    const input = inputFor(r, target, seeds.get(target)!)
    perTarget[target.name] = (perTarget[target.name] ?? 0) + 1
    const failed = await runOne(target, input, options.maxMs)
    if (failed !== null) failures.push({ ...failed, file: options.save === false ? null : save(target.name, input) })
    if ((i + 1) % 1000 === 0) options.onProgress?.(i + 1, failures.length)
  }
  return { runs: options.runs, perTarget, failures, ms: performance.now() - start }
}

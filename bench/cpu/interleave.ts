/**
 * Interleaved CPU-time measurement for a shared, noisy machine: each round runs every row once,
 * in turn, and times it with `process.cpuUsage` (user + system CPU of this process, so time
 * spent descheduled by other jobs does not count). A row's figure is its median over the rounds
 * (and its minimum); ratios are taken to a baseline row of the same rounds. Garbage collection
 * caused by a row is charged to whichever row is running when it happens (helper threads' CPU
 * included), so rows run in blocks of `times` calls: long enough that most of a row's garbage
 * is collected within its own block.
 */

export interface Row {
  readonly name: string
  /** One call of the measured work; `times` calls are timed together and divided. */
  readonly run: () => unknown
  readonly times?: number
}

export interface RowFigure {
  readonly name: string
  /** Per call, in milliseconds of CPU time. */
  readonly median: number
  readonly min: number
  readonly mean: number
}

let sink = 0
const consume = (x: unknown): void => {
  if (typeof x === 'number') sink += x
  else if (x !== undefined && x !== null) sink++
}

const cpuMs = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** Every row measured `rounds` times, interleaved; `warmup` untimed rounds first. */
export const interleave = (rows: readonly Row[], rounds: number, warmup = 1): RowFigure[] => {
  const samples: number[][] = rows.map(() => [])
  for (let r = 0; r < warmup + rounds; r++) {
    rows.forEach((row, i) => {
      const times = row.times ?? 1
      const t = cpuMs()
      for (let k = 0; k < times; k++) consume(row.run())
      const dt = (cpuMs() - t) / times
      if (r >= warmup) samples[i]!.push(dt)
    })
  }
  return rows.map((row, i) => {
    const s = [...samples[i]!].sort((a, b) => a - b)
    return { name: row.name, median: s[s.length >> 1]!, min: s[0]!, mean: s.reduce((a, b) => a + b, 0) / s.length }
  })
}

/** A figure in the unit that reads best (ms, µs or ns). */
export const show = (ms: number): string => (ms >= 1 ? `${ms.toFixed(ms >= 100 ? 0 : 1)} ms` : ms >= 0.001 ? `${(ms * 1000).toFixed(ms >= 0.1 ? 0 : 1)} µs` : `${(ms * 1e6).toFixed(0)} ns`)

/** Prints the figures as a markdown table with ratios (median and min) to `baseline` (a row index). */
export const table = (title: string, figures: readonly RowFigure[], baseline = 0): void => {
  const b = figures[baseline]!
  console.log(`\n${title}\n\n| row | median | min | mean | ratio (median) | ratio (min) |\n|---|---|---|---|---|---|`)
  for (const f of figures) console.log(`| ${f.name} | ${show(f.median)} | ${show(f.min)} | ${show(f.mean)} | ${(f.median / b.median).toFixed(2)}× | ${(f.min / b.min).toFixed(2)}× |`)
}

/** Collects garbage when the process runs with --expose-gc, so a table starts from a settled heap. */
export const settle = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc !== undefined) {
    gc()
    gc()
  }
}

/** MiB, rounded. */
export const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MiB`

/** The heap and array buffers in use after collecting (with --expose-gc; else as they are). */
export const retained = (): number => {
  settle()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

export { sink }

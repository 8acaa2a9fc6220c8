/**
 * `npm run fuzz -- --runs N [--seed S] [--target NAME]`: fuzz every entry point (or one) and
 * print what failed; reproducers land in corpus/fuzz/. Exit 1 when anything failed.
 */
import { parseArgs } from 'node:util'
import { fuzz } from './fuzz.js'
import { TARGETS } from './targets.js'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' }, target: { type: 'string' } } })
const runs = Number(values.runs)
const seed = Number(values.seed)
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
  process.stderr.write('fuzz: --runs and --seed take integers\n')
  process.exit(2)
}
if (values.target !== undefined && !TARGETS.some((t) => t.name === values.target)) {
  process.stderr.write(`fuzz: no target "${values.target}"; targets: ${TARGETS.map((t) => t.name).join(', ')}\n`)
  process.exit(2)
}
const started = performance.now()
const summary = await fuzz({
  runs,
  seed,
  ...(values.target === undefined ? {} : { target: values.target }),
  onProgress: (done, failures) => {
    if (done % 10000 !== 0) return
    const s = (performance.now() - started) / 1000
    process.stderr.write(`${done}/${runs} inputs, ${failures} failures, ${s.toFixed(0)} s (${(done / s).toFixed(0)} a second, about ${((runs - done) / (done / s) / 60).toFixed(0)} min to go)\n`)
  },
})
process.stdout.write(`${summary.runs} inputs in ${(summary.ms / 1000).toFixed(1)} s, seed ${seed}\n`)
for (const [name, n] of Object.entries(summary.perTarget)) process.stdout.write(`  ${name}: ${n}\n`)
process.stdout.write(`${summary.failures.length} failures\n`)
for (const f of summary.failures.slice(0, 50)) process.stdout.write(`  ${f.target} ${f.kind}: ${f.message} (${f.file})\n`)
process.exit(summary.failures.length > 0 ? 1 : 0)

/**
 * `vpci serve --http` as a process, through the built executable: it loads the inventory folder
 * and the states folder, answers kube-scheduler's /filter for a pod naming a registered state
 * (host-embedded takes vm-17-n2: corpus/README.md), reports ready, answers gRPC health checks through
 * reflection (the bundled executable, not only the sources), and exits 0 on SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { STATE_NAME_ANNOTATION } from '../../src/extender/pod-state.js'
import { kubePod, namesArgs, post } from '../extender/kube-shapes.js'
import { corpusPath } from '../support/repo-corpus.js'
import { vpci } from '../support/cli.js'
import { bufCurl } from '../support/grpc.js'

const built = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))

/** Everything the child writes on stderr, and the first line matching a pattern when it comes. */
const stderrOf = (child: ChildProcess) => {
  let text = ''
  const waiting: Array<() => void> = []
  child.stderr!.on('data', (d: Buffer) => {
    text += d.toString()
    for (const w of waiting.splice(0)) w()
  })
  child.once('exit', () => {
    for (const w of waiting.splice(0)) w()
  })
  const lineOf = (re: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const look = (): void => {
        const line = text.split('\n').find((l) => re.test(l))
        if (line !== undefined) resolve(line)
        else if (child.exitCode !== null) reject(new Error(`exited ${child.exitCode}: ${text}`))
        else waiting.push(look)
      }
      look()
    })
  return { lineOf }
}

describe('vpci serve --http', () => {
  it('bad usage exits 2 with one line', async () => {
    expect(await vpci('serve')).toMatchObject({ code: 2, stderr: 'vpci: serve takes --grpc ADDR, --http ADDR or both; see "vpci serve --help"\n' })
    expect((await vpci('serve', '--http', 'nowhere')).stderr).toMatch(/^vpci: serve: --http: "nowhere" is not a listen address/)
    expect((await vpci('serve', '--http', ':70000')).code).toBe(2)
  })

  it.skipIf(!existsSync(built))('serves the extender beside gRPC over the inventory and states folders, then drains and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpci-serve-'))
    mkdirSync(join(dir, 'hosts'))
    mkdirSync(join(dir, 'states'))
    copyFileSync(corpusPath('hosts/host-embedded.yaml'), join(dir, 'hosts', 'host-embedded.yaml'))
    copyFileSync(corpusPath('state/vm-17-n2-schema-v1.pb'), join(dir, 'states', 'vm-17.pb'))
    const child = spawn(process.execPath, [built, 'serve', '--grpc', '127.0.0.1:0', '--http', '127.0.0.1:0', '--inventory', join(dir, 'hosts'), '--states', join(dir, 'states')], { stdio: ['ignore', 'pipe', 'pipe'] })
    const stderr = stderrOf(child)
    try {
      // One process, one inventory: the gRPC service and the extender side by side.
      const { lineOf } = stderr
      const grpc = JSON.parse(await lineOf(/"listening","grpc"/)) as { port: number }
      expect(grpc.port).toBeGreaterThan(0)
      // The executable is a bundle: the health and reflection services still find their own .proto files.
      const health = await bufCurl(`127.0.0.1:${grpc.port}`, '/grpc.health.v1.Health/Check', { service: '' }, 'reflection')
      expect(health.stderr).toBe('')
      expect(JSON.parse(health.stdout)).toEqual({ status: 'SERVING' })
      const listening = JSON.parse(await lineOf(/"listening","http"/)) as { http: string }
      const base = `http://${listening.http}`
      for (let i = 0; i < 100 && (await fetch(`${base}/readyz`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 50))
      expect((await fetch(`${base}/readyz`)).status).toBe(200)
      const r = await post(base, '/filter', namesArgs(kubePod({ [STATE_NAME_ANNOTATION]: 'vm-17' }), ['host-embedded', 'elsewhere']))
      expect(r.status).toBe(200)
      expect(r.json).toMatchObject({ NodeNames: ['host-embedded'], FailedNodes: {}, Error: '' })
      expect(Object.keys((r.json as { FailedAndUnresolvableNodes: object }).FailedAndUnresolvableNodes)).toEqual(['elsewhere'])
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
  })
})

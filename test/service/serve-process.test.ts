/**
 * `vpci serve` as a process (the built executable): it listens on a free port of 127.0.0.1,
 * logs JSON lines on stderr, and on SIGTERM drains: a long call already in flight (a state of
 * 10^6 PASID bindings filtered against the inventory) is answered in full, then the process
 * exits 0.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as grpc from '@grpc/grpc-js'
import { describe, expect, it } from 'vitest'
import { stateBytes } from '../../bench/cpu/scenarios.js'
import { vpci as pb } from '../../src/state/generated/migration.js'
import { callRaw, rawClient } from '../support/grpc.js'
import { inventoryFolder } from '../support/inventory-folder.js'

const built = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))
const m = pb.migration.v1

/** Lines of the child's stderr as they come, and a wait for the first matching one. */
const lineReader = (child: ChildProcess) => {
  const lines: string[] = []
  const waiting: Array<{ test: (l: string) => boolean; resolve: (l: string) => void }> = []
  let rest = ''
  child.stderr!.on('data', (chunk: Buffer) => {
    rest += chunk.toString('utf8')
    const parts = rest.split('\n')
    rest = parts.pop()!
    for (const l of parts) {
      lines.push(l)
      for (const w of waiting.splice(0)) (w.test(l) ? w.resolve(l) : waiting.push(w))
    }
  })
  return {
    lines,
    next: (test: (l: string) => boolean): Promise<string> => {
      const seen = lines.find(test)
      return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve) => waiting.push({ test, resolve }))
    },
  }
}

const varint = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...varint(Math.floor(n / 128))])

describe.skipIf(!existsSync(built))('vpci serve --grpc', () => {
  it('drains on SIGTERM: the call in flight is answered, then exit 0', async () => {
    const child = spawn(process.execPath, [built, 'serve', '--grpc', '127.0.0.1:0', '--inventory', inventoryFolder()], { stdio: ['ignore', 'ignore', 'pipe'] })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const log = lineReader(child)
    try {
      const ready = JSON.parse(await log.next((l) => l.includes('"kind":"ready"')))
      expect(ready.hosts).toBe(4)
      const port = JSON.parse(await log.next((l) => l.includes('"kind":"listening"'))).port as number
      const client = rawClient(`127.0.0.1:${port}`)
      // A first call, so the connection is up before the long one.
      expect((await callRaw(client, 'DeleteState', m.DeleteStateRequest.encode({ name: 'none' }).finish())).code).toBe(grpc.status.NOT_FOUND)
      const state = stateBytes(64, 1_000_000)
      const request = Buffer.concat([Buffer.from([0x0a, ...varint(state.length)]), Buffer.from(state), Buffer.from([0x38, 0x01]) /* names_only */])
      const long = callRaw(client, 'FilterHosts', request)
      await new Promise((r) => setTimeout(r, 300))
      child.kill('SIGTERM')
      const answer = await long
      expect(answer.code).toBe(grpc.status.OK)
      const result = m.FilterHostsResponse.decode(answer.response!)
      expect(result.vmName).toBe('bench')
      expect(result.acceptedNames.length + result.rejectedNames.length).toBe(4)
      expect(await exited).toBe(0)
      client.close()
      const kinds = log.lines.map((l) => JSON.parse(l)).map((l) => l.kind ?? l.status)
      // The signal is handled between the call's phases: draining starts with the call in flight.
      const drained = log.lines.map((l) => JSON.parse(l)).find((l) => l.kind === 'draining')
      expect(drained.inFlight).toBe(1)
      expect(kinds.slice(kinds.indexOf('draining'))).toEqual(['draining', 'OK', 'stopped'])
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }, 60_000)
})

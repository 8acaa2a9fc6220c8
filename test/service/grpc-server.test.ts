/**
 * The gRPC server, really started on 127.0.0.1 at a free port over an inventory folder of the
 * corpus hosts, and called by clients the project did not write: `buf curl` with `--schema
 * proto/` (a corpus VM checked against corpus hosts gives `vpci check`'s verdict, reasons and
 * certificate, digest for digest), `buf curl` through server reflection (health and the
 * service), and grpc-js sending bytes as they are (bad requests get the status and the CLI's
 * words; the server stays up).
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as grpc from '@grpc/grpc-js'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bytesField, protoFields } from '../../src/decode/proto-fields.js'
import { readDump } from '../../src/dump/read-dump.js'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { encodePasidState } from '../../src/pasid/pasid-files.js'
import { vpci as pb } from '../../src/state/generated/migration.js'
import { layoutWire } from '../../src/state/layout-wire.js'
import { decodeMigrationState } from '../../src/state/state-codec.js'
import { vpci } from '../support/cli.js'
import { bufCurl, bufRun, callRaw, type Running, rawClient, startServer } from '../support/grpc.js'
import { inventoryFolder } from '../support/inventory-folder.js'
import { corpusPath, readCorpusBytes, readCorpusText } from '../support/repo-corpus.js'

const m = pb.migration.v1
const SERVICE = '/vpci.migration.v1.MigrationService'
const STATE = corpusPath('state/vm-17-n2-schema-v1.pb')
const stateBytes = readCorpusBytes('state/vm-17-n2-schema-v1.pb')
const host = (name: string) => corpusPath(`hosts/${name}.yaml`)

let running: Running
let client: grpc.Client
/** vm-17-n2 in ProtoJSON, as buf (not vpci) converts it. */
let stateJson: unknown

beforeAll(async () => {
  running = await startServer({ dir: inventoryFolder() })
  client = rawClient(running.address)
  const converted = await bufRun(['convert', 'proto', '--type', 'vpci.migration.v1.MigrationState', '--from', `${STATE}#format=binpb`, '--to', '-#format=json'])
  expect(converted.stderr).toBe('')
  stateJson = JSON.parse(converted.stdout)
}, 60_000)

afterAll(async () => {
  client.close()
  await running.stop()
})

const strip = (code: string) => code.replace(/^REASON_CODE_/, '')

describe('buf curl over gRPC with --schema proto/', () => {
  it.each(['host-good', 'host-split-low', 'host-no-translation', 'host-v2-accelerator'])('CheckMigration of vm-17-n2 on %s gives vpci check\'s verdict, reasons and certificate', async (name) => {
    const answer = await bufCurl(running.address, `${SERVICE}/CheckMigration`, { state: stateJson, hostName: name, allReasons: true })
    expect(answer.stderr).toBe('')
    const got = JSON.parse(answer.stdout)
    const dir = mkdtempSync(join(tmpdir(), 'vpci-cert-'))
    const cli = await vpci('check', STATE, host(name), '--json', '--all', '--root', corpusPath(''), '--certificate', join(dir, 'cert.json'))
    const want = JSON.parse(cli.stdout)
    expect(got.compatible ?? false).toBe(want.compatible)
    expect((got.reasons ?? []).map((r: { code: string; message: string }) => [strip(r.code), r.message])).toEqual(want.reasons.map((r: { code: string; message: string }) => [r.code, r.message]))
    if (!want.compatible) {
      expect(got.certificate).toBeUndefined()
      return
    }
    expect(got.assignment.map((a: { guestAddress: string; hostAddress: string }) => [a.guestAddress, a.hostAddress])).toEqual(want.assignment.map((a: { guestAddress: string; hostAddress: string }) => [a.guestAddress, a.hostAddress]))
    const digests = (fs: ReadonlyArray<{ layoutDigest: string; stateDigest: string; physicalDigest: string }>) => fs.map((f) => [f.layoutDigest, f.stateDigest, f.physicalDigest])
    expect(digests(got.certificate.functions)).toEqual(digests(want.certificate.functions))
    expect(JSON.parse(got.certificate.json)).toEqual(want.certificate)
    const { readFileSync } = await import('node:fs')
    expect(got.certificate.json).toBe(readFileSync(join(dir, 'cert.json'), 'utf8'))
  }, 60_000)

  it('FilterHosts over the whole inventory accepts what vpci filter accepts and rejects the rest with its first reasons', async () => {
    const answer = await bufCurl(running.address, `${SERVICE}/FilterHosts`, { state: stateJson })
    expect(answer.stderr).toBe('')
    const got = JSON.parse(answer.stdout)
    const cli = JSON.parse((await vpci('filter', STATE, ...['host-good', 'host-no-translation', 'host-split-low', 'host-v2-accelerator'].map(host), '--json', '--root', corpusPath(''))).stdout)
    expect(got.accepted.map((a: { host: string }) => a.host)).toEqual(cli.accepted.map((a: { host: string }) => a.host))
    const first = (list: ReadonlyArray<{ host: string; reasons: ReadonlyArray<{ code: string }> }>) => list.map((r) => [r.host, strip(r.reasons[0]!.code)]).sort()
    expect(first(got.rejected)).toEqual(first(cli.rejected))
  }, 60_000)
})

describe('health and reflection', () => {
  it('health answers SERVING for the server and the service, through reflection (no schema given)', async () => {
    for (const service of ['', 'vpci.migration.v1.MigrationService']) {
      const answer = await bufCurl(running.address, '/grpc.health.v1.Health/Check', { service }, 'reflection')
      expect(answer.stderr).toBe('')
      expect(JSON.parse(answer.stdout)).toEqual({ status: 'SERVING' })
    }
  }, 60_000)

  it('reflection lists both services and describes the service well enough for buf curl to call it', async () => {
    const listed = await bufCurl(running.address, '', {}, 'reflection', ['--list-services'])
    expect(listed.stdout.split('\n').filter(Boolean).sort()).toEqual(['grpc.health.v1.Health', 'vpci.migration.v1.MigrationService'])
    const answer = await bufCurl(running.address, `${SERVICE}/CheckMigration`, { state: stateJson, hostName: 'host-good' }, 'reflection')
    expect(answer.stderr).toBe('')
    expect(JSON.parse(answer.stdout).compatible).toBe(true)
  }, 60_000)
})

describe('bad requests', () => {
  const checkRequest = (fields: Record<string, unknown>) => m.CheckMigrationRequest.encode(m.CheckMigrationRequest.create(fields as never)).finish()
  /** The state bytes inside a CheckMigrationRequest, as they are. */
  const withState = (state: Uint8Array, hostName: string) => Buffer.concat([Buffer.from([0x0a]), Buffer.from(varint(state.length)), Buffer.from(state), Buffer.from(checkRequest({ hostName }))])
  const varint = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...varint(n >>> 7)])

  /** The CLI's error lines for a state file with these bytes, its path replaced by the service's label. */
  const cliLines = async (bytes: Uint8Array): Promise<string> => {
    const file = join(mkdtempSync(join(tmpdir(), 'vpci-bad-')), 'state.pb')
    writeFileSync(file, bytes)
    const r = await vpci('check', file, host('host-good'), '--root', corpusPath(''))
    expect(r.code).toBe(2)
    return r.stderr.trimEnd().split('\n').map((l) => l.replace(`vpci: ${file}`, 'state')).join('\n')
  }

  it('malformed request bytes: INVALID_ARGUMENT naming the message', async () => {
    const r = await callRaw(client, 'CheckMigration', new Uint8Array([0x0a, 0xff]))
    expect(r.code).toBe(grpc.status.INVALID_ARGUMENT)
    expect(r.details).toBe("not a vpci.migration.v1.CheckMigrationRequest: offset 1: field 1's length runs past the end")
  })

  it.each([
    ['malformed state bytes', new Uint8Array([0x0a, 0xff])],
    ['a state of schema version 2', Uint8Array.from(stateBytes, (b, i) => (i === 1 ? 2 : b))],
    ['a state whose layout does not build', (() => {
      const s = decodeMigrationState(stateBytes)
      if (E.isLeft(s)) throw new Error('state')
      const raw = protoFields(stateBytes)
      if (E.isLeft(raw)) throw new Error('fields')
      const wire = m.MigrationState.decode(stateBytes)
      wire.functions[0]!.layout!.size = 300
      return m.MigrationState.encode(wire).finish()
    })()],
  ])('%s: INVALID_ARGUMENT with the CLI\'s error lines', async (_what, bytes) => {
    expect(stateBytes[0]).toBe(0x08)
    const r = await callRaw(client, 'CheckMigration', withState(bytes, 'host-good'))
    expect(r.code).toBe(grpc.status.INVALID_ARGUMENT)
    expect(r.details).toBe(await cliLines(bytes))
  })

  it('an unknown host or state name: NOT_FOUND', async () => {
    const host = await callRaw(client, 'CheckMigration', checkRequest({ state: m.MigrationState.decode(stateBytes), hostName: 'no-such-host' }))
    expect([host.code, host.details]).toEqual([grpc.status.NOT_FOUND, 'no host named "no-such-host" in the inventory'])
    const state = await callRaw(client, 'CheckMigration', checkRequest({ stateName: 'vm-404', hostName: 'host-good' }))
    expect(state.code).toBe(grpc.status.NOT_FOUND)
    const names = await callRaw(client, 'FilterHosts', m.FilterHostsRequest.encode({ state: m.MigrationState.decode(stateBytes), hostNames: ['host-good', 'ghost'] } as never).finish())
    expect([names.code, names.details]).toEqual([grpc.status.NOT_FOUND, 'no host named "ghost" in the inventory'])
  })

  it('a request over the size limit: RESOURCE_EXHAUSTED before it is read, and the server goes on', async () => {
    const small = await startServer({ maxRequestBytes: 4096 })
    const c = rawClient(small.address)
    try {
      const r = await callRaw(c, 'CheckMigration', withState(stateBytes, 'host-good'))
      expect(r.code).toBe(grpc.status.RESOURCE_EXHAUSTED)
      const after = await callRaw(c, 'DeleteHost', m.DeleteHostRequest.encode({ name: 'x' }).finish())
      expect(after.code).toBe(grpc.status.NOT_FOUND)
    } finally {
      c.close()
      await small.stop()
    }
  })

  it('the server still answers after every bad request, and logged one JSON line per call', async () => {
    const r = await callRaw(client, 'CheckMigration', checkRequest({ state: m.MigrationState.decode(stateBytes), hostName: 'host-good' }))
    expect(r.code).toBe(grpc.status.OK)
    const lines = running.logs.map((l) => JSON.parse(l))
    expect(lines.every((l) => typeof l.durationMs === 'number' && typeof l.method === 'string' && 'verdict' in l)).toBe(true)
    expect(lines.some((l) => l.status === 'NOT_FOUND')).toBe(true)
    expect(lines.at(-1)).toMatchObject({ method: 'vpci.migration.v1.MigrationService/CheckMigration', status: 'OK', verdict: 'compatible' })
  })
})

describe('the other methods agree with the CLI', () => {
  it('PutHost, PutState, then CheckMigration by names; DeleteHost and DeleteState take them away', async () => {
    const hostMessage = readCorpusBytes('hosts/host-good-schema-v1.pb')
    const put = await callRaw(client, 'PutHost', m.PutHostRequest.encode({ host: m.Host.decode(hostMessage) }).finish())
    expect(put.code).toBe(grpc.status.OK)
    const answer = m.PutHostResponse.decode(put.response!)
    expect([answer.name, answer.replaced, answer.hosts]).toEqual(['host-good', true, 4])
    const putState = await callRaw(client, 'PutState', m.PutStateRequest.encode({ name: 'vm-17', state: m.MigrationState.decode(stateBytes) } as never).finish())
    expect(putState.code).toBe(grpc.status.OK)
    const check = await callRaw(client, 'CheckMigration', m.CheckMigrationRequest.encode({ stateName: 'vm-17', hostName: 'host-good' }).finish())
    expect(m.CheckMigrationResponse.decode(check.response!).compatible).toBe(true)
    expect((await callRaw(client, 'DeleteState', m.DeleteStateRequest.encode({ name: 'vm-17' }).finish())).code).toBe(grpc.status.OK)
    expect((await callRaw(client, 'DeleteState', m.DeleteStateRequest.encode({ name: 'vm-17' }).finish())).code).toBe(grpc.status.NOT_FOUND)
    const deleted = await callRaw(client, 'DeleteHost', m.DeleteHostRequest.encode({ name: 'host-good' }).finish())
    expect(m.DeleteHostResponse.decode(deleted.response!).hosts).toBe(3)
    const gone = await callRaw(client, 'CheckMigration', m.CheckMigrationRequest.encode({ state: m.MigrationState.decode(stateBytes), hostName: 'host-good' }).finish())
    expect(gone.code).toBe(grpc.status.NOT_FOUND)
    expect((await callRaw(client, 'PutHost', m.PutHostRequest.encode({ host: m.Host.decode(hostMessage) }).finish())).code).toBe(grpc.status.OK)
  })

  it('ProveEquivalence of two corpus functions gives vpci check\'s verdict and reasons', async () => {
    /** The dump's image, named as the CLI names it (by its device). */
    const image = (name: string) => {
      const dump = readDump(readCorpusBytes(name), name)
      if (E.isLeft(dump)) throw new Error(name)
      return m.HostFunction.create({ configImage: Uint8Array.from(dump.right.config.bytes), imageName: dump.right.device ?? name })
    }
    for (const [a, b] of [['families/accelerator/v1-host-a.lspci', 'families/accelerator/v1-host-b.lspci'], ['families/nic/v1.lspci', 'families/nic/v2.lspci']] as const) {
      const r = await callRaw(client, 'ProveEquivalence', m.ProveEquivalenceRequest.encode({ source: image(a), destination: image(b), allReasons: true } as never).finish())
      expect(r.code).toBe(grpc.status.OK)
      const got = m.ProveEquivalenceResponse.decode(r.response!)
      const want = JSON.parse((await vpci('check', corpusPath(a), corpusPath(b), '--json', '--all')).stdout)
      expect(got.compatible).toBe(want.compatible)
      expect(got.reasons.map((x) => x.message)).toEqual(want.reasons.map((x: { message: string }) => x.message))
      expect(got.certificateJson === '' ? null : JSON.parse(got.certificateJson)).toEqual(want.certificate)
    }
  })

  it('Realize of nic-v1 on the V2 NIC gives vpci check\'s offset map', async () => {
    const layout = decodeLayout(readCorpusText('layouts/nic-v1.yaml'), 'nic-v1.yaml')
    if (E.isLeft(layout)) throw new Error('layout')
    const dump = readCorpusText('families/nic/v2.lspci').split('\n').filter((l) => /^[0-9a-f]{2,3}: /.test(l)).map((l) => l.slice(l.indexOf(':') + 2)).join(' ').replace(/\s+/g, '')
    const r = await callRaw(client, 'Realize', m.RealizeRequest.encode({ layout: layoutWire(layout.right), physical: { configImage: Buffer.from(dump, 'hex') } } as never).finish())
    expect(r.code).toBe(grpc.status.OK)
    const got = m.RealizeResponse.decode(r.response!)
    const want = JSON.parse((await vpci('check', corpusPath('layouts/nic-v1.yaml'), corpusPath('families/nic/v2.lspci'), '--json')).stdout)
    expect(got.compatible).toBe(want.compatible)
    expect(got.offsetMap.map((o) => [o.capability, o.virtualOffset, o.physicalOffset ?? null, o.length])).toEqual(want.offsetMap.map((o: { capability: string; virtualOffset: number; physicalOffset: number | null; length: number }) => [o.capability, o.virtualOffset, o.physicalOffset, o.length]))
  })

  /** The assignment CheckMigration finds for vm-17-n2 on host-good. */
  const ASSIGN = { '00:05.0': '0000:5a:00.0', '00:06.0': '0000:5e:00.0' }

  it('RemapPasids of vm-17-n2\'s PASID state on host-good gives vpci remap\'s plan', async () => {
    const fields = protoFields(stateBytes)
    if (E.isLeft(fields)) throw new Error('fields')
    const pasidBytes = bytesField(fields.right, 4)!
    const r = await callRaw(client, 'RemapPasids', Buffer.concat([Buffer.from([0x0a, pasidBytes.length]), Buffer.from(pasidBytes), Buffer.from(m.RemapPasidsRequest.encode({ hostName: 'host-good', assignment: ASSIGN } as never).finish())]))
    expect(r.code).toBe(grpc.status.OK)
    const got = m.RemapPasidsResponse.decode(r.response!)
    const state = decodeMigrationState(stateBytes)
    if (E.isLeft(state)) throw new Error('state')
    const file = join(mkdtempSync(join(tmpdir(), 'vpci-pasid-')), 'pasid.json')
    writeFileSync(file, encodePasidState(state.right.pasid!))
    const want = JSON.parse((await vpci('remap', file, '--host', host('host-good'), '--assign', Object.entries(ASSIGN).map(([g, h]) => `${g}=${h}`).join(','), '--json')).stdout)
    expect(got.compatible).toBe(true)
    expect(want.compatible).toBe(true)
    expect(got.plan!.map!.map((x) => [x.local, x.global])).toEqual(want.plan.map.map((x: { local: number; global: number }) => [x.local, x.global]))
    expect(got.globalAllocated.map((x) => [x.start, x.end])).toEqual(want.plan.pools.global)
  })
})

describe('deadlines', () => {
  it('a call whose deadline passes while it works stops at the next phase: DEADLINE_EXCEEDED, logged as such', async () => {
    const { stateBytes: bigState } = await import('../../bench/cpu/scenarios.js')
    const state = bigState(64, 1_000_000)
    const request = Buffer.concat([Buffer.from([0x0a, ...varint(state.length)]), Buffer.from(state), Buffer.from([0x38, 0x01]) /* names_only */])
    const before = running.logs.length
    // Long enough for the request to arrive (it is 12 MB), far shorter than its work.
    const r = await callRaw(client, 'FilterHosts', request, 500)
    expect(r.code).toBe(grpc.status.DEADLINE_EXCEEDED)
    await expect.poll(() => running.logs.slice(before).map((l) => JSON.parse(l)).find((l) => l.method.endsWith('/FilterHosts')), { timeout: 30_000, interval: 50 }).toMatchObject({ status: 'DEADLINE_EXCEEDED', verdict: null })
  }, 60_000)
})

const varint = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...varint(Math.floor(n / 128))])

/**
 * The server's host store over an inventory folder: the corpus hosts loaded with their device
 * models shared, files that are not hosts skipped, a broken host file refused with the CLI's
 * words, changes picked up (a host file edited, removed, a dump it names rewritten), PutHost's
 * host winning over a file's and surviving that file's removal, and fs.watch noticing a new
 * file without an explicit rescan. Judgements come from the library: the store's inventory
 * filters as filterHosts does on the hosts the CLI loads.
 */
import { readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { processIo } from '../../src/cli/io.js'
import { loadHost } from '../../src/cli/load-host.js'
import { filterHosts } from '../../src/migrate/filter-hosts.js'
import type { Host } from '../../src/migrate/host.js'
import { openHostStore, type StoreEvent } from '../../src/service/host-store.js'
import { openStateRegistry } from '../../src/service/state-registry.js'
import { decodeMigrationState } from '../../src/state/state-codec.js'
import { CORPUS_HOSTS, inventoryFolder } from '../support/inventory-folder.js'
import { corpusPath, readCorpusBytes } from '../support/repo-corpus.js'

const state = (() => {
  const s = decodeMigrationState(readCorpusBytes('state/vm-17-n2-schema-v1.pb'))
  if (E.isLeft(s)) throw new Error('corpus state did not decode')
  return s.right
})()

const names = (hosts: readonly Host[]) => hosts.map((h) => h.name)

describe('host store', () => {
  it('loads the hosts of the folder (others skipped), shares models, and filters as filterHosts on the CLI-loaded hosts', async () => {
    const dir = inventoryFolder()
    writeFileSync(join(dir, 'notes.txt'), 'not a host\n')
    copyFileSync(corpusPath('layouts/nic-v1.yaml'), join(dir, 'nic-v1.yaml'))
    const store = openHostStore({ dir, watch: false })
    await store.loaded
    expect(store.isLoaded()).toBe(true)
    expect(names(store.inventory.hosts()).sort()).toEqual([...CORPUS_HOSTS].sort())
    expect(store.refused().size).toBe(0)
    // host-good and host-no-translation name the same accelerator dump: one prepared function.
    const good = store.inventory.get('host-good')!
    const other = store.inventory.get('host-no-translation')!
    expect(other.functions[0]!.function).toBe(good.functions[0]!.function)
    const cli: Host[] = []
    for (const h of CORPUS_HOSTS) {
      const loaded = await loadHost(processIo, corpusPath(`hosts/${h}.yaml`), { root: corpusPath('') })
      if (E.isLeft(loaded)) throw new Error(h)
      cli.push(loaded.right)
    }
    const expected = filterHosts(state, cli)
    const got = store.inventory.filter(state, { names: [...CORPUS_HOSTS] })
    expect(names(got.accepted.map((a) => a.host))).toEqual(names(expected.accepted.map((a) => a.host)))
    expect(got.rejected.map((r) => [r.host.name, r.reasons.map((x) => x.code)])).toEqual(expected.rejected.map((r) => [r.host.name, r.reasons.map((x) => x.code)]))
    store.close()
  })

  it('refuses a broken host file with the CLI error line, and drops its host', async () => {
    const dir = inventoryFolder(['host-good'])
    const events: StoreEvent[] = []
    const store = openHostStore({ dir, watch: false, onEvent: (e) => events.push(e) })
    await store.loaded
    expect(store.inventory.size()).toBe(1)
    writeFileSync(join(dir, 'host-good.yaml'), readFileSync(join(dir, 'host-good.yaml'), 'utf8').replace('families/nic/v2.lspci', '../../etc/passwd'))
    await store.rescan()
    expect(store.inventory.size()).toBe(0)
    const lines = store.refused().get(join(dir, 'host-good.yaml'))!
    expect(lines[0]).toContain('lies outside')
    expect(events.map((e) => e.kind)).toEqual(['host-loaded', 'host-removed', 'file-refused'])
    store.close()
  })

  it('reloads a host whose named dump changed, and takes a removed file\'s host away', async () => {
    const dir = inventoryFolder(['host-good', 'host-v2-accelerator'])
    const store = openHostStore({ dir, watch: false })
    await store.loaded
    expect(store.inventory.filter(state, { names: ['host-good'] }).acceptedCount).toBe(1)
    // host-good's accelerator dump replaced by the V2 one: vm-17's V1 accelerator no longer fits.
    copyFileSync(corpusPath('families/accelerator/v2-host-c.lspci'), join(dir, 'families/accelerator/v1-host-a.lspci'))
    await store.rescan()
    expect(store.inventory.filter(state, { names: ['host-good'] }).acceptedCount).toBe(0)
    rmSync(join(dir, 'host-v2-accelerator.yaml'))
    await store.rescan()
    expect(names(store.inventory.hosts())).toEqual(['host-good'])
    store.close()
  })

  it('a put host replaces the file\'s and outlives the file; a message naming files outside the folder is refused', async () => {
    const dir = inventoryFolder(['host-good'])
    const store = openHostStore({ dir, watch: false })
    await store.loaded
    const put = await store.putMessage(readCorpusBytes('hosts/host-good-schema-v1.pb'), 'PutHost')
    expect(E.isRight(put)).toBe(true)
    const putHost = store.inventory.get('host-good')!
    rmSync(join(dir, 'host-good.yaml'))
    await store.rescan()
    expect(store.inventory.get('host-good')).toBe(putHost)
    expect(store.remove('host-good')).toBe(true)
    expect(store.remove('host-good')).toBe(false)
    const bare = openHostStore()
    await bare.loaded
    const mixed = await bare.hostFromMessage(readCorpusBytes('hosts/host-mixed-schema-v1.pb'), 'request.host')
    expect(E.isLeft(mixed)).toBe(true)
    store.close()
  })

  it('inline hosts read the store\'s device models but never add to them (a caller cannot grow the store)', async () => {
    const store = openHostStore()
    await store.loaded
    const message = readCorpusBytes('hosts/host-good-schema-v1.pb')
    const first = await store.hostFromMessage(message, 'host')
    const second = await store.hostFromMessage(message, 'host')
    if (E.isLeft(first) || E.isLeft(second)) throw new Error('the golden host message did not load')
    expect(second.right.functions[0]!.function).not.toBe(first.right.functions[0]!.function)
    const put = await store.putMessage(message, 'host')
    const third = await store.hostFromMessage(message, 'host')
    if (E.isLeft(put) || E.isLeft(third)) throw new Error('the golden host message did not load')
    expect(third.right.functions[0]!.function).toBe(put.right.functions[0]!.function)
  })

  it('notices a new host file by itself (fs.watch or the periodic rescan)', async () => {
    const dir = inventoryFolder(['host-good'])
    const store = openHostStore({ dir, debounceMs: 20, rescanMs: 200 })
    await store.loaded
    writeFileSync(join(dir, 'host-split-low.yaml'), readFileSync(corpusPath('hosts/host-split-low.yaml'), 'utf8').replaceAll('../families/', 'families/'))
    await expect.poll(() => store.inventory.size(), { timeout: 10_000, interval: 50 }).toBe(2)
    store.close()
  })
})

describe('state registry', () => {
  it('names the .pb states of its folder by file name, drops removed and refused ones, and keeps put ones', async () => {
    const dir = inventoryFolder([])
    copyFileSync(corpusPath('state/vm-17-n2-schema-v1.pb'), join(dir, 'vm-17.pb'))
    writeFileSync(join(dir, 'broken.pb'), new Uint8Array([0x0a, 0xff]))
    const registry = openStateRegistry({ dir, watch: false })
    await registry.loaded
    expect(registry.names()).toEqual(['vm-17'])
    expect(registry.get('vm-17')!.vmName).toBe('vm-17')
    expect([...registry.refused().keys()]).toEqual([join(dir, 'broken.pb')])
    registry.put('other', state)
    rmSync(join(dir, 'vm-17.pb'))
    await registry.rescan()
    expect(registry.names()).toEqual(['other'])
    registry.close()
  })
})

/**
 * The server's hosts: a standing inventory (`createInventory`) filled from an inventory folder
 * and by callers (gRPC PutHost/DeleteHost), shared by every adapter of one process (the gRPC
 * service, the Kubernetes extender).
 *
 * - `openHostStore({ dir })` loads every host file (YAML, kind Host) and Host message (`.pb`, or
 *   any name: told apart by content) at the top of `dir`, with one model cache, so hosts naming
 *   the same dump (or carrying the same image) share one prepared function. Files a host names
 *   must lie inside `dir` (as `vpci filter --root DIR`). Other files (the dumps and layouts hosts
 *   name) are skipped.
 * - It then watches `dir` (fs.watch, debounced, and a periodic rescan as a fallback): a host file
 *   added or changed is loaded again, one removed takes its host away, and a host whose named
 *   files changed is reloaded with fresh models. Only what changed is read.
 * - `put`/`putMessage` add or replace a host by name (the last writer wins, a file or a caller);
 *   `remove` takes one away. A host file that cannot be loaded keeps no host and is listed in
 *   `refused` with its error lines (the CLI's words), and reported through `onEvent`.
 * - `hostFromMessage` loads a Host message a caller sends without keeping it (inline hosts); the
 *   device models such a host brings are not kept either, so callers cannot grow the store.
 *
 * Read hosts through `inventory` (`filter`, `get`, `size`, `hosts`); change them only through the
 * store, which knows where each came from.
 */
import { join, resolve } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { createInventory, type Inventory } from '../migrate/inventory.js'
import type { Host } from '../migrate/host.js'
import type { PreparedFunction } from '../semantic/prepared-function.js'
import { type Failure, fail } from '../cli/exit.js'
import { processIo } from '../cli/io.js'
import { hostFrom, type ModelCache } from '../cli/load-host.js'
import { hostFiles, hostSpecFrom, isHostKind, MAX_HOST_FILE } from '../cli/read-host.js'
import { type Input, kindOf, readInput } from '../cli/read-input.js'
import { diffScans, type FolderStoreOptions, oneAtATime, scanFolder, type Signature, signatureOf, watchFolder } from './folder-scan.js'
import { failureLines } from './failure-lines.js'

export type StoreEvent =
  | { readonly kind: 'host-loaded'; readonly file: string | null; readonly host: string }
  | { readonly kind: 'host-removed'; readonly file: string | null; readonly host: string }
  | { readonly kind: 'file-refused'; readonly file: string; readonly errors: readonly string[] }

export interface HostStoreOptions extends FolderStoreOptions {
  /** Told of each host loaded or removed and each file refused. */
  readonly onEvent?: (event: StoreEvent) => void
}

export interface HostStore {
  readonly inventory: Pick<Inventory, 'filter' | 'get' | 'size' | 'hosts'>
  /** Resolves when the first load of `dir` is done (at once without one). */
  readonly loaded: Promise<void>
  readonly isLoaded: () => boolean
  /** Adds the host, or replaces the one of its name (wherever it came from). */
  readonly put: (host: Host) => void
  /** Decodes a Host message, loads its functions and puts it; or every reason it is not a usable host (one without a name among them). */
  readonly putMessage: (bytes: Uint8Array, label: string) => Promise<E.Either<Failure, Host>>
  /** Removes the host of this name; false when there is none. */
  readonly remove: (name: string) => boolean
  /** A Host message loaded but not kept (it reads the inventory's models; those it brings are not kept either). */
  readonly hostFromMessage: (bytes: Uint8Array, label: string) => Promise<E.Either<Failure, Host>>
  /** Host files of `dir` that could not be loaded, with their error lines. */
  readonly refused: () => ReadonlyMap<string, readonly string[]>
  /** Reads `dir` again now (changes only); rescans never overlap. */
  readonly rescan: () => Promise<void>
  /** Stops watching. */
  readonly close: () => void
}

/** Error lines kept for a refused file. */
const SHOWN_ERRORS = 20

/** What a file of the folder gave at its last load. */
interface Loaded {
  readonly signature: Signature
  /** The host it holds (null: not a host file, or refused). */
  readonly host: string | null
  /** The files its host names, with their signatures when loaded. */
  readonly named: ReadonlyMap<string, Signature | null>
}

/** A model cache reading `base` and writing only to its own entries (what `hostFrom` uses: get and set). */
const overlay = (base: ModelCache): ModelCache => {
  const own: ModelCache = new Map()
  const view = {
    get: (key: string) => own.get(key) ?? base.get(key),
    set: (key: string, value: PreparedFunction) => {
      own.set(key, value)
      return view
    },
  }
  return view as unknown as ModelCache
}

export const openHostStore = (options: HostStoreOptions = {}): HostStore => {
  const io = options.io ?? processIo
  const dir = options.dir === undefined ? undefined : resolve(options.dir)
  const inventory = createInventory()
  const models: ModelCache = new Map()
  const files = new Map<string, Loaded>()
  const refused = new Map<string, readonly string[]>()
  /** Which file each host came from (null: a caller put it). */
  const origin = new Map<string, string | null>()
  const tell = options.onEvent ?? (() => undefined)

  const put = (host: Host, file: string | null): void => {
    inventory.put(host)
    origin.set(host.name, file)
    tell({ kind: 'host-loaded', file, host: host.name })
  }
  const remove = (name: string, file: string | null): boolean => {
    // A file gone takes away only the host it gave (not one a caller or another file put since).
    if (file !== null && origin.get(name) !== file) return false
    origin.delete(name)
    const had = inventory.remove(name)
    if (had) tell({ kind: 'host-removed', file, host: name })
    return had
  }

  /**
   * Loads a host from an input whose named files resolve in its folder and stay inside `root`;
   * the files it names beside it. Models come from `cache` (default: the store's own).
   */
  const load = async (input: Input, root: string | undefined, cache: ModelCache = models): Promise<E.Either<Failure, { host: Host; named: string[] }>> => {
    const spec = hostSpecFrom(input)
    if (E.isLeft(spec)) return spec
    const named = hostFiles(input, spec.right, root)
    if (E.isLeft(named)) return named
    const host = await hostFrom(io, input, { models: cache, ...(root === undefined ? {} : { root }) })
    return E.isLeft(host) ? host : E.right({ host: host.right, named: named.right.filter((f): f is string => f !== null) })
  }

  /**
   * A caller's message: files it names resolve in `dir` and stay inside it; without `dir` it may
   * name none. A host that is kept shares and adds to the store's models; one that is not reads
   * them but adds its own only to a cache of the call, so callers cannot grow the store's.
   */
  const hostFromMessage = async (bytes: Uint8Array, label: string, keep = false): Promise<E.Either<Failure, Host>> => {
    const input: Input = { _tag: 'File', path: join(dir ?? '/nonexistent', label), bytes }
    const spec = hostSpecFrom(input)
    if (E.isLeft(spec)) return spec
    if (dir === undefined && spec.right.functions.some((f) => 'path' in f.source)) return E.left(fail(`${label}: names files, and this server has no inventory folder to read them from; embed the functions' config spaces`))
    const loaded = await load(input, dir, keep ? models : overlay(models))
    return E.isLeft(loaded) ? loaded : E.right(loaded.right.host)
  }

  const loadFile = async (path: string, signature: Signature): Promise<void> => {
    const input = await readInput(io, path, MAX_HOST_FILE)
    const before = files.get(path)?.host ?? null
    if (E.isRight(input) && !isHostKind(kindOf(input.right))) {
      files.set(path, { signature, host: null, named: new Map() })
      if (before !== null) remove(before, path)
      return
    }
    const loaded = E.isLeft(input) ? input : await load(input.right, dir)
    if (E.isLeft(loaded)) {
      files.set(path, { signature, host: null, named: new Map() })
      if (before !== null) remove(before, path)
      const errors = failureLines(loaded.left, SHOWN_ERRORS)
      refused.set(path, errors)
      tell({ kind: 'file-refused', file: path, errors })
      return
    }
    refused.delete(path)
    const named = new Map<string, Signature | null>()
    for (const f of loaded.right.named) named.set(f, await signatureOf(f))
    files.set(path, { signature, host: loaded.right.host.name, named })
    if (before !== null && before !== loaded.right.host.name) remove(before, path)
    put(loaded.right.host, path)
  }

  const scanOnce = async (): Promise<void> => {
    if (dir === undefined) return
    let now: Map<string, Signature>
    try {
      now = await scanFolder(dir)
    } catch (e) {
      tell({ kind: 'file-refused', file: dir, errors: [`${dir}: cannot list the inventory folder: ${e instanceof Error ? e.message : String(e)}`] })
      return
    }
    const before = new Map([...files].map(([p, l]) => [p, l.signature]))
    const { changed, removed } = diffScans(before, now)
    for (const path of removed) {
      const host = files.get(path)?.host ?? null
      files.delete(path)
      refused.delete(path)
      if (host !== null) remove(host, path)
    }
    // Named files that changed: their models are prepared again, and every host naming them reloaded.
    const stale = new Set<string>()
    const signatures = new Map<string, Signature | null>()
    for (const l of files.values()) for (const [f, s] of l.named) {
      if (!signatures.has(f)) signatures.set(f, await signatureOf(f))
      if (signatures.get(f) !== s) stale.add(f)
    }
    for (const key of [...models.keys()]) if (stale.has(key.slice(key.indexOf(':') + 1))) models.delete(key)
    const reload = new Set(changed)
    for (const [path, l] of files) if ([...l.named.keys()].some((f) => stale.has(f))) reload.add(path)
    for (const path of [...reload].sort()) {
      const signature = now.get(path)
      if (signature !== undefined) await loadFile(path, signature)
    }
  }

  const rescan = oneAtATime(scanOnce)

  let loadedFlag = dir === undefined
  const loaded = rescan().then(() => {
    loadedFlag = true
  })
  const stop = dir !== undefined && options.watch !== false ? watchFolder(dir, () => void rescan(), options) : () => undefined

  return {
    inventory,
    loaded,
    isLoaded: () => loadedFlag,
    put: (host) => put(host, null),
    putMessage: async (bytes, label) => {
      const host = await hostFromMessage(bytes, label, true)
      if (E.isLeft(host)) return host
      if (host.right.name === '') return E.left(fail(`${label}: metadata.name: a host in the inventory needs a name`))
      put(host.right, null)
      return host
    },
    remove: (name) => remove(name, null),
    hostFromMessage,
    refused: () => refused,
    rescan,
    close: stop,
  }
}

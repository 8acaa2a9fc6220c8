/**
 * Watching a folder of inputs for the server's stores: the regular files at its top level, each
 * with a signature (inode, size, modification time) read by `stat`, so a rescan reads again only
 * what changed; the difference of two scans (pure); and a watch that calls back, debounced, on
 * any change `fs.watch` reports and on a periodic rescan (fs.watch misses changes on some file
 * systems and in files a host names in subfolders).
 */
import { type FSWatcher, watch } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { CliIo } from '../cli/io.js'

/** A file's identity and version as stat tells it; equal signatures mean the file did not change. */
export type Signature = string

/** Files by absolute path, each with its signature. */
export type Signatures = ReadonlyMap<string, Signature>

/** The signature of the file at `path`, or null when there is no regular file there. */
export const signatureOf = async (path: string): Promise<Signature | null> => {
  try {
    const s = await stat(path, { bigint: true })
    return s.isFile() ? `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}` : null
  } catch {
    return null
  }
}

/** The regular files at the top of `dir` (names starting with a dot left out), with their signatures. */
export const scanFolder = async (dir: string): Promise<Map<string, Signature>> => {
  const out = new Map<string, Signature>()
  const entries = await readdir(dir, { withFileTypes: true })
  for (const e of entries) {
    if (e.name.startsWith('.') || !(e.isFile() || e.isSymbolicLink())) continue
    const path = join(dir, e.name)
    const s = await signatureOf(path)
    if (s !== null) out.set(path, s)
  }
  return out
}

export interface FolderDiff {
  /** New or changed, in name order. */
  readonly changed: readonly string[]
  /** Gone, in name order. */
  readonly removed: readonly string[]
}

/** What changed from one scan to the next. */
export const diffScans = (before: Signatures, after: Signatures): FolderDiff => ({
  changed: [...after].filter(([path, s]) => before.get(path) !== s).map(([path]) => path).sort(),
  removed: [...before.keys()].filter((path) => !after.has(path)).sort(),
})

export interface WatchOptions {
  /** Milliseconds between periodic rescans; 0 for none. Default 5000. */
  readonly rescanMs?: number
  /** Milliseconds a burst of events is gathered before one call. Default 100. */
  readonly debounceMs?: number
}

/** What a store over a watched folder takes. */
export interface FolderStoreOptions extends WatchOptions {
  /** The folder; none: the store holds only what callers put. */
  readonly dir?: string
  /** Default: the process's files. */
  readonly io?: CliIo
  /** Watch `dir` for changes; default true (false: `rescan` only). */
  readonly watch?: boolean
}

/** Calls `changed` (debounced) when `dir` reports a change and every `rescanMs`; stop it with the function returned. */
export const watchFolder = (dir: string, changed: () => void, options: WatchOptions = {}): (() => void) => {
  const debounce = options.debounceMs ?? 100
  const every = options.rescanMs ?? 5000
  let timer: NodeJS.Timeout | null = null
  const soon = (): void => {
    if (timer !== null) return
    timer = setTimeout(() => {
      timer = null
      changed()
    }, debounce)
    timer.unref()
  }
  let watcher: FSWatcher | null = null
  try {
    watcher = watch(dir, { persistent: false }, soon)
    // A watch that fails later (the folder removed) leaves the periodic rescan to notice.
    watcher.on('error', () => watcher?.close())
  } catch {
    watcher = null
  }
  const periodic = every > 0 ? setInterval(soon, every) : null
  periodic?.unref()
  return () => {
    watcher?.close()
    if (periodic !== null) clearInterval(periodic)
    if (timer !== null) clearTimeout(timer)
    timer = null
  }
}

/**
 * `scan` made to run one at a time: a call while one runs waits for it, and every call made
 * meanwhile shares the one run after it.
 */
export const oneAtATime = (scan: () => Promise<void>): (() => Promise<void>) => {
  let running: Promise<void> = Promise.resolve()
  let queued: Promise<void> | null = null
  return () => {
    if (queued !== null) return queued
    const next = running.then(() => {
      queued = null
      return scan()
    })
    queued = next
    running = next.catch(() => undefined)
    return next
  }
}

/**
 * Named migration states, for callers that name a VM's state rather than send it (the
 * Kubernetes extender reads the name from a pod's annotation): states put by gRPC PutState, and
 * the `.pb` files at the top of a states folder, each named by its file name without `.pb`,
 * decoded with the same checks as `vpci check` and reloaded when they change (watched as the
 * host store watches its folder). The last writer of a name wins; a file removed takes away only
 * the state it gave.
 */
import { basename, resolve } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import type { Failure } from '../cli/exit.js'
import { processIo } from '../cli/io.js'
import { loadState } from '../cli/load-state.js'
import type { MigrationState } from '../state/migration-state.js'
import { diffScans, type FolderStoreOptions, oneAtATime, scanFolder, type Signature, watchFolder } from './folder-scan.js'
import { failureLines } from './failure-lines.js'

export type StateEvent =
  | { readonly kind: 'state-loaded'; readonly file: string | null; readonly state: string }
  | { readonly kind: 'state-removed'; readonly file: string | null; readonly state: string }
  | { readonly kind: 'file-refused'; readonly file: string; readonly errors: readonly string[] }

export interface StateRegistryOptions extends FolderStoreOptions {
  /** Told of each state loaded or removed and each file refused. */
  readonly onEvent?: (event: StateEvent) => void
}

export interface StateRegistry {
  readonly get: (name: string) => MigrationState | undefined
  readonly put: (name: string, state: MigrationState) => void
  /** False when no state has this name. */
  readonly remove: (name: string) => boolean
  readonly names: () => readonly string[]
  /** Resolves when the first load of `dir` is done. */
  readonly loaded: Promise<void>
  readonly refused: () => ReadonlyMap<string, readonly string[]>
  readonly rescan: () => Promise<void>
  readonly close: () => void
}

/** A state file's name: its file name less `.pb`. */
export const stateName = (path: string): string => basename(path).replace(/\.pb$/, '')

export const openStateRegistry = (options: StateRegistryOptions = {}): StateRegistry => {
  const io = options.io ?? processIo
  const dir = options.dir === undefined ? undefined : resolve(options.dir)
  const states = new Map<string, { readonly state: MigrationState; readonly file: string | null }>()
  const seen = new Map<string, Signature>()
  const refused = new Map<string, readonly string[]>()
  const tell = options.onEvent ?? (() => undefined)

  const put = (name: string, state: MigrationState, file: string | null): void => {
    states.set(name, { state, file })
    tell({ kind: 'state-loaded', file, state: name })
  }
  const remove = (name: string, file: string | null): boolean => {
    const had = states.get(name)
    if (had === undefined || (file !== null && had.file !== file)) return false
    states.delete(name)
    tell({ kind: 'state-removed', file, state: name })
    return true
  }
  const refuse = (file: string, f: Failure): void => {
    const lines = failureLines(f, 20)
    refused.set(file, lines)
    tell({ kind: 'file-refused', file, errors: lines })
  }

  const scanOnce = async (): Promise<void> => {
    if (dir === undefined) return
    let now: Map<string, Signature>
    try {
      now = new Map([...(await scanFolder(dir))].filter(([p]) => p.endsWith('.pb')))
    } catch (e) {
      tell({ kind: 'file-refused', file: dir, errors: [`${dir}: cannot list the states folder: ${e instanceof Error ? e.message : String(e)}`] })
      return
    }
    const { changed, removed } = diffScans(seen, now)
    for (const path of removed) {
      seen.delete(path)
      refused.delete(path)
      remove(stateName(path), path)
    }
    for (const path of changed) {
      seen.set(path, now.get(path)!)
      const state = await loadState(io, path)
      if (E.isLeft(state)) {
        remove(stateName(path), path)
        refuse(path, state.left)
      } else {
        refused.delete(path)
        put(stateName(path), state.right, path)
      }
    }
  }

  const rescan = oneAtATime(scanOnce)
  const loaded = rescan()
  const stop = dir !== undefined && options.watch !== false ? watchFolder(dir, () => void rescan(), options) : () => undefined
  return {
    get: (name) => states.get(name)?.state,
    put: (name, state) => put(name, state, null),
    remove: (name) => remove(name, null),
    names: () => [...states.keys()],
    loaded,
    refused: () => refused,
    rescan,
    close: stop,
  }
}

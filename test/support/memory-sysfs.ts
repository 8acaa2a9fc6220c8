/**
 * An in-memory file tree behind the `SysfsReader` interface, with POSIX path semantics the
 * scan depends on: symbolic links followed in every component but the last (40 hops, then
 * ELOOP, as Linux's MAXSYMLINKS), a link or a device as the last component refused by
 * `readFile` (O_NOFOLLOW, regular files only), listings sorted and cut at the limit. For trees
 * too large or too hostile to build on disk: 10^5 functions, loops, random shapes.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { SysfsListing, SysfsProblem, SysfsReader } from '../../src/capture/sysfs-reader.js'

export type MemoryNode =
  | { readonly kind: 'dir'; readonly entries: Map<string, MemoryNode> }
  | { readonly kind: 'file'; readonly bytes: Uint8Array }
  | { readonly kind: 'link'; readonly target: string }
  | { readonly kind: 'device' }

const MAX_HOPS = 40

export interface MemoryTree extends SysfsReader {
  readonly root: MemoryNode & { kind: 'dir' }
  /** Creates folders on the way. */
  readonly file: (path: string, content: string | Uint8Array) => void
  readonly link: (path: string, target: string) => void
  readonly device: (path: string) => void
  readonly mkdir: (path: string) => void
}

const parts = (path: string): string[] => path.split('/').filter((p) => p !== '' && p !== '.')

export const memoryTree = (): MemoryTree => {
  const root: MemoryNode & { kind: 'dir' } = { kind: 'dir', entries: new Map() }
  const fail = (code: SysfsProblem['code'], message: string) => E.left({ code, message })

  /** The node at `path` (absolute components), following links in every component, and the last too when `followLast`. */
  const resolve = (path: string, followLast: boolean): E.Either<SysfsProblem, MemoryNode> => {
    let hops = 0
    const walk = (from: string[], rest: string[]): E.Either<SysfsProblem, MemoryNode> => {
      let node: MemoryNode = root
      let here: string[] = []
      const queue = [...from, ...rest]
      while (queue.length > 0) {
        const name = queue.shift()!
        if (name === '..') {
          here = here.slice(0, -1)
          node = root
          for (const p of here) node = (node as { entries: Map<string, MemoryNode> }).entries.get(p)!
          continue
        }
        if (node.kind !== 'dir') return fail('not-a-folder', 'a part of the path is not a folder')
        const next = node.entries.get(name)
        if (next === undefined) return fail('missing', 'no such file or folder')
        if (next.kind === 'link' && (queue.length > 0 || followLast)) {
          if (++hops > MAX_HOPS) return fail('loop', 'too many levels of symbolic links (a symlink loop)')
          const target = next.target.startsWith('/') ? parts(next.target) : [...here, ...parts(next.target)]
          return walk([], [...target, ...queue])
        }
        node = next
        here = [...here, name]
      }
      return E.right(node)
    }
    return walk([], parts(path))
  }

  const mkdirs = (names: string[]): Map<string, MemoryNode> => {
    let node: MemoryNode = root
    for (const n of names) {
      if (node.kind !== 'dir') throw new Error(`not a folder on the way to ${names.join('/')}`)
      let next = node.entries.get(n)
      if (next === undefined) {
        next = { kind: 'dir', entries: new Map() }
        node.entries.set(n, next)
      }
      node = next
    }
    if (node.kind !== 'dir') throw new Error(`${names.join('/')} is not a folder`)
    return node.entries
  }
  const put = (path: string, node: MemoryNode): void => {
    const p = parts(path)
    mkdirs(p.slice(0, -1)).set(p[p.length - 1]!, node)
  }

  return {
    root,
    file: (path, content) => put(path, { kind: 'file', bytes: typeof content === 'string' ? new TextEncoder().encode(content) : content }),
    link: (path, target) => put(path, { kind: 'link', target }),
    device: (path) => put(path, { kind: 'device' }),
    mkdir: (path) => void mkdirs(parts(path)),
    readFile: async (path, limit) => {
      const node = resolve(path, false)
      if (E.isLeft(node)) return node
      const n = node.right
      if (n.kind !== 'file') return fail('not-a-file', `is ${n.kind === 'link' ? 'a symbolic link' : n.kind === 'dir' ? 'a folder' : 'a character device'}, not a file`)
      return n.bytes.length > limit ? fail('too-large', `holds more than ${limit} bytes`) : E.right(n.bytes.slice())
    },
    readLink: async (path) => {
      const node = resolve(path, false)
      if (E.isLeft(node)) return node
      return node.right.kind === 'link' ? E.right(node.right.target) : fail('not-a-link', 'is not a symbolic link')
    },
    listDir: async (path, limit): Promise<E.Either<SysfsProblem, SysfsListing>> => {
      const node = resolve(path, true)
      if (E.isLeft(node)) return node
      if (node.right.kind !== 'dir') return fail('not-a-folder', 'is not a folder')
      const names = [...node.right.entries.keys()].sort()
      return E.right({ names: names.slice(0, limit), more: names.length > limit })
    },
  }
}

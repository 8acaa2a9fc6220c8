/**
 * Maximum matching of a VM's functions to a host's free functions by augmenting paths (Kuhn),
 * on buffers reused from host to host. Each VM function is given a free candidate if one is
 * left, else one taken from another function that can move along an alternating path; at most
 * n augmentations, each examining every edge at most once: O(n · n·m) steps for n VM functions
 * and m free host functions, counted in `steps` (every edge examined is one).
 *
 * When a function cannot be matched, the search that failed has visited exactly the functions
 * it could reach by alternating paths and the host functions they can take: k VM functions
 * whose candidates are only k − 1 host functions, all taken by the others (Hall's condition
 * fails; König). `violator` returns that pair of sets, the reason no one-to-one assignment exists.
 */

/** Whether VM function i can take free host function k. */
export type EdgeTest = (i: number, k: number) => boolean

export interface Matching {
  /** Per VM function, the free host function it takes, or -1 (valid after `reset`). */
  readonly vmMate: Int32Array
  /** Per free host function, the VM function taking it, or -1. */
  readonly hostMate: Int32Array
  /** Edges examined since the matching was made. */
  readonly steps: number
  /** Clears the matching for n VM functions and m free host functions. */
  reset(n: number, m: number): void
  /** Gives VM function u (unmatched) a host function, re-routing others along one alternating path; false when none exists. */
  augment(u: number, edge: EdgeTest): boolean
  /** Matches every unmatched VM function in order; the first that cannot be, or -1 when the matching is perfect. */
  complete(edge: EdgeTest): number
  /** Unmatches VM function u. */
  release(u: number): void
  /** After `augment(u)` failed: the VM functions it reached (u first) and the host functions they can take (one fewer). */
  violator(u: number): { readonly vm: number[]; readonly host: number[] }
  /** Copies the matching out (`into` holds n + m entries) or back in. */
  save(into: Int32Array): void
  restore(from: Int32Array): void
}

/** A matching with its own buffers, grown as hosts need. */
export const matching = (): Matching => {
  let n = 0
  let m = 0
  let vmMate = new Int32Array(8)
  let hostMate = new Int32Array(8)
  /** The search generation that last visited each host function. */
  let seen = new Int32Array(8)
  let generation = 0
  let stackVm = new Int32Array(9)
  let stackPos = new Int32Array(9)
  let stackVia = new Int32Array(9)
  let steps = 0

  const self: Matching = {
    get vmMate() {
      return vmMate
    },
    get hostMate() {
      return hostMate
    },
    get steps() {
      return steps
    },
    reset(vms, hosts) {
      n = vms
      m = hosts
      if (vmMate.length < n) {
        vmMate = new Int32Array(n)
        stackVm = new Int32Array(n + 1)
        stackPos = new Int32Array(n + 1)
        stackVia = new Int32Array(n + 1)
      }
      if (hostMate.length < m) {
        hostMate = new Int32Array(m)
        seen = new Int32Array(m)
        generation = 0
      }
      vmMate.fill(-1, 0, n)
      hostMate.fill(-1, 0, m)
      steps = 0
    },
    augment(u, edge) {
      // A free candidate first: the assignment in host order whenever functions do not compete.
      for (let k = 0; k < m; k++) {
        steps++
        if (hostMate[k]! < 0 && edge(u, k)) {
          vmMate[u] = k
          hostMate[k] = u
          return true
        }
      }
      if (generation === 0x7fffffff) {
        seen.fill(0)
        generation = 0
      }
      const gen = ++generation
      let depth = 0
      stackVm[0] = u
      stackPos[0] = 0
      while (depth >= 0) {
        const v = stackVm[depth]!
        let k = stackPos[depth]!
        for (; k < m; k++) {
          steps++
          if (seen[k] === gen || !edge(v, k)) continue
          seen[k] = gen
          break
        }
        if (k === m) {
          depth--
          continue
        }
        stackPos[depth] = k + 1
        stackVia[depth] = k
        const w = hostMate[k]!
        if (w >= 0) {
          stackVm[++depth] = w
          stackPos[depth] = 0
          continue
        }
        // k is free: every function on the path takes the host function it reached the next by.
        for (let d = depth; d >= 0; d--) {
          vmMate[stackVm[d]!] = stackVia[d]!
          hostMate[stackVia[d]!] = stackVm[d]!
        }
        return true
      }
      return false
    },
    complete(edge) {
      for (let i = 0; i < n; i++) if (vmMate[i]! < 0 && !self.augment(i, edge)) return i
      return -1
    },
    release(u) {
      const k = vmMate[u]!
      if (k >= 0) hostMate[k] = -1
      vmMate[u] = -1
    },
    violator(u) {
      const gen = generation
      const vm = [u]
      const host: number[] = []
      for (let k = 0; k < m; k++) {
        if (seen[k] !== gen) continue
        host.push(k)
        vm.push(hostMate[k]!)
      }
      return { vm, host }
    },
    save(into) {
      into.set(vmMate.subarray(0, n), 0)
      into.set(hostMate.subarray(0, m), n)
    },
    restore(from) {
      vmMate.set(from.subarray(0, n), 0)
      hostMate.set(from.subarray(n, n + m), 0)
    },
  }
  return self
}

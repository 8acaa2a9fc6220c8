/**
 * A gate before decoding a parsed JSON value: nesting deeper than any vpci JSON file has is
 * refused from one iterative walk. JSON.parse nests without limit, while the decoders' error
 * messages (JSON.stringify of the value met) and key checks recurse into what they are given, so
 * a value nested 10^4 deep where a string goes would overflow the stack instead of being refused.
 */

/** Deeper nesting than this is refused (a state's old mirror, the deepest vpci JSON, nests 9 levels). */
export const MAX_JSON_DEPTH = 64

/** The path to the first value nested deeper than `max` levels, or null. Linear in the value's size, no recursion. */
export const jsonTooDeep = (value: unknown, max: number = MAX_JSON_DEPTH): Array<string | number> | null => {
  interface Node {
    readonly v: unknown
    readonly depth: number
    readonly parent: Node | null
    readonly key: string | number
  }
  const stack: Node[] = [{ v: value, depth: 0, parent: null, key: '' }]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (node.v === null || typeof node.v !== 'object') continue
    if (node.depth >= max) {
      const path: Array<string | number> = []
      for (let n: Node | null = node; n !== null && n.parent !== null; n = n.parent) path.push(n.key)
      return path.reverse()
    }
    if (Array.isArray(node.v)) for (let i = node.v.length - 1; i >= 0; i--) stack.push({ v: node.v[i], depth: node.depth + 1, parent: node, key: i })
    else for (const [k, x] of Object.entries(node.v).reverse()) stack.push({ v: x, depth: node.depth + 1, parent: node, key: k })
  }
  return null
}

/** The message for a value `jsonTooDeep` found. */
export const TOO_DEEP = `nested deeper than ${MAX_JSON_DEPTH} levels; no vpci file nests like that`

/**
 * The skeleton cache finds a function's skeleton by numbers, not by its key text: it must find
 * exactly the skeleton a cold preparation builds. Every real dump, the repository's fixtures and
 * variants of them with one chain fact changed are prepared cold (cache emptied before each:
 * the skeleton built from scratch) and then warm, all together in another order: each warm
 * function must get a skeleton equal to its cold one (fields, masks, owners, optional bytes,
 * obligations), the same semantic image and the same digest, and functions share a skeleton
 * only where their cold skeletons are equal.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { readDump } from '../../src/dump/read-dump.js'
import { clearSkeletonCache, layoutSkeleton } from '../../src/semantic/layout-skeleton.js'
import { type PreparedFunction, prepareFunction } from '../../src/semantic/prepared-function.js'
import { readCorpusBytes } from '../support/repo-corpus.js'
import { readRealDump, realDumpNames, sharedCorpusPresent } from '../support/shared-corpus.js'

const FIXTURES = ['families/accelerator/v1-host-a.lspci', 'families/accelerator/v2-host-c.lspci', 'families/nic/v1.lspci', 'families/nic/v2.lspci', 'functions/pasid-ats-pri-endpoint.lspci', 'functions/conventional-256.lspci', 'functions/type1-root-port.lspci']

const image = (bytes: Uint8Array, name: string): Uint8Array => {
  const d = readDump(bytes, name)
  if (E.isLeft(d)) throw new Error(`${name}: ${JSON.stringify(d.left)}`)
  return Uint8Array.from(d.right.config.bytes)
}

/** Each image, and variants with one byte of its chain changed: a capability's next pointer, an extended capability's version. */
const images = (): Array<[string, Uint8Array]> => {
  const out: Array<[string, Uint8Array]> = []
  for (const name of realDumpNames()) out.push([name, image(readRealDump(name), name)])
  for (const name of FIXTURES) {
    const base = image(readCorpusBytes(name), name)
    out.push([name, base])
    const moved = base.slice()
    // The first standard capability's next pointer (the chain ends there instead).
    if (moved[0x34]! >= 0x40) moved[moved[0x34]! + 1] = 0
    out.push([`${name} (chain cut)`, moved])
    if (base.length === 4096) {
      const versioned = base.slice()
      versioned[0x102] = (versioned[0x102]! & 0x0f) ^ 0x03 | (versioned[0x102]! & 0xf0)
      out.push([`${name} (extended version)`, versioned])
    }
  }
  return out
}

const prepare = (bytes: Uint8Array, name: string): PreparedFunction => {
  const d = readDump(bytes, name)
  if (E.isLeft(d)) throw new Error(name)
  return prepareFunction(d.right)
}

/** What a skeleton says, as plain data: its fields placed, masks, owners, optional bytes, obligations and mask encoding. */
const content = (f: PreparedFunction) => {
  const k = layoutSkeleton(f.config, f.walk)
  return {
    fields: k.fields.map((x) => [x.offset, x.spec.key, x.spec.access, x.spec.at, x.spec.width]),
    masks: Buffer.from(k.masks).toString('hex'),
    owner: Array.from(k.owner),
    optional: k.optional.map((o) => [o.at, o.bits, o.field.spec.key]),
    obligations: k.obligations,
    maskEncoding: Buffer.from(k.maskEncoding).toString('hex'),
  }
}

describe('layout skeletons found by their numbers', () => {
  it('give every function the skeleton a cold preparation builds, shared only between functions whose skeletons are equal', () => {
    const all = images()
    // Without ../shared beside the repo, the repository's fixtures and variants only.
    expect(all.length).toBeGreaterThan(sharedCorpusPresent ? 100 : 10)
    const cold = all.map(([name, bytes]) => {
      clearSkeletonCache()
      const f = prepare(bytes, name)
      return { f, content: content(f) }
    })
    clearSkeletonCache()
    // Warm, in reverse order, every function twice: the second finds the first's skeleton.
    const warm = [...all].reverse().map(([name, bytes]) => [prepare(bytes, name), prepare(bytes, name)] as const).reverse()
    const skeletons = warm.map(([f]) => layoutSkeleton(f.config, f.walk))
    all.forEach(([name], i) => {
      const [first, again] = warm[i]!
      expect(content(first), name).toEqual(cold[i]!.content)
      expect(again.skeletonKey, name).toBe(first.skeletonKey)
      expect(Buffer.compare(first.semantic.packed, cold[i]!.f.semantic.packed), name).toBe(0)
      expect(first.digest, name).toBe(cold[i]!.f.digest)
    })
    let shared = 0
    for (let i = 0; i < all.length; i++) {
      for (let j = i + 1; j < all.length; j++) {
        if (skeletons[i] !== skeletons[j]) continue
        shared++
        expect(cold[j]!.content, `${all[i]![0]} and ${all[j]![0]}`).toEqual(cold[i]!.content)
      }
    }
    // Fixtures and their copies on other hosts share skeletons; the variants do not.
    expect(shared).toBeGreaterThan(0)
  })
})

/**
 * The migration state codec: golden fixtures (add-only) keep decoding and re-encode to the same
 * bytes, unknown fields included; generated states round-trip; hostile bytes give typed errors.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import protobuf from 'protobufjs/minimal.js'
import { describe, expect, it } from 'vitest'
import { derive } from '../../src/layout/derive.js'
import type { PasidState } from '../../src/pasid/pasid-state.js'
import type { Pasid, PasidWidth } from '../../src/pasid/pasid.js'
import { prepareFunction } from '../../src/semantic/prepared-function.js'
import type { MigrationState } from '../../src/state/migration-state.js'
import { decodeMigrationState, encodeMigrationState } from '../../src/state/state-codec.js'
import { migrationStateFromJson, migrationStateToJson } from '../../src/state/state-json.js'
import { arbitraryFunction } from '../support/arbitrary-function.js'
import { corpusPath, readCorpusText } from '../support/repo-corpus.js'
import { preparedImage } from '../support/prepared.js'

const golden = new Uint8Array(readFileSync(corpusPath('state/vm-17-schema-v1.pb')))
const same = (a: Uint8Array, b: Uint8Array) => expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0)
const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left))
  return e.right
}

/** Rewrites the first length-delimited field `field` of `bytes` with `extra` appended inside it. */
const appendInside = (bytes: Uint8Array, field: number, extra: Uint8Array): Uint8Array => {
  const reader = protobuf.Reader.create(bytes)
  const writer = protobuf.Writer.create()
  let done = false
  while (reader.pos < reader.len) {
    const start = reader.pos
    const tag = reader.uint32()
    if (!done && tag >>> 3 === field && (tag & 7) === 2) {
      const inner = reader.bytes()
      writer.uint32(tag).bytes(new Uint8Array([...inner, ...extra]))
      done = true
    } else {
      reader.skipType(tag & 7)
      writer.raw(bytes.subarray(start, reader.pos))
    }
  }
  return writer.finish()
}

/** An unknown field: number 99, varint 7. */
const UNKNOWN = new Uint8Array([0x98, 0x06, 0x07])

describe('golden fixtures', () => {
  it('vm-17-schema-v1.pb (the first schema) decodes and re-encodes to the same bytes', () => {
    const state = right(decodeMigrationState(golden))
    expect(state.vmName).toBe('vm-17')
    expect(state.functions.map((f) => [f.guestAddress, f.layout.name, f.configImage.size])).toEqual([
      ['00:05.0', 'accelerator-v1', 4096],
      ['00:06.0', 'nic-v1', 4096],
    ])
    expect(state.pasid?.mode).toBe('global-split')
    same(encodeMigrationState(state), golden)
  })

  it('its old JSON mirror and its ProtoJSON read back to a state that encodes to the same bytes', () => {
    const fromMirror = right(migrationStateFromJson(JSON.parse(readCorpusText('state/vm-17-schema-v1.json'))))
    same(encodeMigrationState(fromMirror), golden)
    same(encodeMigrationState(right(migrationStateFromJson(JSON.parse(JSON.stringify(migrationStateToJson(fromMirror)))))), golden)
  })

  it('unknown fields from a newer writer survive re-encoding, at the top and nested', () => {
    const top = new Uint8Array([...golden, ...UNKNOWN])
    same(encodeMigrationState(right(decodeMigrationState(top))), top)
    // Inside the first AssignedFunction (field 3 of MigrationState).
    const nested = appendInside(golden, 3, UNKNOWN)
    same(encodeMigrationState(right(decodeMigrationState(nested))), nested)
  })
})

const pasidFor = (addresses: readonly string[]): PasidState => ({
  mode: 'delegated',
  functions: addresses.map((id) => ({ id, capability: { width: 8 as PasidWidth, execute: false, privileged: false }, enqcmd: false })),
  bindings: addresses.map((id, i) => ({ function: id, pasid: (i + 1) as Pasid })),
})

describe('generated states round-trip', () => {
  it('encode(decode(encode(s))) == encode(s), and decode gives s back', () => {
    fc.assert(
      fc.property(fc.array(arbitraryFunction, { minLength: 1, maxLength: 3 }), (generated) => {
        const functions = generated.map((g, i) => {
          const p = preparedImage(g.bytes)
          const layout = right(derive(p, { policy: 'none', pasid: 'none', name: `f${i}` }))
          const built = prepareFunction({ file: 'x', device: null, description: null, config: p.config, resources: null })
          return { guestAddress: `00:0${i}.0`, persona: null, layout, configImage: p.config, semanticDigest: Uint8Array.from(Buffer.from(built.digest, 'hex')) }
        })
        const state: MigrationState = { schemaVersion: 1, vmName: 'gen', functions, pasid: pasidFor(functions.map((f) => f.guestAddress)) }
        const bytes = encodeMigrationState(state)
        const back = right(decodeMigrationState(bytes))
        same(encodeMigrationState(back), bytes)
        const { wire: _wire, ...plain } = back
        expect(JSON.stringify(migrationStateToJson(plain))).toBe(JSON.stringify(migrationStateToJson(state)))
      }),
      { numRuns: 60 },
    )
  })
})

describe('hostile bytes give typed errors', () => {
  it('no truncation of the golden fixture throws; the cuts inside a field are refused', () => {
    let refused = 0
    for (let n = 0; n < golden.length; n += 7) {
      const r = decodeMigrationState(golden.subarray(0, n))
      if (E.isLeft(r)) refused++
    }
    // Cutting at 7-byte steps almost never lands on a field boundary of this 9.8 KB message.
    expect(refused).toBeGreaterThan(Math.floor(golden.length / 7) - 5)
  })

  it('a length prefix of 2^31 is refused without allocating it', () => {
    // field 3 (functions), wire type 2, length varint 0x80000000
    const r = decodeMigrationState(new Uint8Array([0x1a, 0x80, 0x80, 0x80, 0x80, 0x08, 0x00]))
    expect(E.isLeft(r) && r.left[0]!.message).toMatch(/not a vpci\.migration\.v1\.MigrationState/)
  })

  it('a known field with the wrong wire type is an unknown field, so the state lacks it and is refused', () => {
    // schema_version (field 1, varint) sent length-delimited; vm_name (2) is fine. Protobuf keeps
    // the mismatched field as unknown, so schema_version reads as 0.
    const r = decodeMigrationState(new Uint8Array([0x0a, 0x02, 0xff, 0xff, 0x12, 0x01, 0x76]))
    expect(E.isLeft(r) && r.left.map((e) => [e.path, e.message])).toEqual([[['schemaVersion'], 'schema version 0; this vpci reads version 1']])
  })

  it('nested garbage 2,000 levels deep is bounded by the schema and refused with paths', () => {
    // Field 3 inside field 3 ... : functions → layout → identity, then identity's field 3 is a
    // varint, so the rest is one unknown field, skipped without recursing (no message of the
    // schema contains itself, so nesting depth is bounded by the schema, not by the input).
    let inner: Uint8Array = new Uint8Array([0x08, 0x01])
    for (let depth = 0; depth < 2000; depth++) {
      const w = protobuf.Writer.create()
      w.uint32((3 << 3) | 2).bytes(inner)
      inner = w.finish()
    }
    const r = decodeMigrationState(inner)
    expect(E.isLeft(r) && r.left.map((e) => e.path).slice(0, 3)).toEqual([['schemaVersion'], ['functions', 0, 'configImage'], ['functions', 0, 'semanticDigest']])
  })

  it('random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        expect(() => decodeMigrationState(bytes)).not.toThrow()
      }),
      { numRuns: 2000 },
    )
  })

  it('a bad layout is refused with its path every time, whatever the layout cache holds', () => {
    const state = right(decodeMigrationState(golden))
    const f = state.functions[1]!
    const broken = { ...f.layout, capabilities: f.layout.capabilities.map((c, i) => (i === 0 ? { ...c, offset: 0x41 } : c)) }
    const bad = encodeMigrationState({ ...state, wire: undefined, functions: [state.functions[0]!, { ...f, layout: broken }] })
    for (let round = 0; round < 2; round++) {
      const r = decodeMigrationState(bad)
      expect(E.isLeft(r) && r.left.map((e) => e.path.slice(0, 5))).toContainEqual(['functions', 1, 'layout', 'capabilities', 0])
    }
    // The good state still decodes after the bad one.
    expect(E.isRight(decodeMigrationState(golden))).toBe(true)
  })

  it('a PASID function that is not an assigned function', () => {
    const state = right(decodeMigrationState(golden))
    const bad = encodeMigrationState({ ...state, wire: undefined, pasid: { ...state.pasid!, functions: [...state.pasid!.functions, { id: '00:09.0', capability: { width: 8 as PasidWidth, execute: false, privileged: false }, enqcmd: false }] } as PasidState })
    const r = decodeMigrationState(bad)
    expect(E.isLeft(r) && r.left.map((e) => e.path)).toEqual([['pasid', 'functions', 2, 'id']])
  })
})

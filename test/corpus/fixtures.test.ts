/**
 * The team's fixtures walk as they were built: each expected list below is read off the
 * register-by-register construction in corpus/make-fixtures.mjs (offsets, IDs, and lengths from
 * the spec's rule for that capability), not from the walker's output.
 */
import { describe, expect, it } from 'vitest'
import { walkCapabilities } from '../../src/capability/walk.js'
import { corpusDump } from '../support/repo-corpus.js'

type Row = readonly [space: 'standard' | 'extended', offset: number, id: number, version: number | null, length: number]

const FUNCTIONS: ReadonlyArray<readonly [string, readonly Row[]]> = [
  [
    'functions/pasid-ats-pri-endpoint.lspci',
    [
      ['standard', 0x40, 0x10, null, 0x3c], // PCIe v2: full 0x3C structure
      ['standard', 0x80, 0x11, null, 12], // MSI-X
      ['standard', 0x90, 0x01, null, 8], // PM
      ['extended', 0x100, 0x01, 2, 0x2c], // AER, endpoint, no TLP prefix log
      ['extended', 0x148, 0x0f, 1, 8], // ATS
      ['extended', 0x150, 0x1b, 1, 8], // PASID
      ['extended', 0x158, 0x13, 1, 16], // PRI
    ],
  ],
  [
    'functions/conventional-256.lspci',
    [
      ['standard', 0x50, 0x01, null, 8],
      ['standard', 0x60, 0x05, null, 24], // MSI 64-bit (+4) with per-vector masking (+10)
      ['standard', 0x78, 0x09, null, 8], // vendor specific, length byte 8
    ],
  ],
  [
    'functions/type1-root-port.lspci',
    [
      ['standard', 0x40, 0x10, null, 0x3c],
      ['standard', 0x80, 0x05, null, 10], // MSI 32-bit, no masking
      ['standard', 0x90, 0x0d, null, 8],
      ['standard', 0xa0, 0x01, null, 8],
      ['extended', 0x100, 0x01, 1, 0x38], // AER with root port registers
      ['extended', 0x140, 0x0d, 1, 8], // ACS without egress control
      ['extended', 0x148, 0x19, 1, 0x1c], // Secondary PCIe: 0xC + 2 × 8 lanes
    ],
  ],
]

describe('team fixtures walk as built', () => {
  it.each(FUNCTIONS)('%s', (name, rows) => {
    const walk = walkCapabilities(corpusDump(name).config)
    expect(walk.problems).toEqual([])
    expect(walk.capabilities.map((c) => [c.space, c.offset, c.id, c.version, c.length])).toEqual(rows)
  })
})

/** Each broken fixture: the capabilities still read, and the one problem it was built with. */
const BROKEN: ReadonlyArray<readonly [string, readonly (readonly [number, number])[], Record<string, unknown>]> = [
  ['std-loop', [[0x40, 0x01], [0x50, 0x05]], { code: 'CHAIN_LOOP', space: 'standard', offset: 0x40, from: 0x51 }],
  ['std-id-ff', [[0x40, 0x01]], { code: 'CHAIN_BROKEN', space: 'standard', offset: 0x60, from: 0x41 }],
  ['std-pointer-in-header', [[0x40, 0x01]], { code: 'POINTER_OUT_OF_RANGE', space: 'standard', offset: 0x41, pointer: 0x20 }],
  ['std-pointer-misaligned', [[0x40, 0x01]], { code: 'POINTER_MISALIGNED', space: 'standard', offset: 0x34, pointer: 0x43 }],
  ['std-overlap', [[0x40, 0x05], [0x50, 0x01]], { code: 'CAP_OVERLAP', space: 'standard', offset: 0x50, other: 0x40, otherEnd: 0x58 }],
  ['std-past-end', [[0xe0, 0x10]], { code: 'CAP_PAST_END', space: 'standard', offset: 0xe0, length: 0x3c, end: 0x100 }],
  ['std-vendor-length', [[0x40, 0x09]], { code: 'LENGTH_INVALID', space: 'standard', offset: 0x40, length: 1 }],
  ['header-type-unknown', [], { code: 'UNKNOWN_HEADER_TYPE', offset: 0x0e, layout: 5 }],
  ['beyond-image-64', [], { code: 'POINTER_BEYOND_IMAGE', space: 'standard', offset: 0x34, pointer: 0x40, imageSize: 64 }],
  ['ext-loop', [[0x40, 0x10], [0x100, 0x01], [0x140, 0x0f]], { code: 'CHAIN_LOOP', space: 'extended', offset: 0x100, from: 0x142 }],
  ['ext-pointer-below-100', [[0x40, 0x10], [0x100, 0x01]], { code: 'POINTER_OUT_OF_RANGE', space: 'extended', offset: 0x102, pointer: 0xc0 }],
  ['ext-dangling', [[0x40, 0x10], [0x100, 0x01]], { code: 'CHAIN_BROKEN', space: 'extended', offset: 0x200, from: 0x102, header: 0 }],
  ['ext-unreadable', [[0x40, 0x10]], { code: 'EXTENDED_UNREADABLE', offset: 0x100 }],
  ['ext-overlap', [[0x40, 0x10], [0x100, 0x03], [0x108, 0x18]], { code: 'CAP_OVERLAP', space: 'extended', offset: 0x108, other: 0x100, otherEnd: 0x10c }],
  ['ext-past-end', [[0x40, 0x10], [0x100, 0x01], [0xfd0, 0x10]], { code: 'CAP_PAST_END', space: 'extended', offset: 0xfd0, length: 0x40, end: 0x1000 }],
]

describe('broken fixtures: everything readable is read, and the defect is reported where it is', () => {
  it.each(BROKEN)('%s', (name, caps, problem) => {
    const walk = walkCapabilities(corpusDump(`broken/${name}.lspci`).config)
    expect(walk.capabilities.map((c) => [c.offset, c.id])).toEqual(caps)
    expect(walk.problems).toHaveLength(1)
    expect(walk.problems[0]).toMatchObject(problem)
  })

  it('ext-hidden-first: a hidden first extended capability (ID 0) keeps its place and the chain continues', () => {
    const walk = walkCapabilities(corpusDump('broken/ext-hidden-first.lspci').config)
    expect(walk.problems).toEqual([])
    const ext = walk.capabilities.filter((c) => c.space === 'extended')
    expect(ext.map((c) => [c.offset, c.id, c.version])).toEqual([
      [0x100, 0x00, 0],
      [0x150, 0x1b, 1],
    ])
    // Nothing states the hidden capability's length: it reaches to the next one.
    expect(ext[0]).toMatchObject({ length: 0x50, lengthKind: 'inferred' })
  })
})

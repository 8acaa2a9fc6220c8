/**
 * What can be wrong with a function's capability lists, as data. The walker returns these next
 * to everything it could read; {@link renderWalkProblem} turns one into a sentence.
 */
import type { Space } from './capability.js'

export type WalkProblem =
  /** Every byte reads 0xFF: the function is absent, powered off or was unreachable when read. */
  | { readonly code: 'ALL_ONES'; readonly space: null; readonly offset: null }
  /** Header type bits 6:0 are not 0, 1 or 2, so there is no known place for a capability pointer. */
  | { readonly code: 'UNKNOWN_HEADER_TYPE'; readonly space: null; readonly offset: number; readonly layout: number }
  /** A pointer (stored at `offset`) has its reserved low two bits set; the walk masks them and goes on. */
  | { readonly code: 'POINTER_MISALIGNED'; readonly space: Space; readonly offset: number; readonly pointer: number }
  /** A pointer (stored at `offset`) leads below the start of its space (0x40 or 0x100); the walk stops. */
  | { readonly code: 'POINTER_OUT_OF_RANGE'; readonly space: Space; readonly offset: number; readonly pointer: number }
  /** A pointer (stored at `offset`) leads past the bytes the image holds (a 64- or 256-byte read). */
  | {
      readonly code: 'POINTER_BEYOND_IMAGE'
      readonly space: Space
      readonly offset: number
      readonly pointer: number
      readonly imageSize: number
    }
  /** The pointer at `from` leads back to `offset`, already visited. */
  | { readonly code: 'CHAIN_LOOP'; readonly space: Space; readonly offset: number; readonly from: number }
  /**
   * The pointer at `from` leads to `offset`, where no capability can be: ID 0xFF in standard
   * space, a header reading 0 or 0xFFFFFFFF in extended space.
   */
  | {
      readonly code: 'CHAIN_BROKEN'
      readonly space: Space
      readonly offset: number
      readonly from: number
      readonly header: number
    }
  /** More capabilities than the space can hold (Linux's bound); the walk stops at `offset`. */
  | { readonly code: 'TOO_MANY_CAPABILITIES'; readonly space: Space; readonly offset: number; readonly limit: number }
  /** The extended header at 0x100 reads 0xFFFFFFFF: extended space could not be read. */
  | { readonly code: 'EXTENDED_UNREADABLE'; readonly space: 'extended'; readonly offset: number }
  /**
   * Extended space holds data but the function has neither a PCI Express nor a PCI-X
   * capability, so (as lspci and Linux do) it is not walked.
   */
  | { readonly code: 'EXTENDED_IGNORED'; readonly space: 'extended'; readonly offset: number }
  /** The capability at `offset` begins inside the one at `other`, which runs to `otherEnd`. */
  | {
      readonly code: 'CAP_OVERLAP'
      readonly space: Space
      readonly offset: number
      readonly other: number
      readonly otherEnd: number
    }
  /** The capability at `offset` is `length` bytes long and so runs past `end`, the end of its space. */
  | {
      readonly code: 'CAP_PAST_END'
      readonly space: Space
      readonly offset: number
      readonly length: number
      readonly end: number
    }
  /** The capability at `offset` states a length shorter than its own header; `minimum` is used. */
  | {
      readonly code: 'LENGTH_INVALID'
      readonly space: Space
      readonly offset: number
      readonly length: number
      readonly minimum: number
    }

export type WalkProblemCode = WalkProblem['code']

const hex = (n: number): string => `0x${n.toString(16)}`

/** One sentence describing a walk problem, for people. */
export const renderWalkProblem = (p: WalkProblem): string => {
  switch (p.code) {
    case 'ALL_ONES':
      return 'every byte reads 0xff: the function is absent, powered off or was unreachable when read'
    case 'UNKNOWN_HEADER_TYPE':
      return `header type ${hex(p.layout)} is not 0 (endpoint), 1 (bridge) or 2 (CardBus); capabilities not walked`
    case 'POINTER_MISALIGNED':
      return `${p.space} capability pointer at ${hex(p.offset)} is ${hex(p.pointer)}, not dword-aligned; its low two bits were ignored`
    case 'POINTER_OUT_OF_RANGE':
      return `${p.space} capability pointer at ${hex(p.offset)} is ${hex(p.pointer)}, below ${p.space === 'standard' ? '0x40' : '0x100'}; chain stops there`
    case 'POINTER_BEYOND_IMAGE':
      return `${p.space} capability pointer at ${hex(p.offset)} leads to ${hex(p.pointer)}, beyond the ${p.imageSize} bytes read; read the full config space (lspci -xxxx or as root)`
    case 'CHAIN_LOOP':
      return `${p.space} capability chain looped: the pointer at ${hex(p.from)} leads back to ${hex(p.offset)}`
    case 'CHAIN_BROKEN':
      return p.space === 'standard'
        ? `standard capability chain broken: the pointer at ${hex(p.from)} leads to ${hex(p.offset)}, whose ID reads 0xff`
        : `extended capability chain broken: the pointer at ${hex(p.from)} leads to ${hex(p.offset)}, whose header reads ${hex(p.header)}`
    case 'TOO_MANY_CAPABILITIES':
      return `more than ${p.limit} ${p.space} capabilities; walk stopped at ${hex(p.offset)}`
    case 'EXTENDED_UNREADABLE':
      return 'extended capability header at 0x100 reads 0xffffffff: extended space was not readable'
    case 'EXTENDED_IGNORED':
      return 'extended space holds data but the function has no PCI Express or PCI-X capability; extended capabilities not walked'
    case 'CAP_OVERLAP':
      return `${p.space} capability at ${hex(p.offset)} starts inside the one at ${hex(p.other)}, which runs to ${hex(p.otherEnd - 1)}`
    case 'CAP_PAST_END':
      return `${p.space} capability at ${hex(p.offset)} is ${p.length} bytes long and runs past ${hex(p.end - 1)}, the end of ${p.space} space`
    case 'LENGTH_INVALID':
      return `${p.space} capability at ${hex(p.offset)} states a length of ${p.length} byte${p.length === 1 ? "" : "s"}, shorter than its ${p.minimum}-byte header`
  }
}

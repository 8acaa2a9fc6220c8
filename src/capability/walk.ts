/**
 * Walks both capability lists of a config space image. Never throws and always terminates: it
 * returns every capability it could read, in chain order, and every problem it met as data.
 *
 * Rules (shared/REFERENCE.md "Walking the lists"): the standard list starts at the pointer at
 * 0x34 (0x14 for CardBus) only when Status bit 4 is set; pointers have their low two bits masked;
 * ID 0xFF breaks the chain. The extended list starts at 0x100 and is walked only when the image
 * is 4096 bytes and the function has a PCI Express or PCI-X capability (lspci's rule); a header of
 * 0 ends it, a header with ID 0 and a non-zero next is a hidden capability whose chain continues.
 * A visited set catches loops at the offset they re-enter.
 */
import { type ConfigSpace, EXTENDED_SPACE_START, isAllOnes, readU8, readU16, readU32 } from '../config-space/config-space.js'
import {
  CAPABILITY_POINTER,
  CARDBUS_CAPABILITY_POINTER,
  HEADER_LAYOUT_BRIDGE,
  HEADER_LAYOUT_CARDBUS,
  HEADER_LAYOUT_NORMAL,
  HEADER_TYPE,
  HEADER_TYPE_LAYOUT_MASK,
  POINTER_MASK,
  STANDARD_CAPABILITY_MIN,
  STATUS,
  STATUS_CAP_LIST,
} from '../config-space/header.js'
import { type Capability, type LengthKind, type Space, spaceEnd } from './capability.js'
import { type FunctionFacts, functionFacts } from './function-facts.js'
import { lengthContext } from './length-rule.js'
import { lookupCapability, MINIMUM_LENGTH, unknownCapabilityName } from './registry.js'
import type { WalkProblem } from './walk-problem.js'

export interface Walk {
  /** Standard capabilities in chain order, then extended capabilities in chain order. */
  readonly capabilities: readonly Capability[]
  readonly problems: readonly WalkProblem[]
  readonly facts: FunctionFacts
  /**
   * The function has extended config space a guest can see: it has a PCI Express or PCI-X
   * capability (whether or not the image read includes that space).
   */
  readonly extendedSpace: boolean
}

/** Linux's bound on the extended list ((4096 − 256) / 8 hops). */
export const EXTENDED_HOP_LIMIT = 480

const STANDARD_ID_EXPRESS = 0x10
const STANDARD_ID_PCIX = 0x07

/** A capability as found in the chain, before its length is known. */
interface Found {
  readonly space: Space
  readonly offset: number
  readonly id: number
  readonly version: number | null
  readonly next: number
}

const capabilityPointerRegister = (layout: number): number | null =>
  layout === HEADER_LAYOUT_NORMAL || layout === HEADER_LAYOUT_BRIDGE
    ? CAPABILITY_POINTER
    : layout === HEADER_LAYOUT_CARDBUS
      ? CARDBUS_CAPABILITY_POINTER
      : null

/**
 * True when `found` already holds a capability of `space` at `offset`. A linear scan: chains are
 * short (a dozen entries), and even the longest possible (480) costs less than allocating a set.
 */
const visited = (found: readonly Found[], space: Space, offset: number): boolean => {
  for (let i = 0; i < found.length; i++) if (found[i]!.offset === offset && found[i]!.space === space) return true
  return false
}

const walkStandard = (space: ConfigSpace, pointerRegister: number, found: Found[], problems: WalkProblem[]): void => {
  let from = pointerRegister
  let raw = readU8(space, pointerRegister)
  for (;;) {
    if (raw & 0x3) problems.push({ code: 'POINTER_MISALIGNED', space: 'standard', offset: from, pointer: raw })
    const at = raw & POINTER_MASK
    if (at === 0) return
    if (at < STANDARD_CAPABILITY_MIN) {
      problems.push({ code: 'POINTER_OUT_OF_RANGE', space: 'standard', offset: from, pointer: at })
      return
    }
    if (at + 2 > space.size) {
      problems.push({ code: 'POINTER_BEYOND_IMAGE', space: 'standard', offset: from, pointer: at, imageSize: space.size })
      return
    }
    if (visited(found, 'standard', at)) {
      problems.push({ code: 'CHAIN_LOOP', space: 'standard', offset: at, from })
      return
    }
    const id = readU8(space, at)
    if (id === 0xff) {
      problems.push({ code: 'CHAIN_BROKEN', space: 'standard', offset: at, from, header: id })
      return
    }
    raw = readU8(space, at + 1)
    found.push({ space: 'standard', offset: at, id, version: null, next: raw })
    from = at + 1
  }
}

const walkExtended = (space: ConfigSpace, found: Found[], problems: WalkProblem[]): void => {
  let at = EXTENDED_SPACE_START
  let from = -1
  for (let hops = 0; ; hops++) {
    const header = readU32(space, at)
    if (header === 0 || header === 0xffffffff) {
      if (from < 0) {
        if (header !== 0) problems.push({ code: 'EXTENDED_UNREADABLE', space: 'extended', offset: at })
      } else {
        problems.push({ code: 'CHAIN_BROKEN', space: 'extended', offset: at, from, header })
      }
      return
    }
    if (hops === EXTENDED_HOP_LIMIT) {
      problems.push({ code: 'TOO_MANY_CAPABILITIES', space: 'extended', offset: at, limit: EXTENDED_HOP_LIMIT })
      return
    }
    const rawNext = header >>> 20
    found.push({ space: 'extended', offset: at, id: header & 0xffff, version: (header >>> 16) & 0xf, next: rawNext })
    if (rawNext & 0x3) problems.push({ code: 'POINTER_MISALIGNED', space: 'extended', offset: at + 2, pointer: rawNext })
    const next = rawNext & 0xffc
    if (next === 0) return
    if (next < EXTENDED_SPACE_START) {
      problems.push({ code: 'POINTER_OUT_OF_RANGE', space: 'extended', offset: at + 2, pointer: next })
      return
    }
    if (visited(found, 'extended', next)) {
      problems.push({ code: 'CHAIN_LOOP', space: 'extended', offset: next, from: at + 2 })
      return
    }
    from = at + 2
    at = next
  }
}

/** Indices of `found` in address order (chains are usually in address order already). */
const addressOrder = (found: readonly Found[]): number[] => {
  const order = found.map((_, i) => i)
  for (let i = 1; i < found.length; i++) {
    if (found[i]!.offset < found[i - 1]!.offset) return order.sort((a, b) => found[a]!.offset - found[b]!.offset)
  }
  return order
}

/** Lengths from the registry, bounds of inferred lengths, and overlap / past-the-end problems. */
const measure = (space: ConfigSpace, found: readonly Found[], facts: FunctionFacts, problems: WalkProblem[]): Capability[] => {
  const byAddress = addressOrder(found)
  const nextStart = new Array<number>(found.length)
  for (let k = 0; k < byAddress.length; k++) {
    const here = found[byAddress[k]!]!
    const after = k + 1 < byAddress.length ? found[byAddress[k + 1]!]! : undefined
    nextStart[byAddress[k]!] = after !== undefined && after.space === here.space ? after.offset : spaceEnd(here.space)
  }
  const capabilities = found.map((f, i): Capability => {
    const entry = lookupCapability(f.space, f.id)
    const rule = entry?.length ?? { _tag: 'Inferred' as const }
    let length: number | null = null
    let lengthKind: LengthKind = 'inferred'
    if (rule._tag === 'Fixed') {
      length = rule.bytes
      lengthKind = 'fixed'
    } else if (rule._tag === 'Computed') {
      length = rule.compute(lengthContext(space, f.offset, f.version, facts))
      lengthKind = 'computed'
    }
    if (length === null) {
      length = nextStart[i]! - f.offset
      lengthKind = 'inferred'
    }
    const minimum = MINIMUM_LENGTH[f.space]
    if (length < minimum) {
      problems.push({ code: 'LENGTH_INVALID', space: f.space, offset: f.offset, length, minimum })
      length = minimum
    }
    const end = spaceEnd(f.space)
    if (f.offset + length > end) problems.push({ code: 'CAP_PAST_END', space: f.space, offset: f.offset, length, end })
    return {
      space: f.space,
      offset: f.offset,
      id: f.id,
      version: f.version,
      name: entry?.name ?? unknownCapabilityName(f.space, f.id),
      length,
      lengthKind,
      next: f.next,
      known: entry !== undefined,
    }
  })
  for (let k = 1; k < byAddress.length; k++) {
    const before = capabilities[byAddress[k - 1]!]!
    const here = capabilities[byAddress[k]!]!
    if (before.space === here.space && before.offset + before.length > here.offset) {
      problems.push({
        code: 'CAP_OVERLAP',
        space: here.space,
        offset: here.offset,
        other: before.offset,
        otherEnd: before.offset + before.length,
      })
    }
  }
  return capabilities
}

/** Walks both capability lists of `space`. Total: never throws, always terminates. */
export const walkCapabilities = (space: ConfigSpace): Walk => {
  const problems: WalkProblem[] = []
  const found: Found[] = []
  const noCaps = (facts: FunctionFacts): Walk => ({ capabilities: [], problems, facts, extendedSpace: false })
  if (isAllOnes(space)) {
    problems.push({ code: 'ALL_ONES', space: null, offset: null })
    return noCaps({ headerLayout: HEADER_TYPE_LAYOUT_MASK, express: null })
  }
  const layout = readU8(space, HEADER_TYPE) & HEADER_TYPE_LAYOUT_MASK
  const pointerRegister = capabilityPointerRegister(layout)
  if (pointerRegister === null) {
    problems.push({ code: 'UNKNOWN_HEADER_TYPE', space: null, offset: HEADER_TYPE, layout })
    return noCaps({ headerLayout: layout, express: null })
  }
  if (readU16(space, STATUS) & STATUS_CAP_LIST) walkStandard(space, pointerRegister, found, problems)
  const express = found.find((f) => f.id === STANDARD_ID_EXPRESS)
  const canHaveExtended = express !== undefined || found.some((f) => f.id === STANDARD_ID_PCIX)
  if (space.size > EXTENDED_SPACE_START) {
    if (canHaveExtended) walkExtended(space, found, problems)
    else if (readU32(space, EXTENDED_SPACE_START) !== 0 && readU32(space, EXTENDED_SPACE_START) !== 0xffffffff) {
      problems.push({ code: 'EXTENDED_IGNORED', space: 'extended', offset: EXTENDED_SPACE_START })
    }
  }
  const facts = functionFacts(space, express?.offset ?? null)
  return { capabilities: measure(space, found, facts, problems), problems, facts, extendedSpace: canHaveExtended }
}

/**
 * Base Address Register fields, shared by the type 0/1 headers and SR-IOV's VF BARs. A BAR's
 * low bits say what it is (read-only identity); the address bits are assigned and so migrated
 * state. The upper dword of a 64-bit memory BAR is all address.
 */
import { type FieldSpec, register } from '../field.js'
import type { LengthContext } from '../length-rule.js'

/** Fields of `count` consecutive BARs from `at`, reading each BAR's type from the image. */
export const barFields = (ctx: LengthContext, at: number, count: number, prefix: string, label: string): FieldSpec[] => {
  const fields: FieldSpec[] = []
  for (let i = 0; i < count; i++) {
    const offset = at + 4 * i
    const bar = register(`${label} ${i}`, offset, 4)
    const value = ctx.u32(offset)
    const key = `${prefix}${i}`
    if (value & 0x1) {
      fields.push(
        bar(0, 'RO', 'identity', `${key}Space`, 'Memory Space Indicator', { show: (v) => (v ? 'I/O' : 'memory') }),
        bar(1, 'RO', 'identity', `${key}Reserved`, 'Reserved'),
        bar([31, 2], 'RW', 'state', `${key}Address`, 'I/O Base Address'),
      )
      continue
    }
    const is64 = ((value >>> 1) & 0x3) === 0x2
    fields.push(
      bar(0, 'RO', 'identity', `${key}Space`, 'Memory Space Indicator', { show: (v) => (v ? 'I/O' : 'memory') }),
      bar([2, 1], 'RO', 'identity', `${key}Type`, 'Memory Type', { show: (v) => (v === 2 ? '64-bit' : v === 0 ? '32-bit' : `type ${v}`) }),
      bar(3, 'RO', 'identity', `${key}Prefetchable`, 'Prefetchable', { show: (v) => (v ? 'yes' : 'no') }),
      bar([31, 4], 'RW', 'state', `${key}Address`, 'Base Address'),
    )
    if (is64 && i + 1 < count) {
      fields.push(register(`${label} ${i + 1}`, offset + 4, 4)([31, 0], 'RW', 'state', `${prefix}${i + 1}AddressHigh`, 'Base Address (upper 32 bits)'))
      i++
    }
  }
  return fields
}

/** What a BAR register's low bits say it is: I/O, or 32- or 64-bit memory. */
export const barKindOf = (value: number): 'io' | 'memory32' | 'memory64' => (value & 1 ? 'io' : ((value >>> 1) & 3) === 2 ? 'memory64' : 'memory32')

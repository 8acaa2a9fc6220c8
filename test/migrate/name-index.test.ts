/**
 * The inventory's table of slots by name against a Map given the same operations: names added,
 * removed (each removal shifting later entries back) and looked up, many sharing a probe run,
 * then the table rebuilt from scratch.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { nameIndex } from '../../src/migrate/name-index.js'

describe('nameIndex', () => {
  it('answers as a Map under any sequence of adds and removes, and after a rebuild', () => {
    const op = fc.oneof(fc.record({ add: fc.nat(3000) }), fc.record({ remove: fc.nat(3000) }), fc.record({ get: fc.nat(3000) }))
    fc.assert(
      fc.property(fc.array(op, { minLength: 1000, maxLength: 3000 }), (ops) => {
        /** slot → name, as the inventory's slots hold them. */
        const names: Array<string | undefined> = []
        const model = new Map<string, number>()
        const index = nameIndex((slot) => names[slot])
        for (const o of ops) {
          if ('add' in o) {
            const name = `host-${o.add}`
            if (model.has(name)) continue
            names.push(name)
            index.add(name, names.length - 1)
            model.set(name, names.length - 1)
          } else if ('remove' in o) {
            const name = `host-${o.remove}`
            index.remove(name)
            const slot = model.get(name)
            if (slot !== undefined) names[slot] = undefined
            model.delete(name)
          } else expect(index.get(`host-${o.get}`)).toBe(model.get(`host-${o.get}`))
        }
        expect(index.size()).toBe(model.size)
        for (const [name, slot] of model) expect(index.get(name)).toBe(slot)
        index.rebuild(names.length, (slot) => names[slot])
        for (const [name, slot] of model) expect(index.get(name)).toBe(slot)
        expect(index.get('host-none')).toBeUndefined()
      }),
      { numRuns: 40 },
    )
  })
})

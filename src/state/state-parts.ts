/**
 * What both migration-state decoders (protobuf bytes and the JSON mirror) check of the parts
 * they read, so the two formats refuse exactly the same things: a config image of 256 or 4096
 * bytes, a 32-byte digest, a persona through the one persona codec, guest addresses present
 * and distinct, PASID functions that are assigned functions. Each appends its errors, with
 * their paths, to the caller's list.
 */
import * as E from 'fp-ts/lib/Either.js'
import { type ConfigSpace, configSpace } from '../config-space/config-space.js'
import type { Persona } from '../layout/function-layout.js'
import { personaFromData } from '../layout/persona-codec.js'
import type { PasidState } from '../pasid/pasid-state.js'
import type { StateError } from './migration-state.js'

type Path = ReadonlyArray<string | number>

/** The image as a config space, or undefined (with an error) unless it is 256 or 4096 bytes. */
export const checkedImage = (image: Uint8Array, path: Path, errors: StateError[]): ConfigSpace | undefined => {
  const config = image.length === 256 || image.length === 4096 ? configSpace(image) : undefined
  if (config === undefined) errors.push({ path, message: `${image.length} bytes; a config image is 256 or 4096` })
  return config
}

/** The digest, or undefined (with an error) unless it is 32 bytes. */
export const checkedDigest = (digest: Uint8Array, path: Path, errors: StateError[]): Uint8Array | undefined => {
  if (digest.length === 32) return Uint8Array.from(digest)
  errors.push({ path, message: `${digest.length} bytes; a SHA-256 digest is 32` })
  return undefined
}

/** The persona (null when absent), or undefined with every error of its shape. */
export const checkedPersona = (raw: unknown, path: Path, errors: StateError[]): Persona | null | undefined => {
  if (raw === null || raw === undefined) return null
  const persona = personaFromData(raw)
  if (E.isRight(persona)) return persona.right
  for (const e of persona.left) errors.push({ path: [...path, ...e.path], message: e.message })
  return undefined
}

/** Guest addresses must be given and distinct (the PASID state and every certificate name functions by them). */
export const guestAddressErrors = (addresses: ReadonlyArray<string | undefined>): StateError[] => {
  const first = new Map<string, number>()
  const errors: StateError[] = []
  addresses.forEach((a, i) => {
    if (a === undefined) return
    const path = ['functions', i, 'guestAddress']
    if (a === '') errors.push({ path, message: 'missing; every assigned function has a guest address' })
    else if (first.has(a)) errors.push({ path, message: `"${a}" appears twice (first at functions[${first.get(a)}])` })
    else first.set(a, i)
  })
  return errors
}

/** PASID functions must be the VM's assigned functions (by guest address). */
export const pasidFunctionErrors = (pasid: PasidState | null, addresses: ReadonlyArray<string | undefined>): StateError[] => {
  if (pasid === null) return []
  const known = new Set(addresses)
  return pasid.functions.flatMap((f, i) => (known.has(f.id) ? [] : [{ path: ['pasid', 'functions', i, 'id'], message: `"${f.id}" is not the guest address of an assigned function` }]))
}

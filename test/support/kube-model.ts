/**
 * Checks a parsed Kubernetes object against the typed models of @kubernetes/client-node (generated
 * from the API's OpenAPI document): every field is one the model declares (as the API server's
 * strict field validation refuses unknown ones), every value has the model's type, and every
 * field the model declares required (no `?` in its declaration) is there. Returns the problems
 * with their paths; none when the object fits.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as k8s from '@kubernetes/client-node'

interface Attribute {
  readonly baseName: string
  readonly type: string
  readonly format: string
}
interface Model {
  getAttributeTypeMap(): readonly Attribute[]
}

const models = k8s as unknown as Record<string, Model | undefined>
const modelsDir = join(dirname(createRequire(import.meta.url).resolve('@kubernetes/client-node')), 'gen', 'models')

const requiredCache = new Map<string, Set<string>>()
/** The fields a model declares without `?`: required by the API. */
const requiredOf = (type: string): Set<string> => {
  let r = requiredCache.get(type)
  if (r === undefined) {
    const text = readFileSync(join(modelsDir, `${type}.d.ts`), 'utf8')
    r = new Set([...text.matchAll(/^ {4}'(\w+)': /gm)].map((m) => m[1]!))
    requiredCache.set(type, r)
  }
  return r
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

/** The model type of a kind: `V1` and the kind, for the v1 groups this project writes. */
export const modelOf = (apiVersion: string, kind: string): string | null => {
  const version = apiVersion.split('/').pop()
  const name = `${version === 'v1' ? 'V1' : version}${kind}`
  return models[name] !== undefined ? name : null
}

/** Problems of `value` as type `type` (a model name, or the generator's type expressions). */
export const modelProblems = (value: unknown, type: string, path = ''): string[] => {
  const problems: string[] = []
  const at = path === '' ? '(root)' : path
  const array = /^Array<(.+)>$/.exec(type)
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type)
  if (array !== null) {
    if (!Array.isArray(value)) return [`${at}: must be a list`]
    value.forEach((v, i) => problems.push(...modelProblems(v, array[1]!, `${path}[${i}]`)))
    return problems
  }
  if (map !== null) {
    if (!isObject(value)) return [`${at}: must be a map`]
    for (const [k, v] of Object.entries(value)) problems.push(...modelProblems(v, map[1]!, `${path}.${k}`))
    return problems
  }
  switch (type) {
    case 'string':
      return typeof value === 'string' ? [] : [`${at}: must be a string`]
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? [] : [`${at}: must be a number`]
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: must be a boolean`]
    case 'Date':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? [] : [`${at}: must be a date-time`]
    case 'IntOrString':
      return typeof value === 'string' || Number.isInteger(value) ? [] : [`${at}: must be an integer or a string`]
    case 'any':
    case 'object':
      return []
  }
  const model = models[type]
  if (model === undefined) return [`${at}: no model ${type}`]
  if (!isObject(value)) return [`${at}: must be an object (${type})`]
  const attributes = model.getAttributeTypeMap()
  for (const [k, v] of Object.entries(value)) {
    const a = attributes.find((x) => x.baseName === k)
    if (a === undefined) problems.push(`${path}.${k}: ${type} has no such field`)
    else if (a.format === 'int32' || a.format === 'int64') {
      if (!Number.isInteger(v)) problems.push(`${path}.${k}: must be an integer`)
    } else problems.push(...modelProblems(v, a.type, `${path}.${k}`))
  }
  for (const r of requiredOf(type)) if (!(r in value)) problems.push(`${path}.${r}: required by ${type}`)
  return problems
}

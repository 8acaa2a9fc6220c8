#!/usr/bin/env node
// Writes a golden Host message fixture (vpci.migration.v1.Host). Golden fixtures are ADD-ONLY:
// never rewrite an existing file (the test that old bytes keep decoding depends on it); add a
// new name instead. Run after `npm run build`: node corpus/hosts/make-golden.mjs NAME
//
// Each name is a host file of this folder encoded as `vpci host encode` does (every function's
// config space embedded), except the functions a recipe keeps as file references.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import * as V from '../../dist/index.js'

const RECIPES = {
  // Two images embedded (lspci dumps, BAR sizes unknown).
  'host-good-schema-v1': { yaml: 'host-good.yaml', keep: [] },
  // One of each source: an image with sysfs resources, a layout inline, a dump named by file.
  'host-mixed-schema-v1': { yaml: 'host-mixed.yaml', keep: ['0000:5e:00.1'] },
}
const name = process.argv[2]
const recipe = RECIPES[name]
if (!recipe) throw new Error(`usage: make-golden.mjs NAME; names: ${Object.keys(RECIPES).join(', ')}`)
const out = new URL(`${name}.pb`, import.meta.url)
if (existsSync(out)) throw new Error(`${name}.pb exists; golden fixtures are add-only`)
const here = (p) => new URL(p, import.meta.url)
const right = (e, what) => {
  if (e._tag === 'Left') throw new Error(`${what}: ${JSON.stringify(e.left[0])}`)
  return e.right
}
const spec = right(V.decodeHostFile(readFileSync(here(recipe.yaml), 'utf8')), recipe.yaml)
const embed = (f) => {
  const s = f.source
  if (recipe.keep.includes(f.address) || !('path' in s)) return f
  if (s.kind === 'layout') return { ...f, source: { kind: 'inline-layout', layout: right(V.decodeLayout(readFileSync(here(s.path), 'utf8'), s.path), s.path) } }
  const dump =
    s.kind === 'sysfs'
      ? V.readSysfsFunction({ config: new Uint8Array(readFileSync(here(`${s.path}/config`))), resource: readFileSync(here(`${s.path}/resource`), 'utf8') }, s.path)
      : V.readDump(new Uint8Array(readFileSync(here(s.path))), s.path)
  const d = right(dump, s.path)
  return { ...f, source: { kind: 'image', name: d.device ?? d.file, config: d.config, resources: d.resources } }
}
writeFileSync(out, V.encodeHostMessage({ ...spec, functions: spec.functions.map(embed) }))

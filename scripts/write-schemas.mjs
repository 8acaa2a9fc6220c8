#!/usr/bin/env node
// Writes the JSON Schemas the package ships (schema/*.schema.json) from the built library, so
// the files are what the code exports (the tests compare them). Run after `npm run build`.
import { writeFileSync } from 'node:fs'
import { FUNCTION_LAYOUT_JSON_SCHEMA, HOST_JSON_SCHEMA, PASID_STATE_JSON_SCHEMA } from '../dist/index.js'

const out = new URL('../schema/', import.meta.url)
for (const [file, schema] of [
  ['function-layout.schema.json', FUNCTION_LAYOUT_JSON_SCHEMA],
  ['host.schema.json', HOST_JSON_SCHEMA],
  ['pasid-state.schema.json', PASID_STATE_JSON_SCHEMA],
]) writeFileSync(new URL(file, out), `${JSON.stringify(schema, null, 2)}\n`)

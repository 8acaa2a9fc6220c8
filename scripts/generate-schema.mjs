#!/usr/bin/env node
// Writes the JSON Schemas the package ships (schema/*.schema.json) from the built library (npm run
// schema:generate): each is generated from what its decoder checks, never edited by hand; the
// tests (test/layout/layout-schema.test.ts, test/host/host-schema.test.ts) fail when a file and the
// code disagree.
import { writeFileSync } from 'node:fs'
import { functionLayoutJsonSchema, hostJsonSchema, pasidStateJsonSchema } from '../dist/index.js'

for (const [file, schema] of [
  ['function-layout.schema.json', functionLayoutJsonSchema()],
  ['host.schema.json', hostJsonSchema()],
  ['pasid-state.schema.json', pasidStateJsonSchema()],
]) writeFileSync(new URL(`../schema/${file}`, import.meta.url), `${JSON.stringify(schema, null, 2)}\n`)

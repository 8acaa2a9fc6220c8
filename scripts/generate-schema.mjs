#!/usr/bin/env node
// Writes schema/function-layout.schema.json from the built library (npm run schema:generate):
// the schema is generated from the decoder's bounds and the capability registry, never edited by
// hand; test/layout/layout-schema.test.ts fails when the file and the code disagree.
import { writeFileSync } from 'node:fs'
import { functionLayoutJsonSchema } from '../dist/index.js'

writeFileSync(new URL('../schema/function-layout.schema.json', import.meta.url), `${JSON.stringify(functionLayoutJsonSchema(), null, 2)}\n`)

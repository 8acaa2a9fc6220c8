/**
 * The shipped JSON Schema: it is the one the code exports, it accepts every layout the tool
 * writes, and it rejects the shape errors an editor should flag.
 */
import { readFileSync } from 'node:fs'
import Ajv2020 from 'ajv/dist/2020.js'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { derive } from '../../src/layout/derive.js'
import { functionLayoutJsonSchema } from '../../src/layout/layout-schema.js'
import { layoutToFile } from '../../src/layout/layout-yaml.js'
import { corpusPath, readCorpusText } from '../support/repo-corpus.js'
import { preparedReal } from '../support/prepared.js'
import { pfOption } from '../support/real-vf.js'
import { realDumpNames, sharedCorpusPresent } from '../support/shared-corpus.js'

const validate = new Ajv2020({ allErrors: true }).compile(functionLayoutJsonSchema())

describe('layout JSON Schema', () => {
  it('the file shipped in schema/ is the exported schema (regenerate it when this fails)', () => {
    expect(JSON.parse(readFileSync(corpusPath('../schema/function-layout.schema.json'), 'utf8'))).toEqual(functionLayoutJsonSchema())
  })

  it('accepts the team layout file', () => {
    expect(validate(parse(readCorpusText('layouts/accelerator-v1.yaml'))), JSON.stringify(validate.errors)).toBe(true)
  })

  it.each(['wrong-type.yaml', 'unknown-key.yaml', 'wrong-kind.yaml'])('rejects %s', (file) => {
    expect(validate(parse(readCorpusText(`layouts/bad/${file}`)))).toBe(false)
  })

  it.skipIf(!sharedCorpusPresent)('accepts the derived layout of every readable real dump', () => {
    for (const name of realDumpNames()) {
      const layout = derive(preparedReal(name), pfOption(name))
      if (E.isLeft(layout)) continue
      const file = JSON.parse(JSON.stringify(layoutToFile(layout.right)))
      expect(validate(file), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true)
    }
  })
})

#!/usr/bin/env node
// Writes a golden migration state fixture. Golden fixtures are ADD-ONLY: never rewrite an
// existing file (the test that old bytes keep decoding depends on it); add a new name instead.
// Run after `npm run build`: node corpus/state/make-golden.mjs NAME
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import * as V from '../../dist/index.js'

const name = process.argv[2]
if (!name) throw new Error('usage: make-golden.mjs NAME')
const out = new URL(`${name}.pb`, import.meta.url)
if (existsSync(out)) throw new Error(`${name}.pb exists; golden fixtures are add-only`)
const corpus = (p) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8')
const layout = V.decodeLayout(corpus('layouts/accelerator-v1.yaml'), 'accelerator-v1.yaml')
const nic = V.decodeLayout(corpus('layouts/nic-v1.yaml'), 'nic-v1.yaml')
const fn = (address, l) => {
  const built = V.build(l.right)
  const p = V.prepareFunction(built.right)
  return { guestAddress: address, persona: l.right.persona, layout: l.right, configImage: built.right.config, semanticDigest: Uint8Array.from(Buffer.from(p.digest, 'hex')) }
}
const pasid = V.decodePasidState(corpus('pasid/vm-enqcmd.json'))
const state = { schemaVersion: 1, vmName: 'vm-17', functions: [fn('00:05.0', layout), fn('00:06.0', nic)], pasid: pasid.right }
writeFileSync(out, V.encodeMigrationState(state))
writeFileSync(new URL(`${name}.json`, import.meta.url), `${JSON.stringify(V.migrationStateToJson(state), null, 2)}\n`)

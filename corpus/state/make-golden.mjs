#!/usr/bin/env node
// Writes a golden migration state fixture. Golden fixtures are ADD-ONLY: never rewrite an
// existing file (the test that old bytes keep decoding depends on it); add a new name instead.
// Run after `npm run build`: node corpus/state/make-golden.mjs NAME
//
// Each name has its recipe below. vm-17-schema-v1 (the first) put 00:06.0 on N1, which shows the
// guest no PASID capability, while its PASID state gives 00:06.0 a 16-bit one: a state that
// contradicts itself, refused since states are checked against themselves (STATE_PASID_CAPABILITY).
// vm-17-n2-schema-v1 is the same VM with 00:06.0 on N2 (whose vPASID is 16 bits wide).
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import * as V from '../../dist/index.js'

const RECIPES = {
  'vm-17-schema-v1': ['layouts/accelerator-v1.yaml', 'layouts/nic-v1.yaml'],
  'vm-17-n2-schema-v1': ['layouts/accelerator-v1.yaml', 'layouts/nic-v2.yaml'],
}
const name = process.argv[2]
if (!RECIPES[name]) throw new Error(`usage: make-golden.mjs NAME; names: ${Object.keys(RECIPES).join(', ')}`)
const out = new URL(`${name}.pb`, import.meta.url)
if (existsSync(out)) throw new Error(`${name}.pb exists; golden fixtures are add-only`)
const corpus = (p) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8')
const layoutOf = (p) => V.decodeLayout(corpus(p), p.split('/').pop())
const fn = (address, l) => {
  const built = V.build(l.right)
  const p = V.prepareFunction(built.right)
  return { guestAddress: address, persona: l.right.persona, layout: l.right, configImage: built.right.config, semanticDigest: Uint8Array.from(Buffer.from(p.digest, 'hex')) }
}
const [first, second] = RECIPES[name].map(layoutOf)
const pasid = V.decodePasidState(corpus('pasid/vm-enqcmd.json'))
const state = { schemaVersion: 1, vmName: 'vm-17', functions: [fn('00:05.0', first), fn('00:06.0', second)], pasid: pasid.right }
writeFileSync(out, V.encodeMigrationState(state))
// Its JSON form, ProtoJSON (the .json files of the first goldens are the old mirror, kept as its fixtures).
writeFileSync(new URL(`${name}.protojson.json`, import.meta.url), `${JSON.stringify(V.migrationStateToJson(state), null, 2)}\n`)

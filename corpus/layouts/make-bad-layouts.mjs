#!/usr/bin/env node
// Writes corpus/layouts/bad/*.yaml: accelerator-v1.yaml with exactly one defect each.
// Each entry: [file, text to find, replacement]. test/layout/layout-decode.test.ts holds the
// error each must give. Run: node corpus/layouts/make-bad-layouts.mjs
import { readFileSync, writeFileSync } from 'node:fs'

const here = new URL('.', import.meta.url)
const base = readFileSync(new URL('accelerator-v1.yaml', here), 'utf8')
const BAD = [
  ['wrong-type.yaml', 'offset: 0x40', 'offset: forty'],
  ['unknown-capability.yaml', 'id: pri', 'id: page-request'],
  ['overlap.yaml', 'offset: 0x158', 'offset: 0x14c'],
  ['offset-out-of-range.yaml', 'offset: 0x80', 'offset: 0x30'],
  ['offset-misaligned.yaml', 'offset: 0x90', 'offset: 0x92'],
  ['length-does-not-fit.yaml', 'offset: 0xff8', 'offset: 0xffc'],
  ['unknown-field.yaml', '      flr: 1', '      functionLevelReset: 1'],
  ['value-too-wide.yaml', 'maxPasidWidth: 0x14', 'maxPasidWidth: 40'],
  ['unknown-key.yaml', '  deviceId: 0x5a01', '  deviceId: 0x5a01\n  colour: blue'],
  ['wrong-kind.yaml', 'kind: FunctionLayout', 'kind: HostLayout'],
  ['yaml-syntax.yaml', 'identity:\n', 'identity:\n vendorId: [\n'],
  ['identity-too-wide.yaml', 'vendorId: 0x1234', 'vendorId: 0x12345'],
  ['version-too-wide.yaml', '    id: ats\n    version: 1', '    id: ats\n    version: 16'],
  ['rom-size.yaml', 'rom: null', 'rom:\n  size: 3000'],
  ['raw-over-pointer.yaml', '      pageAlignedRequest: 1\n', '      pageAlignedRequest: 1\n    bytes:\n      - at: 2\n        hex: "01 f0"\n'],
  ['raw-over-field.yaml', '    interruptPin: 1\n', '    interruptPin: 1\n  bytes:\n    - at: 0x34\n      hex: "c0"\n'],
  ['unclaimed-in-capability.yaml', 'hidden:\n', 'unclaimed:\n  - at: 0x44\n    hex: "ff"\nhidden:\n'],
]
for (const [file, find, replace] of BAD) {
  if (!base.includes(find)) throw new Error(`${file}: "${find}" not in the base layout`)
  writeFileSync(new URL(`bad/${file}`, here), base.replace(find, replace))
}
// Alias bomb: each level doubles the last; expanding it fully would take 2^30 nodes.
const bomb = ['a0: &a0 [x, x]', ...Array.from({ length: 30 }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}, *a${i}]`)]
writeFileSync(new URL('bad/alias-bomb.yaml', here), `${bomb.join('\n')}\n`)

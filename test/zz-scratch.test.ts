import { it } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import { derive } from '../src/layout/derive.js'
import { preparedReal } from './support/prepared.js'
import { realDumpNames } from './support/shared-corpus.js'
it('scan', () => {
  for (const n of realDumpNames()) {
    const p = preparedReal(n)
    const d = derive(p, { pasid: 'none' })
    if (E.isLeft(d)) { console.log(n, 'DERIVE FAIL', d.left.map(e => e.code).join(',')); continue }
    const u = d.right.unclaimed
    const id = d.right.identity
    if (u.length) console.log(n, id.vendorId.toString(16), id.deviceId.toString(16), (id.classCode>>>16).toString(16), u.map(r => `${r.at.toString(16)}:${r.bytes.map(b=>b.toString(16).padStart(2,'0')).join('')}`).join(' '))
  }
})

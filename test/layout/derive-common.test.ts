/**
 * deriveCommon on every family of the real corpus and the team corpus: the common layout is
 * realized by every input function, and it is maximal (each thing given up, put back, fails on
 * the function its note names; test/support/common-maximal.ts). What is given up is argued from
 * the facts the corpora document (corpus/README.md, shared/corpus/real/SOURCES.md and the bytes
 * test/proof/real-pairs.test.ts lists), not from this code's output.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { type DeriveCommonOptions, deriveCommon, type FleetFunction } from '../../src/layout/derive-common.js'
import type { PreparedFunction } from '../../src/semantic/prepared-function.js'
import { expectSoundAndMaximal } from '../support/common-maximal.js'
import { preparedCorpus, preparedReal } from '../support/prepared.js'
import { sharedCorpusPresent } from '../support/shared-corpus.js'

const fleetOf = (fns: readonly PreparedFunction[]): FleetFunction[] => fns.map((physical) => ({ physical }))

const common = (fns: readonly PreparedFunction[], options: DeriveCommonOptions = {}) => {
  const fleet = fleetOf(fns)
  const r = deriveCommon(fleet, options)
  if (E.isLeft(r)) throw new Error(r.left.map((e) => e.message).join('\n'))
  expectSoundAndMaximal(r.right, fleet)
  return { ...r.right, messages: r.right.notes.map((n) => n.message) }
}

const ids = (l: { capabilities: ReadonlyArray<{ space: string; id: number; backing: string }> }) => l.capabilities.map((c) => `${c.space === 'standard' ? 's' : 'e'}${c.id.toString(16)}${c.backing === 'emulated' ? '*' : ''}`)

describe('deriveCommon: the team corpus', () => {
  const accelerator = ['v1-host-a', 'v1-host-b', 'v2-host-c'].map((n) => preparedCorpus(`families/accelerator/${n}.lspci`))
  const nic = ['v2', 'v1'].map((n) => preparedCorpus(`families/nic/${n}.lspci`))

  it('accelerator V1 (two hosts) and V2: refused until the revision to present is named (V1 is 1, V2 is 2)', () => {
    const r = deriveCommon(fleetOf(accelerator))
    expect(E.isLeft(r) && r.left.map((e) => [e.code, e.path.join('.'), e.message])).toEqual([
      ['IDENTITY_DIFFERS', 'identity.revisionId', 'Revision ID differs: 0x1 on 5a:00.0, 0x1 on 3b:00.0, 0x2 on 17:00.0; name the one to present (--identity revisionId=0x1)'],
    ])
  })

  it('accelerator V1 and V2: PRI capacity at V2\'s 256, the vPASID at V2\'s 16 bits; everything else kept', () => {
    // corpus/README.md: V2 has PASID width 16 (V1 20) and PRI capacity 256 (V1 512), and is otherwise the same model.
    const c = common(accelerator, { identity: { revisionId: 1 } })
    expect(c.messages).toEqual([
      'Revision ID 0x1 presented as named: 0x2 on 17:00.0',
      'Page Request Interface at 0x158, Outstanding Page Request Capacity lowered from 512 to 256: 256 on 17:00.0',
      'emulated Process Address Space ID at 0xff8, Max PASID Width lowered from 20 bits to 16 bits: 16 bits on 17:00.0',
    ])
    // Every capability V1 shows under the kernel policy stays (PASID hidden, emulated).
    expect(ids(c.layout)).toEqual(['s10', 's11', 's1', 'e1', 'ef', 'e13', 'e3', 'e1b*'])
  })

  it('NIC V2 and V1: PRI dropped (absent on V1), no vPASID (V1 has no PASID); MSI-X and PCI Express kept though V2 moved them', () => {
    const c = common(nic, { identity: { revisionId: 2 } })
    expect(c.messages).toEqual([
      'Revision ID 0x2 presented as named: 0x1 on 3b:00.0',
      'Page Request Interface at 0x188 dropped: absent on 3b:00.0',
      'emulated Process Address Space ID at 0xff8 dropped: absent on 3b:00.0',
    ])
    expect(c.layout.capabilities.filter((x) => x.space === 'standard').map((x) => [x.id, x.offset])).toEqual([
      [0x01, 0x40],
      [0x10, 0x48],
      [0x11, 0x90],
    ])
  })

  it('the same function twice: its own layout, nothing given up', () => {
    const one = preparedCorpus('families/accelerator/v1-host-a.lspci')
    expect(common([one, one]).notes).toEqual([])
  })
})

describe.skipIf(!sharedCorpusPresent)('deriveCommon: the real corpus', () => {
  it('the same GPU on two systems (Navi 23 sysA, sysB): everything kept, PASID emulated at 0xff8', () => {
    const c = common(['amd-navi23-gpu-sysA', 'amd-navi23-gpu-sysB'].map(preparedReal))
    expect(c.notes).toEqual([])
    expect(c.layout.capabilities.find((x) => x.id === 0x1b && x.space === 'extended')).toMatchObject({ backing: 'emulated', offset: 0xff8 })
  })

  it('the same root port on two systems (Haswell-EP 2f02 a, b): everything kept', () => {
    expect(common(['intel-haswell-ep-rootport-2f02-a', 'intel-haswell-ep-rootport-2f02-b'].map(preparedReal)).notes).toEqual([])
  })

  it('multi-function siblings (BCM5719 fn0, fn1): everything kept', () => {
    expect(common(['broadcom-bcm5719-fn0', 'broadcom-bcm5719-fn1'].map(preparedReal)).notes).toEqual([])
  })

  it('the NVMe variants: MSI-X dropped (65 vectors on the older QEMU), ARI and SR-IOV dropped (no extended space read there)', () => {
    // SOURCES.md: the Jan 2022 QEMU (256 bytes) has MSI-X Table Size 0x40, QEMU 7.2's 0x04.
    const c = common(['qemu-nvme-sriov-pf-vfs-off', 'qemu-nvme-sriov-pf-vfs-on', 'qemu-nvme-sriov-pf'].map(preparedReal))
    expect(c.messages).toEqual([
      'MSI-X at 0x40 dropped: Table Size is 65 vectors on 01:00.0 [3], 5 vectors here',
      'Alternative Routing-ID Interpretation at 0x100 dropped: absent on 01:00.0 [3]',
      'Single Root I/O Virtualization at 0x120 dropped: absent on 01:00.0 [3]',
      'config space lowered to 256 bytes: 01:00.0 [3] has no extended space',
    ])
  })

  it('the same root port model on two boards (Sunrise Point 9d10): PCI Express and the bridge subsystem dropped, the extended capabilities with them', () => {
    // real-pairs: the boards differ in Slot Capabilities (the slot wiring) and the Bridge Subsystem ID.
    const c = common(['intel-sunrisepoint-rootport-9d10', 'intel-sunrisepoint-rootport-9d10-aerlog'].map(preparedReal))
    expect(c.messages.map((m) => m.split(':')[0])).toEqual([
      'PCI Express at 0x40 dropped',
      'Bridge Subsystem Vendor ID at 0x90 dropped',
      'Advanced Error Reporting at 0x100 dropped',
      'Access Control Services at 0x140 dropped',
    ])
    expect(c.messages[2]).toBe('Advanced Error Reporting at 0x100 dropped: extended capabilities need PCI Express at 0x40, dropped above')
  })
})

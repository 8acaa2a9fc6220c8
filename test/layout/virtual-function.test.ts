/**
 * Layouts from VFs. A VF's Vendor ID and Device ID read 0xFFFF and its BARs read zero (SR-IOV,
 * as PCIe Base r4.0 §9.3.4.1 carries it); its identity is its PF's Vendor ID and the VF Device
 * ID of the PF's SR-IOV capability, its BARs the PF's VF BARs. The oracle is lspci's decode of
 * the real pair (QEMU 7.2's NVMe PF with VFs enabled, and its first VF): the PF's header line
 * and its SR-IOV section ("Device ID", "Region 0").
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { derive } from '../../src/layout/derive.js'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { realize } from '../../src/layout/realize.js'
import { vpci } from '../support/cli.js'
import { preparedReal } from '../support/prepared.js'
import { readRealVvv, realDumpPath, sharedCorpusPresent } from '../support/shared-corpus.js'

const VF = 'qemu-nvme-sriov-vf1'
const PF = 'qemu-nvme-sriov-pf-vfs-on'

/** What lspci says the PF gives its VFs: vendor (from the PF's own [vvvv:dddd]), VF Device ID, VF BAR 0. */
const lspciSays = () => {
  const vvv = readRealVvv(PF)
  const sriov = vvv.slice(vvv.indexOf('Single Root I/O Virtualization'))
  const region = /Region 0: Memory at [0-9a-f]+ \((64|32)-bit, (non-)?prefetchable\)/.exec(sriov)!
  return {
    vendorId: parseInt(/\[([0-9a-f]{4}):[0-9a-f]{4}\]/.exec(vvv.split('\n')[0]!)![1]!, 16),
    deviceId: parseInt(/Device ID: ([0-9a-f]{4})/.exec(sriov)![1]!, 16),
    bar0: { kind: region[1] === '64' ? 'memory64' : 'memory32', prefetchable: region[2] === undefined },
  }
}

describe.skipIf(!sharedCorpusPresent)('derive on a VF', () => {
  it('the VF reads 0xffff as lspci shows it', () => {
    expect(readRealVvv(VF).split('\n')[0]).toContain('[ffff:ffff]')
  })

  it('without its PF: refused, saying so', () => {
    const r = derive(preparedReal(VF))
    expect(E.isLeft(r) && r.left.map((e) => e.code)).toEqual(['VF_NEEDS_PF'])
    expect(E.isLeft(r) && r.left[0]!.message).toMatch(/VF.*0xffff.*--pf/)
  })

  it('with its PF: the PF\'s vendor, the VF Device ID and the VF BARs, as lspci decodes them', () => {
    const r = derive(preparedReal(VF), { pf: preparedReal(PF) })
    if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
    const want = lspciSays()
    expect(r.right.identity).toMatchObject({ vendorId: want.vendorId, deviceId: want.deviceId })
    expect(r.right.bars).toEqual([{ index: 0, ...want.bar0, size: null }])
    // A VF's expansion ROM BAR is read-only zero.
    expect(r.right.rom).toBeNull()
  })

  it('a PF given for a function that is not a VF is refused', () => {
    const r = derive(preparedReal(PF), { pf: preparedReal(PF) })
    expect(E.isLeft(r) && r.left.map((e) => e.code)).toEqual(['NOT_A_VF'])
  })

  it('a "PF" without an SR-IOV capability is refused', () => {
    const r = derive(preparedReal(VF), { pf: preparedReal('qemu-nvme-sriov-pf') })
    expect(E.isLeft(r) && r.left.map((e) => e.code)).toEqual(['PF_WITHOUT_SRIOV'])
  })

  it('the VF can back its own layout given its PF, and nothing is proved without it', () => {
    const layout = derive(preparedReal(VF), { pf: preparedReal(PF) })
    if (E.isLeft(layout)) throw new Error(JSON.stringify(layout.left))
    const withPf = realize(layout.right, preparedReal(VF), { pf: preparedReal(PF) })
    expect(E.isRight(withPf) && withPf.right.reasons.filter((x) => x.severity === 'error')).toEqual([])
    const without = realize(layout.right, preparedReal(VF))
    expect(E.isRight(without) && without.right.reasons.filter((x) => x.severity === 'error').map((x) => x.code)).toEqual(['VF_NEEDS_PF'])
  })
})

describe.skipIf(!sharedCorpusPresent)('vpci derive VF --pf PF', () => {
  it('writes a layout with the PF\'s identity', async () => {
    const r = await vpci('derive', realDumpPath(VF), '--pf', realDumpPath(PF))
    expect(r.code).toBe(0)
    const layout = decodeLayout(r.stdout, 'stdout.yaml')
    const { vendorId, deviceId } = lspciSays()
    expect(E.isRight(layout) && layout.right.identity).toMatchObject({ vendorId, deviceId })
  })

  it('without --pf: exit 2, one line naming the VF and --pf', async () => {
    const r = await vpci('derive', realDumpPath(VF))
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/is a VF.*--pf/)
  })
})

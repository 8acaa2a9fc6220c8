/**
 * The VFs of the real corpus and their PFs (../shared/corpus/real/SOURCES.md: QEMU 7.2's NVMe
 * PF with two VFs enabled and its first VF), for tests that derive from every real dump.
 */
import type { PreparedFunction } from '../../src/semantic/prepared-function.js'
import { preparedReal } from './prepared.js'

const PF_OF: Readonly<Record<string, string>> = { 'qemu-nvme-sriov-vf1': 'qemu-nvme-sriov-pf-vfs-on' }

/** The PF of a real VF dump, or undefined for any other dump. */
export const realPfOf = (name: string): PreparedFunction | undefined => (PF_OF[name] === undefined ? undefined : preparedReal(PF_OF[name]))

/** Derive options naming the PF of a real VF dump (none for other dumps). */
export const pfOption = (name: string): { pf?: PreparedFunction } => {
  const pf = realPfOf(name)
  return pf === undefined ? {} : { pf }
}

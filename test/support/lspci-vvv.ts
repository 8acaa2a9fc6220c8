/**
 * Reads the capability list out of `lspci -vvv` text: the independent oracle for the walkers.
 * lspci prints names, not IDs, so this maps the names pciutils 3.9 prints (ls-caps.c,
 * ls-ecaps.c) to the IDs the PCI specs assign. Virtual Channel is printed alike for IDs 0x02
 * and 0x09, so it maps to both.
 */

export interface LspciCapability {
  readonly space: 'standard' | 'extended'
  readonly offset: number
  /** The IDs lspci's name can stand for (one, except for Virtual Channel). */
  readonly ids: readonly number[]
  readonly version: number | null
  readonly text: string
}

/** Name prefixes lspci prints for standard capabilities. Longer prefixes first where one starts another. */
const STANDARD_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['Null', 0x00],
  ['Power Management version', 0x01],
  ['AGP version', 0x02],
  ['Vital Product Data', 0x03],
  ['Slot ID', 0x04],
  ['MSI-X', 0x11],
  ['MSI:', 0x05],
  ['CompactPCI hot-swap', 0x06],
  ['PCI-X', 0x07],
  ['HyperTransport', 0x08],
  ['Vendor Specific Information', 0x09],
  ['Debug port', 0x0a],
  ['CompactPCI central resource control', 0x0b],
  ['Hot-plug capable', 0x0c],
  ['Subsystem', 0x0d],
  ['AGP3', 0x0e],
  ['Secure device', 0x0f],
  ['Express', 0x10],
  ['SATA HBA', 0x12],
  ['PCI Advanced Features', 0x13],
  ['Enhanced Allocation', 0x14],
]

const EXTENDED_NAMES: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['Null', [0x00]],
  ['Advanced Error Reporting', [0x01]],
  ['Multi-Function Virtual Channel', [0x08]],
  ['Virtual Channel', [0x02, 0x09]],
  ['Device Serial Number', [0x03]],
  ['Power Budgeting', [0x04]],
  ['Root Complex Link', [0x05]],
  ['Root Complex Internal Link Control', [0x06]],
  ['Root Complex Event Collector Endpoint Association', [0x07]],
  ['Vendor Specific Information', [0x0b]],
  ['Access Control Services', [0x0d]],
  ['Alternative Routing-ID Interpretation', [0x0e]],
  ['Address Translation Service', [0x0f]],
  ['Single Root I/O Virtualization', [0x10]],
  ['Multicast', [0x12]],
  ['Page Request Interface', [0x13]],
  ['Physical Resizable BAR', [0x15]],
  ['Transaction Processing Hints', [0x17]],
  ['Latency Tolerance Reporting', [0x18]],
  ['Secondary PCI Express', [0x19]],
  ['Process Address Space ID', [0x1b]],
  ['Downstream Port Containment', [0x1d]],
  ['L1 PM Substates', [0x1e]],
  ['Precision Time Measurement', [0x1f]],
  ['Designated Vendor-Specific', [0x23]],
  ['Virtual Resizable BAR', [0x24]],
  ['Data Link Feature', [0x25]],
  ['Physical Layer 16.0 GT/s', [0x26]],
  ['Lane Margining at the Receiver', [0x27]],
  ['Data Object Exchange', [0x2e]],
]

const LINE = /^\s*Capabilities: \[([0-9a-f]+)(?: v(\d+))?\] (.*)$/

/** Every `Capabilities:` line of lspci -vvv text, in print order. Throws on a name it cannot map. */
export const lspciCapabilities = (vvv: string): readonly LspciCapability[] =>
  vvv.split('\n').flatMap((line): LspciCapability[] => {
    const m = LINE.exec(line)
    if (m === null) return []
    const offset = parseInt(m[1]!, 16)
    const text = m[3]!
    if (m[2] !== undefined) {
      const unknown = /^Extended Capability ID 0x([0-9a-f]+)/.exec(text)
      const named = EXTENDED_NAMES.find(([prefix]) => text.startsWith(prefix))
      const ids = unknown !== null ? [parseInt(unknown[1]!, 16)] : named?.[1]
      if (ids === undefined) throw new Error(`unmapped lspci extended capability name: ${text}`)
      return [{ space: 'extended', offset, ids, version: Number(m[2]), text }]
    }
    const unknown = /^#([0-9a-f]{2})/.exec(text)
    const named = STANDARD_NAMES.find(([prefix]) => text.startsWith(prefix))
    const id = unknown !== null ? parseInt(unknown[1]!, 16) : named?.[1]
    if (id === undefined) throw new Error(`unmapped lspci standard capability name: ${text}`)
    return [{ space: 'standard', offset, ids: [id], version: null, text }]
  })

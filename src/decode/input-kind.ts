/**
 * What kind of vpci input some bytes look like, from their first few KiB: so that a file given
 * in the wrong place is named for what it is ("looks like a vpci/v1 FunctionLayout; expected a
 * MigrationState") rather than by the first thing its decoder trips on ("invalid wire type 6").
 * A guess to word an error with, never a decision: callers decode first and sniff only when the
 * decoder refused the input.
 */

export type InputKind =
  | 'empty'
  | 'lspci-text'
  | 'binary-config'
  | 'sysfs-folder'
  | 'folder'
  | 'layout-yaml'
  | 'host-yaml'
  | 'persona-yaml'
  | 'pasid-json'
  | 'state-json'
  | 'migration-state'
  | 'host-message'
  | 'certificate-json'
  | 'other-vpci'
  | 'unknown'

/** How each kind is named in a sentence. */
export const KIND_NAMES: Readonly<Record<InputKind, string>> = {
  empty: 'an empty file',
  'lspci-text': 'an lspci hex dump',
  'binary-config': 'a binary config space',
  'sysfs-folder': 'a sysfs device folder',
  folder: 'a folder',
  'layout-yaml': 'a vpci/v1 FunctionLayout (layout YAML)',
  'host-yaml': 'a vpci/v1 Host file (host YAML)',
  'persona-yaml': 'a vpci/v1 PersonaMatrix (persona YAML)',
  'pasid-json': 'a vpci/v1 PasidState (PASID JSON)',
  'state-json': 'a vpci.migration.v1.MigrationState in JSON',
  'migration-state': 'a vpci.migration.v1.MigrationState (protobuf)',
  'host-message': 'a vpci.migration.v1.Host (protobuf)',
  'certificate-json': 'a vpci certificate (JSON)',
  'other-vpci': 'a vpci file of another kind',
  unknown: 'something else',
}

/** Bytes looked at: every kind announces itself well before this. */
const HEAD = 16 * 1024

const isText = (bytes: Uint8Array): boolean => {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return false
  }
  return true
}

/** By the value of `kind:` (JSON is YAML, so a layout or host file may be written in either). */
const KINDS: Readonly<Record<string, InputKind>> = {
  FunctionLayout: 'layout-yaml',
  Host: 'host-yaml',
  PersonaMatrix: 'persona-yaml',
  PasidState: 'pasid-json',
  MigrationState: 'state-json',
  'vpci/equivalence-certificate': 'certificate-json',
  'vpci/migration-certificate': 'certificate-json',
}

/** A field only MigrationState's ProtoJSON has (by json or proto name). */
const PROTOJSON_STATE = /"(vmName|vm_name|guestAddress|guest_address|semanticDigest|semantic_digest)"\s*:/

/** `00: 86 80 ...`: an lspci row of sixteen bytes (or the first bytes of one). */
const LSPCI_ROW = /^[0-9a-fA-F]{2,3}:( [0-9a-fA-F]{2}){4}/m

/** A varint at `at`: its value and the offset after it, or null when it runs off the end or past 2^35. */
const varint = (bytes: Uint8Array, at: number): { value: number; next: number } | null => {
  let value = 0
  for (let shift = 0, i = at; i < bytes.length && shift < 35; shift += 7, i++) {
    value += (bytes[i]! & 0x7f) * 2 ** shift
    if ((bytes[i]! & 0x80) === 0) return { value, next: i + 1 }
  }
  return null
}

/**
 * True when the bytes are well-formed protobuf at the top level and `accept` takes every field
 * (its number and wire type): false as soon as a field runs off the end, has a wire type of
 * neither a varint, a fixed 64 or 32 bits nor a length, or is refused. Linear.
 */
const everyTopLevelField = (bytes: Uint8Array, accept: (field: number, wire: number) => boolean): boolean => {
  let at = 0
  while (at < bytes.length) {
    const tag = varint(bytes, at)
    if (tag === null) return false
    const field = Math.floor(tag.value / 8)
    const wire = tag.value % 8
    if (!accept(field, wire)) return false
    if (wire === 0) {
      const v = varint(bytes, tag.next)
      if (v === null) return false
      at = v.next
    } else if (wire === 2) {
      const length = varint(bytes, tag.next)
      if (length === null || length.next + length.value > bytes.length) return false
      at = length.next + length.value
    } else if (wire === 1 || wire === 5) at = tag.next + (wire === 1 ? 8 : 4)
    else return false
  }
  return at === bytes.length
}

/**
 * True when the bytes are well-formed protobuf whose top-level fields are MigrationState's:
 * 1 (varint) schema_version, 2 vm_name, 3 functions, 4 pasid (length-delimited), at least one
 * of 1 and 3 present.
 */
const looksLikeMigrationState = (bytes: Uint8Array): boolean => {
  let seen = false
  const fits = everyTopLevelField(bytes, (field, wire) => {
    if (field === 1 && wire === 0) return (seen = true)
    if (field < 2 || field > 4 || wire !== 2) return false
    seen ||= field === 3
    return true
  })
  return fits && seen
}

/**
 * True when the bytes are well-formed protobuf at the top level with Host's field 4
 * (schema_version, a varint) and its fields 1–3 (name, functions, pasid) as length-delimited
 * values. A MigrationState has field 1 as a varint and field 4 as a message, and text has no
 * 0x01 byte where a Host's version is, so neither is taken for a Host.
 */
export const looksLikeHostMessage = (bytes: Uint8Array): boolean => {
  let version = false
  const fits = everyTopLevelField(bytes, (field, wire) => {
    if (field === 0 || (field <= 3 && wire !== 2) || (field === 4 && wire !== 0)) return false
    version ||= field === 4
    return true
  })
  return fits && version
}

/** What the bytes look like. */
export const sniffInput = (bytes: Uint8Array): InputKind => {
  if (bytes.length === 0) return 'empty'
  const head = bytes.subarray(0, HEAD)
  if (isText(head)) {
    const text = new TextDecoder().decode(head)
    const object = /^\s*\{/.test(text)
    const json = object ? /"kind"\s*:\s*"([^"]{1,64})"/.exec(text) : null
    if (json !== null && KINDS[json[1]!] !== undefined) return KINDS[json[1]!]!
    // ProtoJSON has no kind (a "kind" inside it is a BAR's): a MigrationState is told by its field names.
    if (object && PROTOJSON_STATE.test(text)) return 'state-json'
    if (json !== null) return 'other-vpci'
    const yaml = /^kind:\s*["']?([A-Za-z]{1,64})["']?\s*(#.*)?$/m.exec(text)
    if (yaml !== null && /^apiVersion:\s*["']?vpci\//m.test(text)) return KINDS[yaml[1]!] ?? 'other-vpci'
    if (LSPCI_ROW.test(text)) return 'lspci-text'
    return 'unknown'
  }
  // Wire format first: a config space is well-formed MigrationState protobuf only by a freak of its bytes, while a state may well be 4096 bytes long.
  if (looksLikeMigrationState(bytes)) return 'migration-state'
  if (looksLikeHostMessage(bytes)) return 'host-message'
  return bytes.length === 64 || bytes.length === 256 || bytes.length === 4096 ? 'binary-config' : 'unknown'
}

/**
 * `looks like X; expected Y` when the bytes look like a known kind that is not among `expected`,
 * else null (then the decoder's own errors say best what is wrong).
 */
export const wrongKind = (found: InputKind, expected: readonly InputKind[]): string | null =>
  found === 'unknown' || found === 'empty' || expected.includes(found) ? null : `looks like ${KIND_NAMES[found]}; expected ${kindNames(expected)}`

/** `a, b or c`, each kind by its name. */
export const kindNames = (kinds: readonly InputKind[]): string => {
  const names = kinds.map((k) => KIND_NAMES[k])
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}`
}

/**
 * vpci-migrate: the public API. Everything exported here is supported; nothing else is.
 */

// Config space
export type { ConfigSpace, ConfigSpaceSize, ReadonlyBytes } from './config-space/config-space.js'
export {
  CONFIG_SPACE_SIZES,
  EXTENDED_SPACE_START,
  configSpace,
  inImage,
  isAllOnes,
  isConfigSpaceSize,
  readU8,
  readU16,
  readU32,
} from './config-space/config-space.js'

// Capabilities
export type { Capability, LengthKind, Space } from './capability/capability.js'
export { capabilityLabel, spaceEnd } from './capability/capability.js'
export type { CapabilityEntry } from './capability/registry.js'
export { EXTENDED_CAPABILITIES, STANDARD_CAPABILITIES, lookupCapability } from './capability/registry.js'
export type { LengthContext, LengthRule } from './capability/length-rule.js'
export type { ExpressFacts, FunctionFacts } from './capability/function-facts.js'
export { ExpressPortType } from './capability/function-facts.js'
export type { Walk } from './capability/walk.js'
export { walkCapabilities } from './capability/walk.js'
export type { WalkProblem, WalkProblemCode } from './capability/walk-problem.js'
export { renderWalkProblem } from './capability/walk-problem.js'

// Reading dumps
export type { FunctionDump } from './dump/function-dump.js'
export type { ReadError, ReadErrorCode } from './dump/read-error.js'
export { renderReadError } from './dump/read-error.js'
export type { LspciTextOptions } from './dump/lspci-text.js'
export { listLspciDevices, readLspciText } from './dump/lspci-text.js'
export type { ReadDumpOptions, SysfsFunctionFiles } from './dump/read-dump.js'
export { MAX_DUMP_BYTES, readBinaryConfig, readDump, readSysfsFunction } from './dump/read-dump.js'
export type { Resource, Resources } from './dump/sysfs-resource.js'
export { ROM_RESOURCE, readSysfsResource } from './dump/sysfs-resource.js'

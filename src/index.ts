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

// Fields and semantic images
export type { Access, FieldSpec, Rule } from './capability/field.js'
export { fieldMask, fieldValue, showValue } from './capability/field.js'
export type { FieldContext, FieldTable } from './capability/fields/field-context.js'
export { headerFields } from './capability/registry.js'
export type { FieldInstance, SemanticImage } from './semantic/semantic-image.js'
export { readOnlyBytes, semanticImage, writeMask, writeOneToClearMask } from './semantic/semantic-image.js'
export type { BarLayout, PreparedFunction } from './semantic/prepared-function.js'
export { prepareFunction } from './semantic/prepared-function.js'

// Equivalence
export type { Reason, ReasonCode, ReasonValue, Severity } from './proof/reason.js'
export type { EquivalenceOptions } from './proof/equivalence-reasons.js'
export type { Certificate, CertificateMalformed, CertificateMismatch, CertificateProblem, Obligation, ObligationResult } from './proof/certificate.js'
export { decodeCertificate, renderCertificateProblem } from './proof/certificate.js'
export type { Verdict } from './proof/prove-equivalence.js'
export { decideEquivalence, proveEquivalence, verifyCertificate } from './proof/prove-equivalence.js'
export type { Limited } from './proof/reason-limit.js'
export { REASON_LIMIT, limitReasons, omittedLine } from './proof/reason-limit.js'

// Layouts
export type {
  Backing,
  BarKind,
  FieldValues,
  FunctionLayout,
  HiddenCapability,
  Identity,
  LayoutBar,
  LayoutCapability,
  Persona,
  RawBytes,
} from './layout/function-layout.js'
export type { LayoutError, LayoutErrorCode, LayoutPath } from './layout/layout-error.js'
export { renderLayoutError, renderPath } from './layout/layout-error.js'
export type { HidingPolicyName } from './layout/hiding-policy.js'
export { hides } from './layout/hiding-policy.js'
export type { ByteRange } from './layout/free-space.js'
export { findFreeSpace } from './layout/free-space.js'
export type { DeviceQuirk, QuirkIdentity, QuirkMatch } from './device/quirks.js'
export { DEVICE_QUIRKS, quirksOf } from './device/quirks.js'
export type { DeriveOptions } from './layout/derive.js'
export { derive } from './layout/derive.js'
export { build } from './layout/build.js'
export type { DeclaredBars } from './dump/function-dump.js'
export { MAX_LAYOUT_BYTES, decodeLayout, encodeLayout, layoutToFile } from './layout/layout-yaml.js'
export { functionLayoutJsonSchema } from './layout/layout-schema.js'
export type { OffsetMapping, Realization, RealizeOptions } from './layout/realize.js'
export { realize } from './layout/realize.js'
export type { StateWrite } from './layout/translate.js'
export { translate } from './layout/translate.js'
export type { PersonaEntry, PersonaMatrix } from './layout/persona.js'
export type { UncomparedBytes, UncomparedRun, VmmPolicy, VmmPolicyName } from './layout/vmm-policy.js'
export { VMM_POLICIES, VMM_POLICY_NAMES, isVmmPolicyName, uncomparedRuns } from './layout/vmm-policy.js'
export type { QuirkWarning } from './device/quirk-warnings.js'
export { quirkWarnings } from './device/quirk-warnings.js'

// Fleets: one layout for several functions, who backs what, and a report to look at
export type { CommonChange, CommonLayout, CommonNote, DeriveCommonOptions, FleetFunction } from './layout/derive-common.js'
export { deriveCommon } from './layout/derive-common.js'
export { encodeCommonLayout } from './layout/common-layout-file.js'
export { pairCapabilities } from './layout/pair-capabilities.js'
export type { CompatibilityMatrix, MatrixCell, MatrixFunction, MatrixLayout, MatrixOptions } from './fleet/compatibility-matrix.js'
export { compatibilityMatrix } from './fleet/compatibility-matrix.js'
export type { PairReport, ReportBlock, ReportJoin, ReportReason, ReportSide } from './report/report-model.js'
export { equivalenceReport, realizationReport } from './report/report-model.js'
export { escapeHtml, matrixReportHtml, pairReportHtml } from './report/report-html.js'
export { checkPersona, decodePersonaMatrix, personaOf, sharedStream } from './layout/persona.js'

// PASIDs
export type { Pasid, PasidWidth } from './pasid/pasid.js'
export { MAX_PASID_WIDTH, effectiveWidth, pasid, pasidCount, pasidWidth } from './pasid/pasid.js'
export type { PasidPool, PasidRange } from './pasid/pasid-pool.js'
export { allocatedRanges, freeCount, isAllocated, lowestFree, pasidPool, samePool, withPasids } from './pasid/pasid-pool.js'
export type { GlobalAssignment, GlobalDemand, Shortfall } from './pasid/assign-globals.js'
export { assignGlobals } from './pasid/assign-globals.js'
export type { GuestPasidCapability, LocalPasid, PasidBinding, PasidFunction, PasidMode, PasidState } from './pasid/pasid-state.js'
export type { HostPasid, HostPasidFunction } from './pasid/host-pasid.js'
export { mapPools, pasidLimit, withBitmapPools, withRangePools } from './pasid/host-pasid.js'
export type { PasidRanges } from './pasid/pasid-ranges.js'
export { pasidRanges, poolToRanges, rangesAllocated, rangesFree, rangesToPool } from './pasid/pasid-ranges.js'
export type { CompiledPasids, PasidAssignment } from './pasid/pasid-feasibility.js'
export { compilePasids, hostAdmitsPasids, pasidFeasibility, pasidsFeasible } from './pasid/pasid-feasibility.js'
export type { PasidStateError, PasidStateErrorCode } from './pasid/pasid-state-error.js'
export { validatePasidState } from './pasid/validate-state.js'
export type { PasidPlan, PasidTableEntry, PasidVerdict, RemapOptions } from './pasid/remap.js'
export { checkPasids, releasePlan, remapPasids } from './pasid/remap.js'
export { decodeHostPasid, decodePasidState, encodePasidState } from './pasid/pasid-files.js'
export { pasidStateJsonSchema } from './pasid/pasid-state-schema.js'

// Inputs and output lines, for adapters
export type { InputKind } from './decode/input-kind.js'
export { sniffInput, wrongKind } from './decode/input-kind.js'
export { MAX_LINE, oneLine } from './decode/one-line.js'

// Migration state
export type { AssignedFunction, MigrationState, StateError } from './state/migration-state.js'
export { SCHEMA_VERSION } from './state/migration-state.js'
export { MAX_STATE_BYTES, clearLayoutCache, decodeMigrationState, encodeMigrationState } from './state/state-codec.js'
export { LEGACY_STATE_JSON_UNTIL, isLegacyStateJson, migrationStateFromJson, migrationStateToJson } from './state/state-json.js'
export type { StateConsistency } from './state/state-consistency.js'
export { stateConsistency } from './state/state-consistency.js'
export type { CreateStateError, CreateStateInput, CreatedState, StateFunctionInput } from './state/create-state.js'
export { createMigrationState, renderCreateStateError } from './state/create-state.js'

// Hosts and the whole-VM check
export type { HostFileError, HostFunctionSource, HostFunctionSpec, HostSpec } from './host/host-file.js'
export { decodeHostFile } from './host/host-file.js'
export type { HostFileData, HostFileNotes } from './host/host-file-encode.js'
export { HOST_SCHEMA_FILE, encodeHostFile } from './host/host-file-encode.js'
export { hostJsonSchema } from './host/host-schema.js'
export { hostFromData } from './host/host-data.js'
export { HOST_SCHEMA_VERSION, MAX_HOST_BYTES, decodeHostMessage, encodeHostMessage } from './state/host-codec.js'
export { looksLikeHostMessage } from './decode/input-kind.js'
export type { EmbeddedSource } from './host/embedded-function.js'
export { embeddedKey, isEmbedded, prepareEmbedded } from './host/embedded-function.js'
export type { Host, HostFunction } from './migrate/host.js'
export type { CheckMigrationOptions, FunctionAssignment, MigrationVerdict } from './migrate/check-migration.js'
export { checkHost, checkMigration, verifyMigrationCertificate } from './migrate/check-migration.js'
export type { MigrationCertificate } from './migrate/migration-certificate.js'
export { decodeMigrationCertificate } from './migrate/migration-certificate.js'
export type { DeviceClass, HostAccepted, HostJudgement, HostRejected, MigrationPlan, PlanOptions } from './migrate/migration-plan.js'
export { compileMigration, judgeHost } from './migrate/migration-plan.js'
export type { AcceptedHost, FilterOptions, FilterResult, RejectedHost } from './migrate/filter-hosts.js'
export { filterHosts } from './migrate/filter-hosts.js'

// Capture: a host's functions and PASID side from sysfs
export type { SysfsListing, SysfsProblem, SysfsProblemCode, SysfsReader } from './capture/sysfs-reader.js'
export { nodeSysfsReader } from './capture/node-sysfs-reader.js'
export type { HostScan, ScanOptions, ScannedFunction } from './capture/scan-host.js'
export { MAX_SCANNED_FUNCTIONS, isVfioDriver, scanHost } from './capture/scan-host.js'
export type { IommuFacts, ScanPasidOptions } from './capture/scan-pasid.js'
export type { IommuPasidSupport, IommuVendor } from './capture/iommu-registers.js'
export { amdPasidSupport, intelPasidSupport } from './capture/iommu-registers.js'
export type { ScanError, ScanErrorCode, ScanWarning, ScanWarningCode } from './capture/scan-problem.js'
export { renderScanWarning } from './capture/scan-problem.js'
export type { HostFileOptions } from './capture/scanned-host.js'
export { scannedHost, scannedHostFile } from './capture/scanned-host.js'
export type { Inventory, InventoryFilterOptions, InventoryFilterResult } from './migrate/inventory.js'
export { createInventory } from './migrate/inventory.js'

// Kubernetes: the scheduler extender's rules (the HTTP server is `vpci serve --http`) and DRA objects
export type { ExtenderArgs, ExtenderArgsError, ExtenderPod } from './extender/extender-args.js'
export { decodeExtenderArgs, renderExtenderArgsError } from './extender/extender-args.js'
export type { Answer, ExtenderFilterResult, ExtenderSource } from './extender/extender-answer.js'
export { answerFilter, answerPrioritize } from './extender/extender-answer.js'
export type { FilterDecision, HostPriority, VerdictCode } from './extender/extender-decision.js'
export { MAX_EXTENDER_PRIORITY, filterDecision, prioritizeDecision } from './extender/extender-decision.js'
export type { PodState, PodStateError } from './extender/pod-state.js'
export { ANNOTATIONS_BUDGET, STATE_ANNOTATION, STATE_NAME_ANNOTATION, podState } from './extender/pod-state.js'
export type { Resolution } from './extender/reason-resolution.js'
export { REASON_RESOLUTION, refusalResolution } from './extender/reason-resolution.js'
export type { DeviceAttribute, DraError, InstanceType, ResourceSlice, ResourceSliceDevice, ResourceSliceOptions } from './dra/resource-slice.js'
export { MAX_INSTANCE_TYPES_PER_DEVICE, backsAttribute, resourceSlice } from './dra/resource-slice.js'
export type { CelSelector, DeviceClass as DraDeviceClass, ResourceClaimTemplate } from './dra/device-selectors.js'
export { backsSelector, claimTemplate, deviceClass, driverSelector } from './dra/device-selectors.js'

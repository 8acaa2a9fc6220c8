/**
 * What the `resource.k8s.io/v1` API accepts of the objects vpci writes, as data and checks, each
 * with its source: k8s.io/api/resource/v1/types.go (Kubernetes 1.34) for the DRA limits, and
 * k8s.io/apimachinery/pkg/util/validation/validation.go for names. The checks return the first
 * problem as a sentence, or null.
 */

/** `ResourceSliceMaxDevices`: devices in one ResourceSlice (types.go: "Must not have more than 128 entries"). */
export const MAX_DEVICES_PER_SLICE = 128
/** `ResourceSliceMaxAttributesAndCapacitiesPerDevice`: attributes and capacities of one device together. */
export const MAX_ATTRIBUTES_PER_DEVICE = 32
/** `DeviceMaxIDLength`: the identifier part of a qualified attribute name (a C identifier). */
export const MAX_ATTRIBUTE_ID = 32
/** `DeviceMaxDomainLength`: the domain part of a qualified attribute name (a DNS subdomain). */
export const MAX_ATTRIBUTE_DOMAIN = 63
/** `DeviceAttributeMaxValueLength`: a string or version attribute value. */
export const MAX_ATTRIBUTE_VALUE = 64
/** `DriverNameMaxLength`: a driver name (a DNS subdomain, lower case). */
export const MAX_DRIVER_NAME = 63
/** `PoolNameMaxLength`: a pool name (DNS subdomains joined by slashes). */
export const MAX_POOL_NAME = 253
/** `DNS1123LabelMaxLength` (validation.go): a device name, a request name. */
export const MAX_DNS_LABEL = 63
/** `DNS1123SubdomainMaxLength` (validation.go): object names of these kinds. */
export const MAX_DNS_SUBDOMAIN = 253

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

/** An RFC 1123 label (validation.go `IsDNS1123Label`). */
export const dnsLabelProblem = (s: string): string | null =>
  s.length > MAX_DNS_LABEL ? `"${s}" is longer than ${MAX_DNS_LABEL} characters` : DNS_LABEL.test(s) ? null : `"${s}" is not a DNS label (lower-case letters, digits and '-', starting and ending alphanumeric)`

/** An RFC 1123 subdomain of at most `max` characters (validation.go `IsDNS1123Subdomain`). */
export const dnsSubdomainProblem = (s: string, max = MAX_DNS_SUBDOMAIN): string | null => {
  if (s.length > max) return `"${s}" is longer than ${max} characters`
  return s.split('.').every((l) => DNS_LABEL.test(l)) ? null : `"${s}" is not a DNS subdomain (DNS labels joined by '.')`
}

/** A driver name (types.go ResourceSliceSpec.Driver: a DNS subdomain of at most 63 characters). */
export const driverNameProblem = (s: string): string | null => dnsSubdomainProblem(s, MAX_DRIVER_NAME)

/** A pool name (types.go ResourcePool.Name: DNS subdomains separated by '/', at most 253 characters). */
export const poolNameProblem = (s: string): string | null => {
  if (s.length > MAX_POOL_NAME) return `"${s}" is longer than ${MAX_POOL_NAME} characters`
  for (const part of s.split('/')) {
    const p = dnsSubdomainProblem(part)
    if (p !== null) return p
  }
  return null
}

/**
 * A qualified attribute name (types.go QualifiedName): `ID` or `DOMAIN/ID`, the ID a C identifier
 * of at most 32 characters, the domain a DNS subdomain of at most 63.
 */
export const attributeNameProblem = (s: string): string | null => {
  const slash = s.indexOf('/')
  const id = slash < 0 ? s : s.slice(slash + 1)
  if (slash >= 0) {
    const d = dnsSubdomainProblem(s.slice(0, slash), MAX_ATTRIBUTE_DOMAIN)
    if (d !== null) return d
  }
  if (id.length > MAX_ATTRIBUTE_ID) return `attribute "${id}" is longer than ${MAX_ATTRIBUTE_ID} characters`
  return C_IDENTIFIER.test(id) ? null : `attribute "${id}" is not a C identifier`
}

/** A string attribute value (types.go DeviceAttribute.StringValue: at most 64 bytes, as Go's len counts). */
export const attributeValueProblem = (s: string): string | null => (Buffer.byteLength(s) > MAX_ATTRIBUTE_VALUE ? `"${s}" is longer than ${MAX_ATTRIBUTE_VALUE} bytes` : null)

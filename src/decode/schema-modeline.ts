/**
 * Where the JSON Schemas of vpci's files live, and the first line of a YAML file vpci writes so
 * that editors running yaml-language-server check it against its schema. The schemas ship in
 * the package (`vpci-migrate/schema/*.schema.json`); their `$id`s are these URLs.
 */

/** The base of every schema `$id`. */
export const SCHEMA_BASE = 'https://vpci-migrate.dev/schema/'

/** `https://vpci-migrate.dev/schema/host.schema.json` for `host.schema.json`. */
export const schemaId = (file: string): string => `${SCHEMA_BASE}${file}`

/** The comment (without `#`) that names a file's schema to yaml-language-server. */
export const schemaModeline = (file: string): string => ` yaml-language-server: $schema=${schemaId(file)}`

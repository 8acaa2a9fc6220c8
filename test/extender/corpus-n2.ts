/** vm-17-n2 (corpus/state/vm-17-n2-schema-v1.pb) from the repository's corpus: its bytes and its state. */
import type { MigrationState } from '../../src/state/migration-state.js'
import { n2From } from './kube-shapes.js'

const repo = n2From()
export const N2_BYTES: Uint8Array = repo.bytes
export const n2: MigrationState = repo.state

/**
 * Loads a VM's migration state (protobuf) the user named.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { MigrationState } from '../state/migration-state.js'
import { decodeMigrationState, MAX_STATE_BYTES } from '../state/state-codec.js'
import { type Failure, failPaths } from './exit.js'
import type { CliIo } from './io.js'
import { folderGiven, type Input, readInput, wrongKindOf } from './read-input.js'

/** The migration state an input holds. */
export const stateFrom = (input: Input): E.Either<Failure, MigrationState> => {
  if (input._tag === 'Folder') return E.left(folderGiven(input.path, ['migration-state']))
  const state = decodeMigrationState(input.bytes)
  return E.isRight(state) ? state : E.left(wrongKindOf(input, ['migration-state']) ?? failPaths(input.path, state.left))
}

export const loadState = async (io: CliIo, path: string): Promise<E.Either<Failure, MigrationState>> => {
  const input = await readInput(io, path, MAX_STATE_BYTES)
  return E.isLeft(input) ? input : stateFrom(input.right)
}

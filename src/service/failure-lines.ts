/**
 * A failure (the CLI's bad-input result) as the lines the CLI would print for it, without its
 * `vpci: ` prefix: the first `limit` errors and a count of the rest. What the service answers
 * in a status message and logs for a refused file, so both say what `vpci` says.
 */
import { type Failure, shownErrors } from '../cli/exit.js'
import { omittedLine } from '../proof/reason-limit.js'

export const failureLines = (f: Failure, limit: number): string[] => {
  const { errors, omitted } = shownErrors(f, limit)
  const more = omittedLine(omitted, 'error')
  return [...errors.map((e) => e.message), ...(more === null ? [] : [more])]
}

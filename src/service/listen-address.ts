/**
 * A listen address as a command line gives it: `HOST:PORT`, `:PORT` (every interface),
 * `[IPV6]:PORT`; the port 0 to 65535 (0: any free port, told when listening).
 */
import * as E from 'fp-ts/lib/Either.js'

export interface ListenAddress {
  readonly host: string
  readonly port: number
}

export const parseListenAddress = (text: string): E.Either<string, ListenAddress> => {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]*)):(\d{1,5})$/.exec(text)
  const port = m === null ? NaN : Number(m[3])
  if (m === null || port > 65535) return E.left(`"${text}" is not a listen address (HOST:PORT, :PORT or [IPV6]:PORT, port 0 to 65535)`)
  const host = m[1] ?? (m[2] === '' ? '0.0.0.0' : m[2]!)
  return E.right({ host, port })
}

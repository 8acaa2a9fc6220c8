/**
 * A one-line progress bar for a terminal: redrawn in place with a carriage return. (A library
 * would want a real TTY stream; the CLI writes through `CliIo`, so this is ten lines instead.)
 */

const WIDTH = 30

/** `\r[#########.....]  45% 450/1000 hosts`, clearing the rest of the line. */
export const progressLine = (done: number, total: number, what: string): string => {
  const fraction = total === 0 ? 1 : Math.min(1, done / total)
  const filled = Math.round(fraction * WIDTH)
  return `\r[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${done}/${total} ${what}\x1b[K`
}

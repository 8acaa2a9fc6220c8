/**
 * CPU-time tables for bench/README.md (`npm run bench:cpu -- TABLE...`; no argument: all). On a
 * shared, loaded machine wall clock swings 2×; CPU time of this process (`process.cpuUsage`,
 * helper threads included) does not count time spent descheduled. Each round runs every row in
 * turn, a block of calls each (so the garbage a row makes is collected mostly within its own
 * block), and the figure is the median over rounds, next to the minimum; ratios are to the
 * baseline row of the same rounds. Run with --expose-gc (the npm script does) so each table
 * starts from a collected heap.
 *
 * Tables: filter (filterHosts from scratch, memory), inventory (the standing inventory, host
 * updates, memory), pasid (remap
 * and every mode), state (decode warm and cold), check (the full path), growth (each path at
 * growing sizes).
 */
import os from 'node:os'
import { checkTable } from './check-table.js'
import { filterTable, inventoryTable } from './filter-table.js'
import { growthTables } from './growth-tables.js'
import { pasidTable } from './pasid-table.js'
import { stateTable } from './state-table.js'

const TABLES: Record<string, () => void> = { filter: filterTable, inventory: inventoryTable, pasid: pasidTable, state: stateTable, check: checkTable, growth: growthTables }

const asked = process.argv.slice(2)
const unknown = asked.filter((a) => !(a in TABLES))
if (unknown.length > 0) {
  console.error(`unknown table ${unknown.join(', ')}; tables: ${Object.keys(TABLES).join(', ')}`)
  process.exit(2)
}
console.log(`${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} at start`)
for (const name of asked.length > 0 ? asked : Object.keys(TABLES)) {
  TABLES[name]!()
  console.log(`(load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} after ${name})`)
}

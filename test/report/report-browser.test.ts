/**
 * The report in a real headless Chromium (Debian's `chromium`, driven by playwright-core): for
 * each of the three kinds a screenshot is written under .test-output/report/, and the page shows
 * every capability of both sides (the walker's list, the oracle) and every reason, a reason's
 * link focuses its bytes, hovering a byte tells its field and both values, no request leaves the
 * page (every request is recorded and any other than the page itself aborted) and the console
 * has no errors. Skipped, saying how to install one, where no browser is present.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as E from 'fp-ts/lib/Either.js'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { capabilityLabel } from '../../src/capability/capability.js'
import { compatibilityMatrix } from '../../src/fleet/compatibility-matrix.js'
import { build } from '../../src/layout/build.js'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { realize } from '../../src/layout/realize.js'
import { proveEquivalence } from '../../src/proof/prove-equivalence.js'
import type { Reason } from '../../src/proof/reason.js'
import { matrixReportHtml, pairReportHtml } from '../../src/report/report-html.js'
import { equivalenceReport, realizationReport } from '../../src/report/report-model.js'
import { type PreparedFunction, prepareFunction } from '../../src/semantic/prepared-function.js'
import { preparedCorpus } from '../support/prepared.js'
import { readCorpusText } from '../support/repo-corpus.js'

const CHROMIUM = '/usr/bin/chromium'
const present = existsSync(CHROMIUM)
if (!present) console.warn(`SKIPPING the report's browser test: no ${CHROMIUM} (install it: apt-get install -y chromium)`)

const OUTPUT = join(process.cwd(), '.test-output', 'report')

const layoutOf = (name: string) => {
  const l = decodeLayout(readCorpusText(`layouts/${name}.yaml`), `corpus/layouts/${name}.yaml`)
  if (E.isLeft(l)) throw new Error(name)
  return l.right
}

interface Opened {
  readonly page: Page
  readonly requests: string[]
  readonly errors: string[]
}

describe.skipIf(!present)('the report in Chromium', () => {
  let context: BrowserContext
  let profile: string

  beforeAll(async () => {
    const { chromium } = await import('playwright-core')
    profile = mkdtempSync(join(tmpdir(), 'vpci-chromium-'))
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1500, height: 1100 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
    mkdirSync(OUTPUT, { recursive: true })
  }, 60_000)

  afterAll(async () => {
    await context?.close()
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true })
  })

  /** Writes the page, opens it with every request recorded (and all but the page's own aborted). */
  const open = async (name: string, html: string): Promise<Opened> => {
    const file = join(OUTPUT, `${name}.html`)
    writeFileSync(file, html)
    const url = pathToFileURL(file).href
    const page = await context.newPage()
    const requests: string[] = []
    const errors: string[] = []
    await page.route('**/*', (route) => {
      requests.push(route.request().url())
      return route.request().url() === url ? route.continue() : route.abort()
    })
    page.on('request', (r) => void (requests.includes(r.url()) ? undefined : requests.push(r.url())))
    page.on('console', (m) => void (m.type() === 'error' ? errors.push(m.text()) : undefined))
    page.on('pageerror', (e) => void errors.push(String(e)))
    await page.goto(url)
    await page.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true })
    return { page, requests: [...new Set(requests)].filter((r) => r !== url), errors }
  }

  /** Every capability of each side is a block label on that side's map. */
  const expectBlocks = async (page: Page, sides: readonly PreparedFunction[]) => {
    for (const [k, f] of sides.entries()) {
      const labels = await page.locator(`#side${k} .blk`).allTextContents()
      for (const c of f.walk.capabilities) expect(labels.some((l) => l.includes(capabilityLabel(c))), `${capabilityLabel(c)} on side ${k}`).toBe(true)
      expect(labels.length).toBe(f.walk.capabilities.length + 1)
    }
  }

  /** Every reason is listed, and its link focuses the first byte it concerns and marks them all. */
  const expectReasons = async (page: Page, reasons: readonly Reason[]) => {
    const items = page.locator('ol.reasons > li')
    expect(await items.count()).toBe(reasons.length)
    for (const [k, r] of reasons.entries()) {
      const item = items.nth(k)
      expect(await item.textContent()).toContain(r.message)
      const link = item.locator('a.jump')
      if (r.offset === null) continue
      await link.click()
      const focused = (await page.locator(':focus').getAttribute('id')) ?? ''
      expect(focused, r.message).toMatch(/^b[01]-[0-9a-f]+$/)
      if (focused.startsWith('b0-')) expect(focused).toBe(`b0-${r.offset.toString(16)}`)
      expect(await page.locator('td.hl').count()).toBeGreaterThan(0)
    }
  }

  it('a layout on a physical function: the V1 NIC layout on V2 hardware (moved MSI-X and PCI Express joined)', async () => {
    const layout = layoutOf('nic-v1')
    const physical = preparedCorpus('families/nic/v2.lspci')
    const r = realize(layout, physical)
    const built = build(layout)
    if (E.isLeft(r) || E.isLeft(built)) throw new Error('the corpus layout')
    const virtual = prepareFunction(built.right)
    const { page, requests, errors } = await open('layout-on-physical', pairReportHtml(realizationReport(layout, virtual, physical, r.right, null)))
    await expectBlocks(page, [virtual, physical])
    await expectReasons(page, r.right.reasons)
    // corpus/README.md: V2 firmware moved MSI-X 0x50 → 0x90 and PCI Express 0x60 → 0x48; both are drawn joined.
    expect(await page.locator('svg#joins line').count()).toBe(2)
    expect(await page.locator('#side0 .blk.moved').allTextContents()).toEqual(['◀ MSI-X at 0x50, 12 bytes', '◀ PCI Express at 0x60, 60 bytes'])
    // Hovering MSI-X's Table Size byte on the layout tells its field and the byte at 0x92 on the hardware.
    await page.hover('#b0-52')
    const told = await page.locator('#inspector').textContent()
    expect(told).toContain('layout 0x52 = 0x0f')
    expect(told).toContain('physical function 0x92 = 0x0f')
    expect(told).toContain('Table Size (bits 10:0)')
    // From the keyboard: the grid's first byte is in the tab order, arrows move by byte and by row.
    await page.focus('#b1-0')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowRight')
    expect(await page.locator(':focus').getAttribute('id')).toBe('b1-11')
    expect(await page.locator('#inspector').textContent()).toContain('physical function 0x11 = ')
    expect(requests).toEqual([])
    expect(errors).toEqual([])
  })

  it('two functions: accelerator V1 against V2 (reasons linked to their bytes)', async () => {
    const a = preparedCorpus('families/accelerator/v1-host-a.lspci')
    const b = preparedCorpus('families/accelerator/v2-host-c.lspci')
    const v = proveEquivalence(a, b)
    const { page, requests, errors } = await open('two-functions', pairReportHtml(equivalenceReport(a, b, v, null)))
    await expectBlocks(page, [a, b])
    await expectReasons(page, v.reasons)
    // The Max PASID Width reason (0x154, 2 bytes) marks exactly its two bytes on each side.
    const width = v.reasons.findIndex((r) => r.field === 'maxPasidWidth')
    await page.locator('ol.reasons > li').nth(width).locator('a.jump').click()
    expect(await page.locator('td.hl').evaluateAll((els) => els.map((e) => e.id))).toEqual(['b0-154', 'b0-155', 'b1-154', 'b1-155'])
    expect(await page.locator('#digests').textContent()).toContain(a.digest)
    expect(requests).toEqual([])
    expect(errors).toEqual([])
  })

  it('a matrix: every cell says its verdict in words', async () => {
    const layouts = ['accelerator-v1', 'nic-v1', 'nic-v2'].map((n) => ({ name: n, layout: layoutOf(n) }))
    const functions = ['families/accelerator/v1-host-a.lspci', 'families/nic/v1.lspci', 'families/nic/v2.lspci'].map((n) => ({ name: n, function: preparedCorpus(n) }))
    const m = compatibilityMatrix(layouts, functions)
    const { page, requests, errors } = await open('matrix', matrixReportHtml(m, null))
    const cells = await page.locator('table.matrix tbody td').allTextContents()
    expect(cells.length).toBe(9)
    functions.forEach((_, k) => layouts.forEach((_, i) => expect(cells[k * 3 + i]).toContain(m.cells[i]![k]!.compatible ? '✓ backs' : '✗ refused')))
    expect(requests).toEqual([])
    expect(errors).toEqual([])
  })

  it('input that looks like markup stays text: no element it names appears, nothing is requested', async () => {
    const hostile = '</script><img src="https://example.invalid/x.png" onerror="console.error(1)"><script>console.error(2)</script>'
    const a: PreparedFunction = { ...preparedCorpus('families/nic/v1.lspci'), name: hostile }
    const b = preparedCorpus('families/nic/v2.lspci')
    const { page, requests, errors } = await open('hostile-names', pairReportHtml(equivalenceReport(a, b, proveEquivalence(a, b), null)))
    expect(await page.locator('img').count()).toBe(0)
    expect(await page.locator('dl.sides dd').first().textContent()).toBe(hostile)
    expect(requests).toEqual([])
    expect(errors).toEqual([])
  })
})

/**
 * The report page as text, without a browser: its Content-Security-Policy allows exactly its own
 * inline style and script (their SHA-256, recomputed here) and nothing else; input that looks
 * like markup or like the end of the data block stays data; long lists are cut with a count;
 * the map joins what realize pairs (corpus/README.md: V2 firmware moved MSI-X 0x50 → 0x90).
 */
import { createHash } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { build } from '../../src/layout/build.js'
import { decodeLayout } from '../../src/layout/layout-yaml.js'
import { realize } from '../../src/layout/realize.js'
import { proveEquivalence } from '../../src/proof/prove-equivalence.js'
import { escapeHtml, matrixReportHtml, pairReportHtml } from '../../src/report/report-html.js'
import { equivalenceReport, mapped, realizationReport } from '../../src/report/report-model.js'
import { prepareFunction } from '../../src/semantic/prepared-function.js'
import { preparedCorpus, preparedImage } from '../support/prepared.js'
import { readCorpusText } from '../support/repo-corpus.js'

const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('base64')

const nicOnV2 = () => {
  const l = decodeLayout(readCorpusText('layouts/nic-v1.yaml'), 'nic-v1')
  if (E.isLeft(l)) throw new Error('layout')
  const physical = preparedCorpus('families/nic/v2.lspci')
  const r = realize(l.right, physical)
  const built = build(l.right)
  if (E.isLeft(r) || E.isLeft(built)) throw new Error('realize')
  return realizationReport(l.right, prepareFunction(built.right), physical, r.right, null)
}

describe('report page', () => {
  it('allows by hash exactly its inline style and script, and loads nothing', () => {
    const html = pairReportHtml(nicOnV2())
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!
    expect(csp).toBe(`default-src 'none'; style-src 'sha256-${sha(style)}'; script-src 'sha256-${sha(script)}'; img-src 'none'; base-uri 'none'; form-action 'none'`)
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//)
    expect(html).not.toMatch(/<link\b/)
  })

  it('keeps names that look like markup, or like the end of the data block, as text', () => {
    const hostile = '</script><script>alert(1)</script><img src=x onerror=alert(2)>\u2028"\'&'
    const a = { ...preparedCorpus('families/nic/v1.lspci'), name: hostile }
    const b = preparedCorpus('families/nic/v2.lspci')
    const html = pairReportHtml(equivalenceReport(a, b, proveEquivalence(a, b), null))
    expect(html.match(/<script\b/g)).toHaveLength(2)
    expect(html.match(/<\/script>/g)).toHaveLength(2)
    expect(html).not.toContain('<img')
    expect(html).toContain(escapeHtml(hostile))
    const data = JSON.parse(/<script type="application\/json" id="vpci-data">([\s\S]*?)<\/script>/.exec(html)![1]!)
    expect(data.sides[0].name).toBe(hostile)
  })

  it('lists the first reasons and counts the rest', () => {
    // Two images differing in every other byte of 0x40–0xff (no capability there): 96 runs, 96 reasons.
    const x = new Uint8Array(256)
    const y = new Uint8Array(256)
    x.set([0x34, 0x12, 0x01, 0x5b])
    y.set([0x34, 0x12, 0x01, 0x5b])
    for (let i = 0x40; i < 0x100; i += 2) y[i] = 0xaa
    const a = preparedImage(x, 'a')
    const b = preparedImage(y, 'b')
    const v = proveEquivalence(a, b)
    const html = pairReportHtml(equivalenceReport(a, b, v, 3))
    expect(v.reasons.length).toBeGreaterThan(3)
    expect(html.match(/<li id="reason-/g)).toHaveLength(3)
    expect(html).toContain(`… and ${v.reasons.length - 3} more reasons`)
  })

  it('joins what realize pairs: the V1 NIC layout\'s MSI-X at 0x50 is the V2 hardware\'s at 0x90', () => {
    const r = nicOnV2()
    expect(mapped(r.sides[0].map, 0x52)).toBe(0x92)
    expect(mapped(r.sides[1].map, 0x92)).toBe(0x52)
    expect(r.joins.filter((j) => j.moved).map((j) => [r.sides[0].blocks[j.from]!.offset, r.sides[1].blocks[j.to]!.offset])).toEqual([
      [0x50, 0x90],
      [0x60, 0x48],
    ])
  })

  it('a matrix page lists at most the functions asked for, and counts the rest', () => {
    const cell = { compatible: true, reason: null, errors: 0, warnings: 0, offsetMap: null }
    const m = { layouts: ['l'], functions: ['a', 'b', 'c'], cells: [[cell, cell, cell]], classesJudged: 1 }
    const html = matrixReportHtml(m, 2)
    expect(html.match(/<tr><th scope="row">/g)).toHaveLength(2)
    expect(html).toContain('… and 1 more function (--all lists them)')
  })
})

import { describe, expect, it } from 'vitest'
import { linkedAnchors, parseRich, plainText } from './rich'
import { CREDENTIAL_INTRO, CREDENTIAL_ROWS, FIND_IDS, FIND_IDS_INTRO, KEEP_SAFE, KEEP_SAFE_INTRO, KEY_ANATOMY } from './reference'
import { SECTIONS, allAnchors } from './sections'
import { KEY_STEPS } from './steps'
import { TROUBLE_ITEMS } from './trouble'

/** Every piece of guide text, for the checks below. */
function allText(): string[] {
  const out: string[] = [CREDENTIAL_INTRO, FIND_IDS_INTRO, KEEP_SAFE_INTRO, KEY_ANATOMY.alt, KEY_ANATOMY.caption]
  for (const s of SECTIONS) out.push(s.title, s.summary)
  for (const st of KEY_STEPS) {
    out.push(st.title, st.intro, ...st.instructions.map((i) => i.text), ...(st.notes ?? []).map((n) => n.text))
    if (st.illustration) out.push(st.illustration.alt, st.illustration.caption)
  }
  for (const r of CREDENTIAL_ROWS) out.push(r.name, r.looksLike, r.what, r.todo)
  for (const b of [...FIND_IDS, ...KEEP_SAFE]) {
    out.push(b.title, ...b.paragraphs, ...(b.steps ?? []))
    if (b.illustration) out.push(b.illustration.alt, b.illustration.caption)
  }
  for (const t of TROUBLE_ITEMS) out.push(t.title, t.answer, ...t.points, ...(t.see ?? []).map((s) => s.label))
  return out
}

describe('inline markup', () => {
  it('parses bold, code and guide links, leaving the rest as text', () => {
    expect(parseRich('Click **Generate** then `IST.` see [here](#find-ids).')).toEqual([
      { t: 'text', v: 'Click ' },
      { t: 'b', v: 'Generate', inner: [{ t: 'text', v: 'Generate' }] },
      { t: 'text', v: ' then ' },
      { t: 'code', v: 'IST.' },
      { t: 'text', v: ' see ' },
      { t: 'link', v: 'here', anchor: 'find-ids' },
      { t: 'text', v: '.' },
    ])
    expect(plainText('a **b** `c`')).toBe('a b c')
    expect(parseRich('**x `y`**')).toEqual([{ t: 'b', v: 'x y', inner: [{ t: 'text', v: 'x ' }, { t: 'code', v: 'y' }] }])
  })

  it('never turns markup-looking text into HTML or external links', () => {
    expect(parseRich('<b>x</b> [x](https://example.com)')).toEqual([{ t: 'text', v: '<b>x</b> [x](https://example.com)' }])
  })
})

describe('guide content', () => {
  it('links only to anchors the guide has', () => {
    const known = new Set(allAnchors())
    for (const text of allText()) for (const a of linkedAnchors(text)) expect(known.has(a), `${a} in "${text}"`).toBe(true)
    for (const t of TROUBLE_ITEMS) for (const s of t.see ?? []) expect(known.has(s.anchor), s.anchor).toBe(true)
  })

  it('says an IST. key is right and never asks for a different prefix', () => {
    const all = allText().map(plainText).join('\n')
    expect(all).toMatch(/starts with IST\. is the right kind/)
    // No sentence may tell the user to use, expect or look for a key starting with JWS.
    expect(all).not.toMatch(/(key|should|must|need)[^.\n]{0,40}\bstarts? with JWS\./i)
    expect(all).not.toMatch(/JWS\.\s*(key|API key)/i)
    const ist = CREDENTIAL_ROWS.find((r) => r.prefix === 'IST.')!
    expect(ist.verdict).toBe('right')
    expect(CREDENTIAL_ROWS.filter((r) => r.verdict === 'right')).toHaveLength(1)
  })

  it('recommends least privilege: the three permissions Wixdrop uses, not All permissions', () => {
    const perms = KEY_STEPS.find((s) => s.id === 'get-api-key-permissions')!
    const text = perms.instructions.map((i) => i.text).join(' ')
    // Uploads send (Manage), then follow processing and list folders (Read); sites need Read Site Data.
    for (const p of ['Manage Media Manager', 'Read Media Manager', 'Read Site Data']) {
      expect(text).toContain(`**${p}**`)
      expect(perms.illustration?.alt).toContain(p)
      expect(perms.illustration?.caption).toContain(p)
    }
    const trouble = TROUBLE_ITEMS.find((i) => i.id === 'trouble-403-permission')!
    expect(trouble.answer).toContain('Read Media Manager')
    expect(perms.notes?.some((n) => n.tone === 'warn' && n.text.includes('All permissions') && /unticked/.test(n.text))).toBe(true)
  })

  it('numbers instructions to match the drawing: 1, 2, 3… without gaps', () => {
    for (const st of KEY_STEPS) {
      const spots = st.instructions.flatMap((i) => (i.spot ? [i.spot] : []))
      expect(spots, st.id).toEqual(spots.map((_, i) => i + 1))
      if (st.illustration) expect(spots.length, st.id).toBeGreaterThan(0)
    }
  })

  it('describes every drawing for screen readers', () => {
    for (const st of KEY_STEPS) if (!st.paste) expect(st.illustration?.alt.length, st.id).toBeGreaterThan(40)
  })
})

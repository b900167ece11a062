import { describe, expect, it, vi } from 'vitest'
import { GuideNav, resolveAnchor } from './nav.svelte'
import { PAGES, SECTIONS, allAnchors } from './sections'
import { KEY_STEPS } from './steps'

// The anchors other screens link to (core diagnoses, the key badge, the welcome dialog).
const PUBLIC_ANCHORS = [
  'get-api-key',
  'which-credential',
  'find-ids',
  'keep-keys-safe',
  'troubleshooting',
  'trouble-no-api-keys',
  'trouble-no-code',
  'trouble-401',
  'trouble-403',
  'trouble-403-permission',
  'trouble-403-ids',
  'trouble-403-other-account',
  'trouble-ist-prefix',
  'trouble-oauth-expired',
  'trouble-5xx',
  'trouble-network',
]

describe('resolveAnchor', () => {
  it('opens the contents for no anchor', () => {
    expect(resolveAnchor(null)).toEqual({ page: null, target: null, unknown: null })
    expect(resolveAnchor('')).toEqual({ page: null, target: null, unknown: null })
  })

  it('opens a section at its first page', () => {
    const pos = resolveAnchor('get-api-key')
    expect(pos.page?.section.id).toBe('get-api-key')
    expect(pos.page?.stepIndex).toBe(0)
    expect(pos.target).toBeNull()
    expect(resolveAnchor('find-ids').page?.section.id).toBe('find-ids')
  })

  it('opens a step of "Get an API key" directly', () => {
    const pos = resolveAnchor('get-api-key-verify')
    expect(pos.page?.section.id).toBe('get-api-key')
    expect(pos.page?.step?.id).toBe('get-api-key-verify')
    expect(pos.page?.stepIndex).toBe(KEY_STEPS.findIndex((s) => s.id === 'get-api-key-verify'))
  })

  it('opens the section holding an item and targets the item', () => {
    const pos = resolveAnchor('trouble-403-permission')
    expect(pos.page?.section.id).toBe('troubleshooting')
    expect(pos.target).toBe('trouble-403-permission')
    expect(resolveAnchor('safe-rotate')).toMatchObject({ target: 'safe-rotate', page: { section: { id: 'keep-keys-safe' } } })
    expect(resolveAnchor('cred-oauth')).toMatchObject({ target: 'cred-oauth', page: { section: { id: 'which-credential' } } })
  })

  it('falls back to the contents for unknown anchors, remembering what was asked', () => {
    expect(resolveAnchor('trouble-999')).toEqual({ page: null, target: null, unknown: 'trouble-999' })
    expect(resolveAnchor('get-api')).toMatchObject({ page: null, unknown: 'get-api' })
  })

  it('answers to every anchor that other screens link to', () => {
    for (const a of PUBLIC_ANCHORS) {
      const pos = resolveAnchor(a)
      expect(pos.page, a).not.toBeNull()
      expect(pos.unknown).toBeNull()
      if (a.startsWith('trouble-')) expect(pos.target).toBe(a)
    }
  })

  it('has no duplicate anchors', () => {
    const all = allAnchors()
    expect(new Set(all).size).toBe(all.length)
  })
})

describe('GuideNav', () => {
  it('walks every page with Next, in order, and stops at the end', () => {
    const nav = new GuideNav()
    nav.open(null)
    expect(nav.index).toBe(-1)
    expect(nav.canBack).toBe(false)
    const seen: string[] = []
    while (nav.next()) seen.push(nav.pos.page!.anchor)
    expect(seen).toEqual(PAGES.map((p) => p.anchor))
    expect(nav.canNext).toBe(false)
    expect(nav.next()).toBe(false)
    expect(nav.pos.page?.section.id).toBe('troubleshooting')
    // Every section was visited.
    expect(new Set(seen.map((a) => resolveAnchor(a).page!.section.id))).toEqual(new Set(SECTIONS.map((s) => s.id)))
  })

  it('walks back to the contents and no further', () => {
    const nav = new GuideNav()
    nav.open('which-credential')
    expect(nav.back()).toBe(true)
    expect(nav.pos.page?.step?.id).toBe('get-api-key-paste')
    for (let i = 0; i < KEY_STEPS.length; i++) expect(nav.back()).toBe(true)
    expect(nav.pos.page).toBeNull()
    expect(nav.canBack).toBe(false)
    expect(nav.back()).toBe(false)
    expect(nav.pos.page).toBeNull()
  })

  it('counts steps within "Get an API key" only', () => {
    const nav = new GuideNav()
    nav.open('get-api-key')
    expect(nav.stepInfo).toEqual({ number: 1, total: KEY_STEPS.length })
    nav.next()
    expect(nav.stepInfo).toEqual({ number: 2, total: KEY_STEPS.length })
    nav.open('troubleshooting')
    expect(nav.stepInfo).toBeNull()
  })

  it('Next from an item deep link continues after that item’s page', () => {
    const nav = new GuideNav()
    nav.open('find-account-id')
    expect(nav.nextPage?.anchor).toBe('keep-keys-safe')
    expect(nav.backPage?.anchor).toBe('which-credential')
  })

  it('asks the router to navigate and tells pager moves from links', () => {
    const go = vi.fn()
    const nav = new GuideNav(go)
    nav.open('trouble-401')
    expect(nav.via).toBe('link')
    expect(nav.pos.target).toBe('trouble-401')

    nav.open('get-api-key-sites')
    nav.next()
    expect(go).toHaveBeenLastCalledWith('get-api-key-verify')
    // Nothing moves until the route comes back…
    expect(nav.pos.page?.step?.id).toBe('get-api-key-sites')
    // …and when it does, the move is known to come from the pager.
    nav.open('get-api-key-verify')
    expect(nav.via).toBe('pager')
    // A later link to another place is a link again.
    nav.open('trouble-5xx')
    expect(nav.via).toBe('link')
  })

  it('bumps serial on every open, even for the same anchor', () => {
    const nav = new GuideNav()
    nav.open('trouble-401')
    const first = nav.serial
    nav.open('trouble-401')
    expect(nav.serial).toBeGreaterThan(first)
  })

  it('goTo ignores the current anchor and navigates to others', () => {
    const go = vi.fn()
    const nav = new GuideNav(go)
    nav.open('get-api-key-copy')
    nav.goTo('get-api-key-copy')
    expect(go).not.toHaveBeenCalled()
    nav.goTo('get-api-key-open')
    expect(go).toHaveBeenCalledWith('get-api-key-open')
  })
})

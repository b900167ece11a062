import { describe, expect, it } from 'vitest'
import { guideHref, parseHash, routeHash } from './router.svelte'

describe('hash routes', () => {
  it('parses screens and anchors', () => {
    expect(parseHash('#/keys')).toEqual({ screen: 'keys', anchor: null })
    expect(parseHash('#/guide/trouble-401')).toEqual({ screen: 'guide', anchor: 'trouble-401' })
    expect(parseHash('#guide/get-api-key')).toEqual({ screen: 'guide', anchor: 'get-api-key' })
  })

  it('falls back on unknown or hostile input', () => {
    expect(parseHash('')).toEqual({ screen: 'upload', anchor: null })
    expect(parseHash('#/nope/x', 'keys')).toEqual({ screen: 'keys', anchor: null })
    expect(parseHash('#/guide/<script>')).toEqual({ screen: 'guide', anchor: null })
    expect(parseHash('#/guide/' + 'a'.repeat(200))).toEqual({ screen: 'guide', anchor: null })
  })

  it('round-trips', () => {
    expect(parseHash(routeHash('history'))).toEqual({ screen: 'history', anchor: null })
    expect(guideHref('trouble-403')).toBe('#/guide/trouble-403')
    expect(guideHref(null)).toBe('#/guide')
  })
})

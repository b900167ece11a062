import { describe, expect, it } from 'vitest'
import { isHeadless } from './sites'

describe('isHeadless', () => {
  it('reads Wix namespace leniently', () => {
    expect(isHeadless({ namespace: 'HEADLESS' })).toBe(true)
    expect(isHeadless({ namespace: 'headless' })).toBe(true)
    expect(isHeadless({ namespace: 'WIX' })).toBe(false)
    expect(isHeadless({ namespace: 'SOMETHING_NEW' })).toBe(false)
    expect(isHeadless({ namespace: null })).toBe(false)
  })
})

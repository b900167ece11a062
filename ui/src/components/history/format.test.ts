import { describe, expect, it } from 'vitest'
import { countLabel, monthLabel } from './format'

describe('countLabel', () => {
  it('says how many there are and how many match', () => {
    expect(countLabel(20000, 20000, '', null)).toBe('20,000 uploads')
    expect(countLabel(1, 1, '  ', null)).toBe('1 upload')
    expect(countLabel(2412, 20000, ' summer ', null)).toBe('2,412 of 20,000 uploads match “summer”')
    expect(countLabel(1, 20000, 'café', 'Demo Blog')).toBe('1 of 20,000 uploads to Demo Blog matches “café”')
    expect(countLabel(0, 5, 'nope', null)).toBe('No uploads match “nope”')
  })
})

describe('monthLabel', () => {
  it('names the month and survives garbage', () => {
    expect(monthLabel('2026-11', 'en-US')).toBe('November 2026')
    expect(monthLabel('', 'en-US')).toBe('Unknown date')
    expect(monthLabel('garbage', 'en-US')).toBe('garbage')
  })
})

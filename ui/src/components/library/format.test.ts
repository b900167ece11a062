import { describe, expect, it } from 'vitest'
import { parseLabels, size, statusLabel, typeIcon } from './format'

describe('library format', () => {
  it('sizes', () => {
    expect(size(null)).toBe('—')
    expect(size(12)).toBe('12 B')
    expect(size(1234)).toBe('1.2 KB')
    expect(size(5_582_258)).toBe('5.6 MB')
    expect(size(830_000)).toBe('830 KB')
  })
  it('labels, statuses and icons', () => {
    expect(parseLabels(' cat, blue sky ,,cat')).toEqual(['cat', 'blue sky'])
    expect(statusLabel('READY')).toBeNull()
    expect(statusLabel('PENDING')).toBe('Processing')
    expect(typeIcon('VECTOR')).toBe('image')
    expect(typeIcon('ARCHIVE')).toBe('doc')
  })
})

import { describe, expect, it } from 'vitest'
import { kindIcon } from './media'

describe('kindIcon', () => {
  it("names a line icon for each of Wix's media types, and a file for the rest", () => {
    expect(kindIcon('IMAGE')).toBe('image')
    expect(kindIcon('VECTOR')).toBe('image')
    expect(kindIcon('VIDEO')).toBe('video')
    expect(kindIcon('AUDIO')).toBe('audio')
    expect(kindIcon('DOCUMENT')).toBe('file')
    expect(kindIcon('ARCHIVE')).toBe('file')
    expect(kindIcon(null)).toBe('file')
    expect(kindIcon(undefined)).toBe('file')
  })
})

import { describe, expect, it } from 'vitest'
import { all, click, EMPTY, move, prune } from './selection'

const ids = ['a', 'b', 'c', 'd', 'e']
const set = (s: { ids: ReadonlySet<string> }) => [...s.ids].sort()

describe('selection', () => {
  it('click selects one, ctrl toggles, shift selects the range from the anchor', () => {
    let s = click(EMPTY, ids, 1)
    expect(set(s)).toEqual(['b'])
    s = click(s, ids, 3, { toggle: true })
    expect(set(s)).toEqual(['b', 'd'])
    s = click(s, ids, 3, { toggle: true })
    expect(set(s)).toEqual(['b'])
    s = click(click(EMPTY, ids, 1), ids, 4, { shift: true })
    expect(set(s)).toEqual(['b', 'c', 'd', 'e'])
    // The anchor stays: shift-clicking above it flips the range.
    s = click(s, ids, 0, { shift: true })
    expect(set(s)).toEqual(['a', 'b'])
    // Ctrl+Shift adds a range to what is selected.
    s = click(click(click(EMPTY, ids, 0), ids, 3, { toggle: true }), ids, 4, { shift: true, toggle: true })
    expect(set(s)).toEqual(['a', 'd', 'e'])
  })

  it('arrows move, shift+arrows extend, ctrl+a selects all', () => {
    let s = move(EMPTY, ids, 1)
    expect([set(s), s.focus]).toEqual([['a'], 0])
    s = move(s, ids, 1, { shift: true })
    s = move(s, ids, 1, { shift: true })
    expect(set(s)).toEqual(['a', 'b', 'c'])
    s = move(s, ids, 10)
    expect([set(s), s.focus]).toEqual([['e'], 4])
    s = move(s, ids, -3, { shift: true })
    expect(set(s)).toEqual(['b', 'c', 'd', 'e'])
    expect(set(all(ids))).toEqual(ids)
  })

  it('prune drops what left the list', () => {
    const s = prune(click(click(EMPTY, ids, 0), ids, 2, { toggle: true }), ['b', 'c'])
    expect(set(s)).toEqual(['c'])
  })
})

import { describe, expect, it } from 'vitest'
import { PageCache, type Page } from './pages'

/** A history of `count` entries (index = age, 0 newest) served like the Rust command does. */
function server(count: number) {
  const calls: { offset: number; limit: number; months: boolean }[] = []
  let gate: Promise<void> = Promise.resolve()
  const fetch = async (offset: number, limit: number, months: boolean): Promise<Page<number, string>> => {
    calls.push({ offset, limit, months })
    await gate
    const entries = []
    for (let i = offset; i < Math.min(count, offset + limit); i++) entries.push(i)
    return { entries, offset, total: count, all: count, months: months ? ['2026-11'] : null }
  }
  return {
    calls,
    fetch,
    hold() {
      let release = () => {}
      gate = new Promise((r) => (release = r))
      return () => release()
    },
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0))

describe('PageCache', () => {
  it('loads the first page with counts, then pages around what is visible', async () => {
    const s = server(20_000)
    let changes = 0
    const c = new PageCache(s.fetch, () => changes++, 100, 6, 0)
    await c.reset()
    expect([c.total, c.all, c.loaded]).toEqual([20_000, 20_000, true])
    await settle()
    expect(c.months).toEqual(['2026-11'])
    expect(c.get(0)).toBe(0)
    expect(c.get(99)).toBe(99)
    expect(c.get(100)).toBeUndefined()
    // The first page comes without months (they follow, so the rows show first).
    expect(s.calls).toEqual([{ offset: 0, limit: 100, months: false }, { offset: 0, limit: 0, months: true }])

    // Jump to the oldest: only the last pages are asked for.
    c.need(19_990, 19_999)
    await settle()
    expect(c.get(19_999)).toBe(19_999)
    expect(s.calls.slice(2).map((x) => x.offset).sort((a, b) => a - b)).toEqual([19_800, 19_900])
    expect(changes).toBeGreaterThan(1)
  })

  it('holds at most maxPages however far the user scrolls', async () => {
    const s = server(20_000)
    const c = new PageCache(s.fetch, () => {}, 100, 6, 0)
    await c.reset()
    for (let first = 0; first < 20_000; first += 37) {
      c.need(first, first + 12)
      await settle()
      expect(c.held).toBeLessThanOrEqual(6)
      expect(c.get(first)).toBe(first)
    }
  })

  it('ignores answers to an older query and does not ask twice for a page in flight', async () => {
    const s = server(500)
    const c = new PageCache(s.fetch, () => {}, 100, 6, 0)
    await c.reset()
    await settle()
    const release = s.hold()
    c.need(250, 260)
    c.need(250, 260)
    const offsets = s.calls.slice(2).map((x) => x.offset)
    expect(offsets.sort((a, b) => a - b)).toEqual([100, 200, 300])
    const done = c.reset() // a new search while those are in flight
    release()
    await done
    await settle()
    expect(c.get(250)).toBeUndefined()
    expect(c.get(0)).toBe(0)
  })

  it('counts months only for a query that stays (not for every keystroke)', async () => {
    const s = server(1000)
    const c = new PageCache(s.fetch, () => {}, 100, 6, 30)
    await c.reset()
    await c.reset()
    await c.reset()
    await new Promise((r) => setTimeout(r, 80))
    expect(s.calls.filter((x) => x.months)).toHaveLength(1)
    expect(c.months).toEqual(['2026-11'])
  })

  it('keeps the message of a failed fetch', async () => {
    const c = new PageCache<number, string>(async () => { throw { kind: 'io', message: 'The upload journal could not be read.' } }, () => {})
    await c.reset()
    expect(c.error).toBe('The upload journal could not be read.')
    expect(c.loaded).toBe(false)
  })
})

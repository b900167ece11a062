import { describe, expect, it } from 'vitest'
import type { ImportJob } from '../ipc'
import { importCounts, importFilterCount, importLine, leftOutText, visibleJobs } from './imports.svelte'

const job = (id: number, stage: ImportJob['stage']): ImportJob => ({
  id, kind: 'import', profile: 'Studio', site_id: 's1', url: `https://x.test/${id}.png`, display_name: `${id}.png`,
  folder_id: null, file_path: null, private: false, source_site: null, source_file_id: null, stage, attempts: 1,
  wix_file_id: null, wix_url: null, error: stage === 'failed' ? 'The source answered 404' : null,
})

describe('imports in the queue', () => {
  it('counts and words a group of links', () => {
    const c = importCounts([job(1, 'importing'), job(2, 'processing'), job(3, 'done'), job(4, 'failed')])
    expect(c).toEqual({ active: 2, done: 1, failed: 1, total: 4 })
    expect(importLine(c)).toBe('4 links, 2 importing, 1 done, 1 failed')
    expect(importLine(importCounts([job(1, 'done')]))).toBe('1 link, 1 done')
    expect(['all', 'failed', 'in_progress', 'done'].map((f) => importFilterCount(c, f as 'all'))).toEqual([4, 1, 2, 1])
  })

  it('shows jobs oldest first, hiding finished ones from before (or cleared) but never a moving one', () => {
    const all = [job(5, 'done'), job(4, 'queued'), job(3, 'failed'), job(2, 'done')]
    const hidden = new Set([2, 3, 4])
    expect(visibleJobs(all, hidden).map((j) => j.id)).toEqual([4, 5])
  })
})

describe('what pasted text left out', () => {
  it('is said, with the first lines quoted', () => {
    expect(leftOutText({ left_out: [], repeats: 0 })).toBe('')
    expect(leftOutText({ left_out: ['hello world'], repeats: 0 })).toBe('Left out 1 line with no web link: “hello world”.')
    const t = leftOutText({ left_out: ['a', 'b', 'c', 'ftp://x/' + 'y'.repeat(80)], repeats: 2 })
    expect(t).toBe('Left out 4 lines with no web link: “a”, “b”, “c” and 1 more. 2 repeated links were imported once.')
  })
})

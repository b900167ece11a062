import { describe, expect, it } from 'vitest'
import type { GroupSummary } from './bindings/GroupSummary'
import type { JobView } from './bindings/JobView'
import type { QueueOverview } from './bindings/QueueOverview'
import type { StageCounts } from './bindings/StageCounts'
import {
  adopt, EMPTY, entryFolder, filterCount, folderLabel, formatBytes, formatEta, groupLine, itemAt, jobFraction, layout, pagesFor, reduce, stageLabel, summarize,
  PAGE, type QueueState,
} from './uploads.svelte'

function job(id: number, over: Partial<JobView> = {}): JobView {
  return {
    id, batch: 1, path: `/tmp/f${id}.jpg`, file_name: `f${id}.jpg`, profile: 'Studio', site_id: 'site-1', folder: 'media-root',
    size: 1000, mime_type: 'image/jpeg', media_type: 'IMAGE', stage: 'queued', bytes_done: 0, rate: 0, eta_secs: null,
    file: null, duplicate_of: null, error: null, warning: null, prepared: null, private: false, ...over,
  }
}

const counts = (over: Partial<StageCounts> = {}): StageCounts => ({ queued: 0, active: 0, done: 0, failed: 0, cancelled: 0, skipped: 0, ...over })
const group = (batch: number, c: Partial<StageCounts>, over: Partial<GroupSummary> = {}): GroupSummary => ({
  batch, label: `Group ${batch}`, preparing: null, counts: counts(c), bytes_total: 0, bytes_done: 0, ...over,
})
const overview = (over: Partial<QueueOverview> = {}): QueueOverview => ({
  counts: counts(), bytes_total: 0, bytes_done: 0, rate: 0, eta_secs: null, paused: false, busy: false, preparing: 0, groups: [], revision: 1, ...over,
})

const fold = (events: Parameters<typeof reduce>[1][], from: QueueState = EMPTY) => events.reduce(reduce, from)

describe('upload queue reducer', () => {
  it('keeps the latest overview and the last five notices; the input is not changed', () => {
    const first = overview({ revision: 1 })
    const s = fold([
      { type: 'overview', overview: first },
      ...Array.from({ length: 7 }, (_, i) => ({ type: 'notice' as const, message: `n${i}` })),
      { type: 'overview', overview: overview({ revision: 9, busy: true }) },
    ])
    expect(s.overview?.revision).toBe(9)
    expect(s.notices).toEqual(['n2', 'n3', 'n4', 'n5', 'n6'])
    expect(EMPTY.notices).toEqual([])
    expect(first.revision).toBe(1)
  })

  it('paints the overview a drop answered with at once, unless a newer one came first', () => {
    const preparing = overview({ revision: 5, busy: true, groups: [group(3, {}, { label: 'Shoot', preparing: 0 })] })
    const s = adopt(fold([{ type: 'overview', overview: overview({ revision: 4 }) }]), preparing)
    expect(s.overview?.groups.map((g) => g.label)).toEqual(['Shoot'])
    const newer = fold([{ type: 'overview', overview: overview({ revision: 6, busy: true }) }])
    expect(adopt(newer, preparing)).toBe(newer)
    expect(adopt(EMPTY, overview({ revision: 0 })).overview?.revision).toBe(0)
  })

  it('summarizes from the engine’s counts, never from rows', () => {
    expect(summarize(null)).toMatchObject({ jobs: 0, busy: false, fraction: 0 })
    const s = summarize(overview({ counts: counts({ queued: 3, active: 2, done: 10, failed: 1, skipped: 4 }), busy: true, preparing: 120, bytes_total: 400, bytes_done: 100 }))
    expect(s).toMatchObject({ active: 5, done: 10, failed: 1, skipped: 4, jobs: 20, preparing: 120, busy: true, fraction: 0.25 })
  })
})

describe('the virtualized queue’s layout', () => {
  const groups = [
    group(7, { failed: 3, done: 1900, queued: 509 }, { label: 'Holiday 2026' }),
    group(5, { done: 2 }),
    group(9, {}, { preparing: 40 }),
  ]

  it('counts rows per filter as the engine does', () => {
    const c = counts({ queued: 1, active: 2, done: 3, failed: 4, cancelled: 5, skipped: 6 })
    expect([filterCount(c, 'all'), filterCount(c, 'failed'), filterCount(c, 'in_progress'), filterCount(c, 'done')]).toEqual([21, 4, 3, 14])
  })

  it('lays out headers and rows, folds, and hides groups with nothing under the filter', () => {
    const l = layout(groups, 'all', new Set())
    expect(l.length).toBe(1 + 2412 + 1 + 2 + 1)
    expect(itemAt(l, 0)).toMatchObject({ kind: 'header', group: { batch: 7 } })
    expect(itemAt(l, 1)).toEqual({ kind: 'row', batch: 7, row: 0 })
    expect(itemAt(l, 2412)).toEqual({ kind: 'row', batch: 7, row: 2411 })
    expect(itemAt(l, 2413)).toMatchObject({ kind: 'header', group: { batch: 5 } })
    expect(itemAt(l, 2416)).toMatchObject({ kind: 'header', group: { batch: 9 } })
    expect(itemAt(l, 2417)).toBeNull()

    const folded = layout(groups, 'all', new Set([7]))
    expect(folded.length).toBe(1 + 1 + 2 + 1)
    expect(itemAt(folded, 1)).toMatchObject({ kind: 'header', group: { batch: 5 } })

    const failed = layout(groups, 'failed', new Set())
    expect(failed.segments.map((s) => s.group.batch)).toEqual([7, 9])
    expect(failed.length).toBe(1 + 3 + 1)
  })

  it('asks for the pages on screen only', () => {
    const l = layout(groups, 'all', new Set())
    expect(pagesFor(l, 0, 10)).toEqual([{ batch: 7, page: 0 }])
    expect(pagesFor(l, PAGE - 2, PAGE + 3)).toEqual([{ batch: 7, page: 0 }, { batch: 7, page: 1 }])
    expect(pagesFor(l, 2405, 2420)).toEqual([{ batch: 7, page: 48 }, { batch: 5, page: 0 }])
    expect(pagesFor(layout(groups, 'all', new Set([7, 5])), 0, 100)).toEqual([])
  })

  it('says what a group holds in plain words', () => {
    expect(groupLine(groups[0])).toBe('2,412 files, 1,900 done, 3 failed')
    expect(groupLine(groups[2])).toBe('Preparing 40 files…')
    expect(groupLine(group(1, { done: 2, active: 1 }))).toBe('3 files, 2 done, 1 uploading')
    expect(groupLine(group(1, { done: 2, active: 1 }), true)).toBe('3 files, 2 done, 1 paused')
    expect(groupLine(group(1, { queued: 500 }, { preparing: 1200 }))).toBe('500 files queued, still preparing (1,200 found)')
  })
})

describe('rows', () => {
  it('a paused queue shows unfinished rows paused, finished ones as they are', () => {
    expect(stageLabel('uploading', true)).toBe('Paused')
    expect(stageLabel('queued', true)).toBe('Paused')
    expect(stageLabel('done', true)).toBe('Uploaded')
    expect(stageLabel('uploading')).toBe('Uploading')
  })

  it('processing and done count as a full bar; empty files do not divide by zero', () => {
    expect(jobFraction(job(1, { stage: 'processing', bytes_done: 10 }))).toBe(1)
    expect(jobFraction(job(1, { size: 0, stage: 'uploading' }))).toBe(0)
  })
})

describe('formatting', () => {
  it('bytes, times and folders read naturally', () => {
    expect(formatBytes(999)).toBe('999 B')
    expect(formatBytes(1500)).toBe('1.5 kB')
    expect(formatBytes(25_000_000)).toBe('25 MB')
    expect(formatEta(null)).toBe('')
    expect(formatEta(7.2)).toBe('8 s')
    expect(formatEta(125)).toBe('2 min 5 s')
    expect(formatEta(3725)).toBe('1 h 2 min')
    expect(folderLabel('media-root')).toBe('Site Files')
    expect(folderLabel('media-root/events/2024')).toBe('Site Files / events / 2024')
    // A bare folder ID means nothing to a person (issue 15): never shown as the name.
    expect(folderLabel('f9246239754e564b93f5f3dde9e85827/day1')).toBe('Site Files / a chosen folder / day1')
    expect(entryFolder({ folder: 'f9246239754e564b93f5f3dde9e85827', folder_path: 'Summer 2026' })).toBe('Site Files / Summer 2026')
    expect(entryFolder({ folder: 'media-root', folder_path: '' })).toBe('Site Files')
    expect(entryFolder({ folder: 'media-root/a', folder_path: null })).toBe('Site Files / a')
  })
})

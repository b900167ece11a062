import { describe, expect, it } from 'vitest'
import type { JobView } from './bindings/JobView'
import type { TotalProgress } from './bindings/TotalProgress'
import { EMPTY, folderLabel, formatBytes, formatEta, jobFraction, reduce, summarize, withoutFinished, type QueueState } from './uploads.svelte'

function job(id: number, over: Partial<JobView> = {}): JobView {
  return {
    id,
    path: `/tmp/f${id}.jpg`,
    file_name: `f${id}.jpg`,
    profile: 'Studio',
    site_id: 'site-1',
    folder: 'media-root',
    size: 1000,
    mime_type: 'image/jpeg',
    media_type: 'IMAGE',
    stage: 'queued',
    bytes_done: 0,
    rate: 0,
    eta_secs: null,
    file: null,
    duplicate_of: null,
    error: null,
    warning: null,
    ...over,
  }
}

const total = (over: Partial<TotalProgress> = {}): TotalProgress => ({
  jobs: 0, finished: 0, failed: 0, bytes_total: 0, bytes_done: 0, rate: 0, eta_secs: null, paused: false, ...over,
})

const fold = (events: Parameters<typeof reduce>[1][], from: QueueState = EMPTY) => events.reduce(reduce, from)

describe('upload queue reducer', () => {
  it('adds jobs in id order and updates them in place', () => {
    const s = fold([
      { type: 'job', job: job(2) },
      { type: 'job', job: job(1) },
      { type: 'job', job: job(2, { stage: 'uploading', bytes_done: 500, rate: 250, eta_secs: 2 }) },
    ])
    expect(s.jobs.map((j) => j.id)).toEqual([1, 2])
    expect(s.jobs[1]).toMatchObject({ stage: 'uploading', bytes_done: 500 })
    expect(jobFraction(s.jobs[1])).toBe(0.5)
  })

  it('does not mutate the previous state', () => {
    const a = fold([{ type: 'job', job: job(1) }])
    const b = reduce(a, { type: 'job', job: job(1, { stage: 'done' }) })
    expect(a.jobs[0].stage).toBe('queued')
    expect(b.jobs[0].stage).toBe('done')
  })

  it('keeps the latest total and a bounded list of notices', () => {
    let s = fold([{ type: 'total', total: total({ jobs: 2, bytes_total: 2000, bytes_done: 500 }) }])
    expect(summarize(s).fraction).toBe(0.25)
    for (let i = 0; i < 8; i++) s = reduce(s, { type: 'notice', message: `n${i}` })
    expect(s.notices).toEqual(['n3', 'n4', 'n5', 'n6', 'n7'])
  })

  it('summarises a finished batch with failures, and clears finished jobs', () => {
    const s = fold([
      { type: 'job', job: job(1, { stage: 'done', file: { file_id: 'f1', url: 'https://static.wixstatic.com/media/f1.jpg', status: 'READY' } }) },
      {
        type: 'job',
        job: job(2, { stage: 'failed', error: { message: 'Wix refused.', server_message: 'no permission', status: 403, diagnosis: null } }),
      },
      { type: 'job', job: job(3, { stage: 'skipped_duplicate' }) },
      { type: 'job', job: job(4, { stage: 'uploading' }) },
    ])
    expect(summarize(s)).toMatchObject({ active: 1, done: 1, failed: 1, skipped: 1, busy: true })
    expect(withoutFinished(s).jobs.map((j) => j.id)).toEqual([4])
    expect(summarize(withoutFinished(s)).done).toBe(0)
  })

  it('a retried job goes back to work (final stages are not sticky)', () => {
    const s = fold([{ type: 'job', job: job(1, { stage: 'failed' }) }, { type: 'job', job: job(1, { stage: 'queued' }) }])
    expect(summarize(s)).toMatchObject({ active: 1, failed: 0, busy: true })
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
  })
})

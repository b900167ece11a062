// @vitest-environment jsdom
// The pre-flight step of a drop: a report that needs a decision holds the drop (nothing is
// queued) until the panel answers; one that does not queues it at once.
import { afterEach, describe, expect, it } from 'vitest'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import type { PreflightReport } from './bindings/PreflightReport'
import { uploads } from './uploads.svelte'

function report(needs: boolean): PreflightReport {
  return {
    files: [], total_bytes: 0, over_limit: 0, with_location: needs ? 2 : 0, oversize: 0, duplicates: 0, renamed: 0,
    messages: needs ? ['2 photos carry a location: it will be removed.'] : [], needs_decision: needs,
  }
}

function mock(needs: boolean): string[] {
  const calls: string[] = []
  mockIPC((cmd) => {
    calls.push(cmd)
    if (cmd === 'preflight_uploads') return report(needs)
    if (cmd === 'enqueue_uploads')
      return { counts: { queued: 0, active: 0, done: 0, failed: 0, cancelled: 0, skipped: 0 }, bytes_total: 0, bytes_done: 0, rate: 0, eta_secs: null, paused: false, busy: false, preparing: 0, groups: [], revision: 1 }
    return null
  })
  return calls
}

describe('a drop and its pre-flight', () => {
  afterEach(() => {
    clearMocks()
    uploads.preflight = null
  })

  it('queues at once when nothing needs a decision', async () => {
    const calls = mock(false)
    uploads.target = { profile: 'Studio', siteId: 'site-1', folder: null, folderName: 'Site Files', trail: [] }
    await uploads.drop(['/p/a.jpg'])
    expect(calls).toEqual(['preflight_uploads', 'enqueue_uploads'])
    expect(uploads.preflight).toBeNull()
  })

  it('holds the drop for the panel, then sends or drops it as answered', async () => {
    const calls = mock(true)
    uploads.target = { profile: 'Studio', siteId: 'site-1', folder: null, folderName: 'Site Files', trail: [] }
    await uploads.drop(['/p/a.jpg', '/p/b.jpg'])
    expect(calls).toEqual(['preflight_uploads'])
    expect(uploads.preflight?.paths).toEqual(['/p/a.jpg', '/p/b.jpg'])
    expect(uploads.preflight?.report.messages[0]).toContain('location')
    await uploads.decide(false)
    expect(calls).toEqual(['preflight_uploads'])
    await uploads.drop(['/p/a.jpg'])
    await uploads.decide(true)
    expect(calls).toEqual(['preflight_uploads', 'preflight_uploads', 'enqueue_uploads'])
    expect(uploads.preflight).toBeNull()
  })
})

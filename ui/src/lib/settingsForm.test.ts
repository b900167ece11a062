import { describe, expect, it } from 'vitest'
import type { Settings } from './bindings/Settings'
import { SettingsForm } from './settingsForm.svelte'

const SAVED: Settings = {
  welcome_seen: true, concurrency: 3, simple_upload_max_bytes: 10_000_000, chunk_size_bytes: 8_388_608,
  bandwidth_limit_bytes_per_sec: null, skip_duplicates: true, notify_when_done: true, close_action: 'ask',
  prepare: { remove_location: true, remove_metadata: false, optimize: false, max_side_px: 2560, jpeg_quality: 85, web_safe_names: false },
}

function opened(saved: Settings = SAVED): SettingsForm {
  const f = new SettingsForm()
  f.follow(saved)
  return f
}

describe('the Settings form', () => {
  it('opens clean and saves exactly what was there (8 MiB shown as 8.4 MB stays 8 MiB)', () => {
    const f = opened()
    expect(f.chunkMb).toBe(8.4)
    expect(f.dirty).toBe(false)
    expect(f.result(SAVED)).toEqual(SAVED)
  })

  it('is dirty after an edit, in a field or nested in the photo options, and clean again when it is undone', () => {
    const f = opened()
    f.draft!.concurrency = 5
    expect(f.dirty).toBe(true)
    f.draft!.concurrency = 3
    expect(f.dirty).toBe(false)
    f.draft!.prepare.optimize = true
    expect(f.dirty).toBe(true)
    expect(SAVED.prepare.optimize).toBe(false) // the saved settings are never edited in place
    f.draft!.prepare.optimize = false
    f.limitMbs = 2
    expect(f.dirty).toBe(true)
    expect(f.result(SAVED).bandwidth_limit_bytes_per_sec).toBe(2_000_000)
    f.limitMbs = null
    expect(f.dirty).toBe(false)
  })

  it('keeps edits when the saved settings change elsewhere, and follows them when there are none', () => {
    const f = opened()
    f.draft!.concurrency = 6
    // The Desktop section saves the close action at once: the edit stays, and so does that choice.
    const elsewhere: Settings = { ...SAVED, close_action: 'keep_uploading' }
    f.follow(elsewhere)
    expect(f.draft!.concurrency).toBe(6)
    expect(f.result(elsewhere)).toMatchObject({ concurrency: 6, close_action: 'keep_uploading' })
    // Discard: back to what is saved; then a change elsewhere is shown.
    f.reset(elsewhere)
    expect(f.dirty).toBe(false)
    f.follow({ ...elsewhere, concurrency: 4 })
    expect(f.draft!.concurrency).toBe(4)
  })

  it('turns a changed MB field into bytes, never below 0.1 MB', () => {
    const f = opened()
    f.chunkMb = 5
    f.thresholdMb = 0
    const r = f.result(SAVED)
    expect(r.chunk_size_bytes).toBe(5_000_000)
    expect(r.simple_upload_max_bytes).toBe(100_000)
  })
})

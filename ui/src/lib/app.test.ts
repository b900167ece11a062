// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import type { AppInfo } from './bindings/AppInfo'
import type { DemoInfo } from './bindings/DemoInfo'
import { app } from './app.svelte'

const DEMO: DemoInfo = {
  api_key: 'IST.eyJraWQiOiJkZW1vIn0.eyJkYXRhIjoie30ifQ.c2ln',
  account_id: '0f3c2b1a-1234-4abc-9def-0123456789ab',
  site_names: ['Demo Portfolio', 'Demo Store', 'Demo Blog'],
  keychain_service: 'Wixdrop (demo)',
  dir: '/tmp/wixdrop-demo-abc',
}

function info(demo: DemoInfo | null): AppInfo {
  return {
    version: '0.1.0',
    api_base: demo ? 'http://127.0.0.1:40000' : 'https://www.wixapis.com',
    uses_real_wix: !demo,
    config_dir: '/c',
    data_dir: '/d',
    settings: {
      welcome_seen: true, concurrency: 3, simple_upload_max_bytes: 10_000_000, chunk_size_bytes: 8_388_608,
      bandwidth_limit_bytes_per_sec: null, skip_duplicates: true, notify_when_done: true, close_action: 'ask',
      prepare: { remove_location: true, remove_metadata: false, optimize: false, max_side_px: 2560, jpeg_quality: 85, web_safe_names: false },
    },
    warnings: [],
    demo,
  }
}

describe('entering and leaving the demo', () => {
  let calls: string[]
  let restarts: (string | null)[]

  beforeEach(() => {
    calls = []
    restarts = []
    app.info = info(null)
    app.switching = null
    app.switchError = null
    app.restart = (hash) => restarts.push(hash)
  })
  afterEach(() => clearMocks())

  it('starts the demo, then opens the Keys screen on the demo session', async () => {
    mockIPC((cmd) => {
      calls.push(cmd)
      if (cmd === 'start_demo') return info(DEMO)
    })
    await app.startDemo()
    expect(calls).toEqual(['start_demo'])
    expect(restarts).toEqual(['#/keys'])
    // Until the window has started over, a second click does nothing.
    await app.startDemo()
    expect(calls).toEqual(['start_demo'])
  })

  it('leaves the demo and starts over on the same screen', async () => {
    app.info = info(DEMO)
    mockIPC((cmd) => {
      calls.push(cmd)
      if (cmd === 'leave_demo') return info(null)
    })
    await app.leaveDemo()
    expect(calls).toEqual(['leave_demo'])
    expect(restarts).toEqual([null])
    // The window that starts over says what happened, once.
    mockIPC(() => info(null))
    await app.load()
    expect(app.notice).toMatch(/You left the demo\. Its key, sites, uploads and history were removed/)
    app.notice = null
    await app.load()
    expect(app.notice).toBeNull()
  })

  it('says why the demo could not start and stays where it was', async () => {
    mockIPC((cmd) => {
      if (cmd === 'start_demo') throw { kind: 'io', message: 'The demo could not start: disk full.' }
    })
    await app.startDemo()
    expect(app.switchError).toBe('The demo could not start: disk full.')
    expect(app.switching).toBeNull()
    expect(app.demo).toBeNull()
    expect(restarts).toEqual([])
  })
})

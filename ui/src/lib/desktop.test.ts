// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { desktop } from './desktop.svelte'
import { uploads } from './uploads.svelte'
import { router } from './router.svelte'

describe('files handed over by the OS', () => {
  afterEach(() => clearMocks())

  it('go to the Upload screen to wait for a destination, notices shown, nothing twice', async () => {
    const answers = [
      { paths: ['/home/ana/a.jpg', '/home/ana/Trip'], notices: ['Not uploaded — /x.png does not exist (moved or renamed?).'] },
      { paths: ['/home/ana/a.jpg', '/home/ana/b.mp4'], notices: [] },
    ]
    const calls: { cmd: string; args: unknown }[] = []
    mockIPC((cmd, args) => {
      calls.push({ cmd, args })
      if (cmd === 'take_opened_files') return answers.shift()
      if (cmd === 'close_window') return null
    })
    location.hash = '#/history'
    await desktop.takeOpened()
    expect(uploads.opened).toEqual(['/home/ana/a.jpg', '/home/ana/Trip'])
    expect(uploads.state.notices.at(-1)).toContain('/x.png does not exist')
    await new Promise((r) => setTimeout(r, 0))
    expect(router.route.screen).toBe('upload')
    await desktop.takeOpened()
    expect(uploads.opened).toEqual(['/home/ana/a.jpg', '/home/ana/Trip', '/home/ana/b.mp4'])

    // The close dialog's answer is remembered, except "cancel".
    desktop.closeAsked = 3
    await desktop.answerClose('keep_uploading')
    await desktop.answerClose('ask')
    expect(desktop.closeAsked).toBeNull()
    expect(calls.filter((c) => c.cmd === 'close_window').map((c) => c.args)).toEqual([
      { action: 'keep_uploading', remember: true },
      { action: 'ask', remember: false },
    ])

    // With no tray icon nothing is remembered: a window hidden for good would leave no Quit.
    desktop.trayAvailable = false
    await desktop.answerClose('keep_uploading')
    await desktop.answerClose('quit')
    expect(calls.filter((c) => c.cmd === 'close_window').slice(2).map((c) => c.args)).toEqual([
      { action: 'keep_uploading', remember: false },
      { action: 'quit', remember: false },
    ])
    desktop.trayAvailable = null
  })
})

import { describe, expect, it, vi } from 'vitest'
import { isPasteShortcut, isTypingTarget, pasteHandlers, pasteToUpload } from './paste'

const key = (k: Partial<KeyboardEvent>) => ({ key: 'v', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...k })

describe('paste to upload', () => {
  it('takes Ctrl+V and Cmd+V only', () => {
    expect(isPasteShortcut(key({ ctrlKey: true }))).toBe(true)
    expect(isPasteShortcut(key({ metaKey: true, key: 'V' }))).toBe(true)
    expect(isPasteShortcut(key({}))).toBe(false)
    expect(isPasteShortcut(key({ ctrlKey: true, shiftKey: true }))).toBe(false)
    expect(isPasteShortcut(key({ ctrlKey: true, key: 'c' }))).toBe(false)
  })

  it('leaves fields their own paste', () => {
    const input = { closest: (s: string) => (s.includes('input') ? {} : null) } as unknown as EventTarget
    const div = { closest: () => null } as unknown as EventTarget
    expect(isTypingTarget(input)).toBe(true)
    expect(isTypingTarget(div)).toBe(false)
    expect(isTypingTarget(null)).toBe(false)
    // A real checkbox (the Private toggle) and a real text field.
    const box = document.createElement('input')
    box.type = 'checkbox'
    const text = document.createElement('input')
    expect(isTypingTarget(box)).toBe(false)
    expect(isTypingTarget(text)).toBe(true)
  })

  it('queues pasted files and a pasted image, and hands text to its one handler', async () => {
    const enqueue = vi.fn(async () => 1)
    expect(await pasteToUpload({ read: async () => ({ kind: 'files', paths: ['/a.jpg', '/b.png'] }), enqueue })).toBe('Pasted 2 items.')
    expect(enqueue).toHaveBeenLastCalledWith(['/a.jpg', '/b.png'])
    const img = '/data/pasted/Pasted image 2026-11-30 08.41.05.png'
    expect(await pasteToUpload({ read: async () => ({ kind: 'image', path: img }), enqueue })).toContain('“Pasted image 2026-11-30 08.41.05.png”')
    expect(enqueue).toHaveBeenLastCalledWith([img])
    const text = vi.fn()
    pasteHandlers.text = text
    expect(await pasteToUpload({ read: async () => ({ kind: 'text', text: 'https://x.test/a.jpg' }), enqueue })).toBeNull()
    expect(text).toHaveBeenCalledWith('https://x.test/a.jpg')
    expect(enqueue).toHaveBeenCalledTimes(2)
    expect(await pasteToUpload({ read: async () => ({ kind: 'empty' }), enqueue })).toContain('no files or image')
  })
})

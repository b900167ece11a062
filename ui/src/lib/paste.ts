// Paste to upload: Ctrl/Cmd+V on the Upload screen (or its Paste button) uploads the files on
// the clipboard, or a copied image saved as a PNG named by date and time. The clipboard is read
// on the Rust side (real paths, and images the webview's clipboard API would not give us).
//
// Text on the clipboard is not uploaded: it goes to `pasteHandlers.text`, which the Upload
// screen sets to import the links in it (one a line, or a CSV column) into its folder.
import type { Pasted } from '../ipc'

export interface PasteDeps {
  read: () => Promise<Pasted>
  enqueue: (paths: string[]) => Promise<number>
}

/** Where pasted text goes; replaced by the feature that handles it (it may say what it did). */
export const pasteHandlers: { text: (text: string) => void | string | null | Promise<void | string | null> } = {
  text: () => {},
}

/** Ctrl+V, or Cmd+V on macOS; not with Shift or Alt (those mean something else in fields). */
export function isPasteShortcut(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): boolean {
  return (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'v'
}

/** Inputs nobody types in: a focused checkbox (the Private toggle) must not swallow a paste. */
const NOT_TYPED = ['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file']

/** A field the user is typing in keeps its own paste. */
export function isTypingTarget(t: EventTarget | null): boolean {
  if (!t || typeof (t as Element).closest !== 'function') return false
  const el = t as HTMLElement
  const typed = NOT_TYPED.map((x) => `:not([type=${x}])`).join('')
  return !!el.closest(`input${typed}, textarea, select, [contenteditable=""], [contenteditable="true"]`)
}

/** What a paste did, in words for the screen, or null when there was nothing to upload. */
export async function pasteToUpload(deps: PasteDeps): Promise<string | null> {
  const got = await deps.read()
  switch (got.kind) {
    case 'files':
      await deps.enqueue(got.paths)
      return `Pasted ${got.paths.length} item${got.paths.length === 1 ? '' : 's'}.`
    case 'image': {
      await deps.enqueue([got.path])
      const name = got.path.split(/[\\/]/).pop() ?? got.path
      return `Pasted image saved as “${name}”.`
    }
    case 'text':
      return (await pasteHandlers.text(got.text)) ?? null
    case 'empty':
      return 'The clipboard holds no files or image to upload.'
  }
}

// The only module that imports @tauri-apps/*. Everything else calls these typed wrappers, so
// screens and stores stay plain TypeScript that Vitest can test with @tauri-apps/api/mocks.
import { invoke } from '@tauri-apps/api/core'
import { getCurrentWebview } from '@tauri-apps/api/webview'
import { open as openDialog } from '@tauri-apps/plugin-dialog'
import { openUrl } from '@tauri-apps/plugin-opener'
import type { AppInfo } from '../lib/bindings/AppInfo'
import type { CredentialReport } from '../lib/bindings/CredentialReport'
import type { IpcError } from '../lib/bindings/IpcError'
import type { Settings } from '../lib/bindings/Settings'

export type { AppInfo, CredentialReport, IpcError, Settings }

/** Errors from commands arrive as `{kind, message}`; anything else is wrapped to that shape. */
export function asIpcError(e: unknown): IpcError {
  if (e && typeof e === 'object' && 'message' in e && 'kind' in e) return e as IpcError
  return { kind: 'internal', message: typeof e === 'string' ? e : String((e as Error)?.message ?? e) }
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args)
  } catch (e) {
    throw asIpcError(e)
  }
}

export const ipc = {
  appInfo: () => call<AppInfo>('app_info'),
  saveSettings: (settings: Settings) => call<Settings>('save_settings', { settings }),

  /** Offline: what a pasted credential is. Cheap enough to call on every keystroke. */
  inspectCredential: (text: string) => call<CredentialReport>('inspect_credential', { text }),

  /** Open an https link in the system browser (the capability limits it to Wix hosts). */
  openExternal: (url: string) => openUrl(url),

  /** Native file picker; returns real paths (nothing is read in the webview). */
  async chooseFiles(): Promise<string[]> {
    const picked = await openDialog({ multiple: true, directory: false, title: 'Choose files to upload' })
    if (!picked) return []
    return Array.isArray(picked) ? picked : [picked]
  },

  /** Drag-and-drop over the whole window: real filesystem paths on drop. */
  onDragDrop(handler: (e: DragDropSignal) => void): Promise<() => void> {
    return getCurrentWebview().onDragDropEvent((event) => {
      const p = event.payload
      if (p.type === 'drop') handler({ type: 'drop', paths: p.paths })
      else if (p.type === 'enter') handler({ type: 'enter', paths: p.paths })
      else if (p.type === 'over') handler({ type: 'over', paths: [] })
      else handler({ type: 'leave', paths: [] })
    })
  },
}

export type DragDropSignal = { type: 'enter' | 'over' | 'drop' | 'leave'; paths: string[] }

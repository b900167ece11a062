// The desktop around the window: files the OS hands over (Open with, a second launch, the
// Dock) and the dialog shown when the window is closed while uploads run.
import { ipc, type CloseAction } from '../ipc'
import { router } from './router.svelte'
import { uploads } from './uploads.svelte'

const message = (e: unknown) => (e as { message?: string })?.message ?? String(e)

class DesktopStore {
  /** How many uploads run: set when the window was closed and the close dialog should show. */
  closeAsked = $state<number | null>(null)
  /** Whether a tray icon is shown (null until known). Without one, a hidden window has no Quit
   *  to reach, so the close dialog's answer is not remembered: it asks each time. */
  trayAvailable = $state<boolean | null>(null)
  private started = false

  /** Once for the app's life: listen, then take what a cold start was given. */
  start() {
    if (this.started) return
    this.started = true
    ipc.onOpened(() => void this.takeOpened()).catch((e) => (uploads.error = message(e)))
    ipc.onCloseRequested((n) => (this.closeAsked = n)).catch(() => {})
    ipc.desktopInfo().then((d) => (this.trayAvailable = d.tray_available)).catch(() => {})
    void this.takeOpened()
  }

  /** Files handed over go to the Upload screen, which queues them once a site is chosen. */
  async takeOpened() {
    try {
      const got = await ipc.takeOpenedFiles()
      for (const n of got.notices) uploads.addNotice(n)
      if (got.paths.length) {
        uploads.opened = [...uploads.opened, ...got.paths.filter((p) => !uploads.opened.includes(p))]
        router.go('upload')
      }
    } catch (e) {
      uploads.error = message(e)
    }
  }

  /** The close dialog's answer (remembered where there is a tray: the dialog asks once). */
  async answerClose(action: CloseAction) {
    this.closeAsked = null
    try {
      await ipc.closeWindow(action, action !== 'ask' && this.trayAvailable !== false)
    } catch (e) {
      uploads.error = message(e)
    }
  }
}

export const desktop = new DesktopStore()

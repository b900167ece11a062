// App-wide state loaded once from the core: version, where requests go, settings, the demo.
import { ipc, type AppInfo, type DemoInfo, type Settings } from '../ipc'

const message = (e: unknown) => (e as { message?: string })?.message ?? String(e)

class AppStore {
  info = $state<AppInfo | null>(null)
  loadError = $state<string | null>(null)
  /** Start-up warnings (a damaged settings file…) until the user dismisses them. */
  warnings = $state<string[]>([])
  /** Entering or leaving the demo right now. */
  switching = $state<'starting' | 'leaving' | null>(null)
  /** Why the last switch into or out of the demo failed. */
  switchError = $state<string | null>(null)

  /**
   * After a switch every store (profiles, queue, history) belongs to another session, so the
   * window starts over on it: the simplest way to leave nothing of the old one on screen.
   * `hash` = the screen to open. Replaced in tests.
   */
  restart: (hash: string | null) => void = (hash) => {
    if (hash) history.replaceState(null, '', hash)
    location.reload()
  }

  /** The demo account while the demo runs, else null. */
  get demo(): DemoInfo | null {
    return this.info?.demo ?? null
  }

  async load() {
    try {
      this.info = await ipc.appInfo()
      this.warnings = this.info.warnings
    } catch (e) {
      this.loadError = message(e)
    }
  }

  async saveSettings(next: Settings): Promise<void> {
    const saved = await ipc.saveSettings(next)
    if (this.info) this.info = { ...this.info, settings: saved }
  }

  /**
   * Open an uploaded file's Wix URL in the browser. Demo files never reach Wix, so their URLs
   * lead nowhere: in the demo nothing is opened (nothing leaves this computer) and it says so.
   */
  async openFileUrl(url: string): Promise<void> {
    if (this.demo) throw { kind: 'invalid', message: 'Demo files stay on this computer, so there is nothing on Wix to open.' }
    await ipc.openExternal(url)
  }

  /** Into the demo, then to the Keys screen where the demo key is offered. */
  async startDemo(): Promise<void> {
    await this.switchTo('starting', () => ipc.startDemo(), '#/keys')
  }

  /** Back to the real configuration, on the same screen. */
  async leaveDemo(): Promise<void> {
    await this.switchTo('leaving', () => ipc.leaveDemo(), null)
  }

  private async switchTo(how: 'starting' | 'leaving', call: () => Promise<unknown>, hash: string | null) {
    if (this.switching) return
    this.switching = how
    this.switchError = null
    try {
      // The old screens stay as they are until the window starts over on the new session.
      await call()
      this.restart(hash)
    } catch (e) {
      this.switchError = message(e)
      this.switching = null
    }
  }
}

export const app = new AppStore()

// App-wide state loaded once from the core: version, where requests go, settings, the demo.
import { ipc, type AppInfo, type DemoInfo, type Settings } from '../ipc'

const LEFT_DEMO = 'wixdrop-left-demo'
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
  /** What just happened that the user should hear about once (left the demo…), or null. */
  notice = $state<string | null>(null)
  /**
   * Whether Wix answered the last time anything asked it: null = nothing asked yet this
   * session, false = the network failed (no connection, a proxy, a certificate). The sidebar's
   * Wix badge shows it, so it never claims a connection that is not there.
   */
  reachable = $state<boolean | null>(null)

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
    try {
      if (sessionStorage.getItem(LEFT_DEMO)) {
        sessionStorage.removeItem(LEFT_DEMO)
        this.notice = 'You left the demo. Its key, sites, uploads and history were removed; your own keys, settings and history are as you left them.'
      }
    } catch {
      // No session storage: nothing to say.
    }
  }

  /** Record whether a call that went to Wix got an answer (see `reachable`). */
  heard(answered: boolean) {
    this.reachable = answered
  }

  /** Ask whether Wix (or the server in its place) answers at all; a few seconds at most. */
  async probe(): Promise<void> {
    try {
      this.reachable = await ipc.wixReachable()
    } catch {
      // The question itself failed: keep what is known.
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
    if (this.demo) return
    await ipc.openExternal(url)
  }

  /** Into the demo, then to the Keys screen where the demo key is offered. */
  async startDemo(): Promise<void> {
    await this.switchTo('starting', () => ipc.startDemo(), '#/keys')
  }

  /** Back to the real configuration, on the same screen. */
  async leaveDemo(): Promise<void> {
    await this.switchTo('leaving', async () => {
      await ipc.leaveDemo()
      // Said by the window that starts over (see `load`).
      try {
        sessionStorage.setItem(LEFT_DEMO, '1')
      } catch {
        this.notice = 'You left the demo.'
      }
    }, null)
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

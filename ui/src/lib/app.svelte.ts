// App-wide state loaded once from the core: version, where requests go, settings.
import { ipc, type AppInfo, type Settings } from '../ipc'

class AppStore {
  info = $state<AppInfo | null>(null)
  loadError = $state<string | null>(null)
  /** Start-up warnings (a damaged settings file…) until the user dismisses them. */
  warnings = $state<string[]>([])

  async load() {
    try {
      this.info = await ipc.appInfo()
      this.warnings = this.info.warnings
    } catch (e) {
      this.loadError = (e as { message?: string }).message ?? String(e)
    }
  }

  async saveSettings(next: Settings): Promise<void> {
    const saved = await ipc.saveSettings(next)
    if (this.info) this.info = { ...this.info, settings: saved }
  }
}

export const app = new AppStore()

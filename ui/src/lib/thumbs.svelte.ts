// Thumbnails for queue and History rows: asked for in batches (rows that mount in the same
// tick share one IPC call), kept per path for the session. Rust makes and caches them on disk.
import { ipc } from '../ipc'

class Thumbs {
  /** path → data URL (or null: none). A path missing here has not been asked for yet. */
  urls = $state<Record<string, string | null>>({})
  private wanted = new Set<string>()
  private timer: ReturnType<typeof setTimeout> | null = null

  /** The thumbnail of `path` if known; asks for it otherwise (the row re-renders when it comes). */
  get(path: string): string | null {
    if (path in this.urls) return this.urls[path]
    this.want(path)
    return null
  }

  private want(path: string) {
    if (this.wanted.has(path)) return
    this.wanted.add(path)
    this.timer ??= setTimeout(() => this.flush(), 30)
  }

  private async flush() {
    this.timer = null
    const paths = [...this.wanted].slice(0, 100)
    try {
      const got = await ipc.thumbnails(paths)
      const next = { ...this.urls }
      paths.forEach((p, i) => (next[p] = got[i] ?? null))
      this.urls = next
    } catch {
      const next = { ...this.urls }
      for (const p of paths) next[p] = null
      this.urls = next
    } finally {
      for (const p of paths) this.wanted.delete(p)
      if (this.wanted.size) this.timer ??= setTimeout(() => this.flush(), 0)
    }
  }
}

export const thumbs = new Thumbs()

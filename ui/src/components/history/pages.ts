// History pages held by the screen: a window of pages around what is visible, never the whole
// history. The list is virtualized and sized by `total` (so its scrollbar spans every entry);
// rows ask `get(i)` and show a placeholder until their page arrives. Pages far from the view are
// dropped, so memory stays the same at 200 or 200,000 entries. Plain TypeScript (no runes) so
// Vitest can drive it; the screen bumps a counter on `onchange` to redraw.

/** What one fetch returns (the shape of `HistoryPage` from Rust). */
export interface Page<T, M> {
  entries: T[]
  offset: number
  total: number
  all: number
  months: M[] | null
}

/** Fetch `limit` entries from `offset`; `months` asks for per-month counts too. */
export type Fetch<T, M> = (offset: number, limit: number, months: boolean) => Promise<Page<T, M>>

export class PageCache<T, M> {
  /** Entries matching the current query (sizes the list). */
  total = 0
  /** Entries without the search (the "of 20,000"). */
  all = 0
  months: M[] = []
  /** Whether the first page of the current query has arrived. */
  loaded = false
  error: string | null = null

  private pages = new Map<number, T[]>()
  private pending = new Set<number>()
  private gen = 0
  private center = 0

  constructor(
    private fetch: Fetch<T, M>,
    private onchange: () => void,
    readonly pageSize = 100,
    readonly maxPages = 8,
    /** Ms the query must stay the same before months are counted (keeps them off typing). */
    readonly monthsDelay = 150,
  ) {}

  /** The entry at `index`, if its page is here. */
  get(index: number): T | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize]
  }

  /** Every entry held now (at most `maxPages` pages). */
  *held_entries(): Generator<T> {
    for (const page of this.pages.values()) yield* page
  }

  /** Pages held now (for tests and the bench: bounded by `maxPages`). */
  get held(): number {
    return this.pages.size
  }

  /**
   * Start over (a new search or filter, or new uploads): drop every page, then load the page
   * holding `index` with fresh counts. Resolves once that page is here; the per-month counts
   * (a grouping over every match, not needed to show the first rows) follow in the background
   * once the query has stayed the same for `monthsDelay` ms.
   * Responses to earlier queries are ignored.
   */
  async reset(index = 0): Promise<void> {
    const gen = ++this.gen
    this.pending.clear()
    const page = this.pageOf(index)
    this.pending.add(page)
    try {
      const p = await this.fetch(page * this.pageSize, this.pageSize, false)
      if (gen !== this.gen) return
      this.pages.clear()
      this.months = []
      this.accept(page, p)
      this.loaded = true
      this.error = null
    } catch (e) {
      if (gen !== this.gen) return
      this.error = (e as { message?: string }).message ?? String(e)
    } finally {
      if (gen === this.gen) this.pending.delete(page)
    }
    this.onchange()
    if (this.loaded && !this.error) setTimeout(() => void this.loadMonths(gen), this.monthsDelay)
  }

  private async loadMonths(gen: number): Promise<void> {
    if (gen !== this.gen) return
    try {
      const p = await this.fetch(0, 0, true)
      if (gen !== this.gen) return
      this.months = p.months ?? []
      this.onchange()
    } catch {
      // Without months the menu still offers Newest and Oldest.
    }
  }

  /** Rows `first..=last` are on screen: load their pages (and one either side), drop far ones. */
  need(first: number, last: number): void {
    if (!this.loaded || this.total === 0) return
    const lo = Math.max(0, this.pageOf(first) - 1)
    const hi = Math.min(this.pageOf(Math.max(0, this.total - 1)), this.pageOf(last) + 1)
    this.center = (first + last) / 2 / this.pageSize
    for (let page = lo; page <= hi; page++) {
      if (!this.pages.has(page) && !this.pending.has(page)) void this.load(page)
    }
  }

  private async load(page: number): Promise<void> {
    const gen = this.gen
    this.pending.add(page)
    try {
      const p = await this.fetch(page * this.pageSize, this.pageSize, false)
      if (gen !== this.gen) return
      this.accept(page, p)
      this.error = null
    } catch (e) {
      if (gen !== this.gen) return
      this.error = (e as { message?: string }).message ?? String(e)
    } finally {
      if (gen === this.gen) this.pending.delete(page)
    }
    this.onchange()
  }

  private accept(page: number, p: Page<T, M>) {
    this.pages.set(page, p.entries)
    this.total = p.total
    this.all = p.all
    // Keep the pages nearest the view.
    while (this.pages.size > this.maxPages) {
      let far = page
      let dist = -1
      for (const k of this.pages.keys()) {
        const d = Math.abs(k + 0.5 - this.center)
        if (k !== page && d > dist) {
          far = k
          dist = d
        }
      }
      this.pages.delete(far)
    }
  }

  private pageOf(index: number): number {
    return Math.max(0, Math.floor(index / this.pageSize))
  }
}

// Filtering a list as the user types, through the core's one folding function (NFKD + case
// fold, the same as History's search): "cafe" finds "Café", "ete" finds "Été". The list is
// short (sites, folders), so each change sends the texts and the query to the core once.
import { ipc } from '../ipc'

/**
 * A live filter over `items()` by `query()`: `shown` is every item while the query is blank,
 * else the ones whose text holds every word of the query. Latest query wins.
 */
export class Filtered<T> {
  shown = $state.raw<T[]>([])
  error = $state<string | null>(null)
  private seq = 0

  constructor(
    private items: () => T[],
    private text: (t: T) => string,
    private query: () => string,
  ) {
    $effect(() => {
      const list = this.items()
      const q = this.query().trim()
      const mine = ++this.seq
      if (!q) {
        this.shown = list
        return
      }
      ipc
        .searchMatches(list.map(this.text), q)
        .then((idx) => {
          if (mine === this.seq) this.shown = idx.map((i) => list[i]).filter((x) => x !== undefined)
        })
        .catch((e) => (this.error = (e as { message?: string }).message ?? String(e)))
    })
  }
}

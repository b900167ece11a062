// Where the reader is in the guide, derived from the route's anchor. The hash stays the single
// source of truth: Back/Next ask the router for a new anchor, the app passes it back in, and
// `open()` records whether it came from the pager (keep focus on the button) or from a link
// (move focus to what the link points at).
import { PAGES, SECTIONS, type Page } from './sections'

export interface GuidePos {
  /** null: the contents page. */
  page: Page | null
  /** An item inside the page to scroll to and highlight (a troubleshooting entry…). */
  target: string | null
  /** An anchor that matched nothing (shown as a note on the contents page). */
  unknown: string | null
}

const CONTENTS: GuidePos = { page: null, target: null, unknown: null }

/** Anchor → page (+ item). Sections open at their first step; unknown anchors open the contents. */
export function resolveAnchor(anchor: string | null | undefined): GuidePos {
  if (!anchor) return CONTENTS
  const exact = PAGES.find((p) => p.anchor === anchor)
  if (exact) return { page: exact, target: null, unknown: null }
  for (const section of SECTIONS) {
    const first = PAGES.find((p) => p.section.id === section.id)!
    if (section.id === anchor) return { page: first, target: null, unknown: null }
    if (section.items?.includes(anchor)) return { page: first, target: anchor, unknown: null }
  }
  return { ...CONTENTS, unknown: anchor }
}

export type NavVia = 'link' | 'pager'

export class GuideNav {
  anchor = $state<string | null>(null)
  via = $state<NavVia>('link')
  /** Bumped on every open(), so the view re-runs focus and scroll even for a repeated link. */
  serial = $state(0)
  pos = $derived(resolveAnchor(this.anchor))

  #navigate: (anchor: string | null) => void
  #pending: string | null | undefined = undefined
  #count = 0

  /** `navigate` changes the route (the app then calls open()); by default it opens directly. */
  constructor(navigate?: (anchor: string | null) => void) {
    this.#navigate = navigate ?? ((a) => this.open(a))
  }

  /** Position in PAGES; -1 is the contents page. */
  get index(): number {
    return this.pos.page?.index ?? -1
  }
  get canBack(): boolean {
    return this.index >= 0
  }
  get canNext(): boolean {
    return this.index < PAGES.length - 1
  }
  /** Where Back leads: a page, or null for the contents. */
  get backPage(): Page | null {
    return this.index > 0 ? PAGES[this.index - 1] : null
  }
  get nextPage(): Page | null {
    return PAGES[this.index + 1] ?? null
  }
  /** Steps of the current page's section (1-based number, total), or null for one-page sections. */
  get stepInfo(): { number: number; total: number } | null {
    const p = this.pos.page
    const total = p?.section.steps?.length ?? 0
    return p && total > 1 ? { number: p.stepIndex + 1, total } : null
  }

  /** Called with every anchor the route brings (does not read reactive state: safe in effects). */
  open(anchor: string | null) {
    const via: NavVia = this.#pending !== undefined && this.#pending === anchor ? 'pager' : 'link'
    this.#pending = undefined
    this.anchor = anchor
    this.via = via
    this.serial = ++this.#count
  }

  next(): boolean {
    const to = this.nextPage
    if (!to) return false
    this.#go(to.anchor)
    return true
  }

  back(): boolean {
    if (!this.canBack) return false
    this.#go(this.backPage?.anchor ?? null)
    return true
  }

  /** Jump to a page by anchor as the pager would (step indicator clicks). */
  goTo(anchor: string | null) {
    if (anchor !== this.anchor) this.#go(anchor)
  }

  #go(anchor: string | null) {
    this.#pending = anchor
    this.#navigate(anchor)
  }
}

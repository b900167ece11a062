// Hash routes: `#/<screen>` or `#/<screen>/<anchor>`. Anchors are stable ids (the guide's
// `trouble-401`, …) so any screen, diagnosis or test can deep-link: `#/guide/trouble-401`.

export const SCREENS = ['keys', 'upload', 'library', 'guide', 'history', 'settings'] as const
export type Screen = (typeof SCREENS)[number]

export interface Route {
  screen: Screen
  anchor: string | null
}

const ANCHOR_RE = /^[a-z0-9][a-z0-9-]{0,63}$/

/** Parse a location hash; anything unknown falls back to the given default screen. */
export function parseHash(hash: string, fallback: Screen = 'upload'): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean)
  const screen = (SCREENS as readonly string[]).includes(parts[0] ?? '') ? (parts[0] as Screen) : fallback
  const anchor = screen === parts[0] && parts[1] && ANCHOR_RE.test(parts[1]) ? parts[1] : null
  return { screen, anchor }
}

export function routeHash(screen: Screen, anchor?: string | null): string {
  return anchor ? `#/${screen}/${anchor}` : `#/${screen}`
}

/** The guide link for a diagnosis anchor (`trouble-401`) or section (`get-api-key`). */
export function guideHref(anchor: string | null | undefined): string {
  return routeHash('guide', anchor ?? null)
}

class Router {
  route = $state<Route>({ screen: 'upload', anchor: null })

  start(fallback: Screen) {
    const sync = () => (this.route = parseHash(window.location.hash, fallback))
    sync()
    window.addEventListener('hashchange', sync)
    return () => window.removeEventListener('hashchange', sync)
  }

  go(screen: Screen, anchor?: string | null) {
    const h = routeHash(screen, anchor)
    if (window.location.hash === h) this.route = parseHash(h)
    else window.location.hash = h
  }
}

export const router = new Router()

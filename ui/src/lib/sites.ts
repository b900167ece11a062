// What the UI needs to know about a site beyond its fields: whether it is a Wix Headless
// project. Wix reports that as `namespace` "HEADLESS" (wix-api.md §3); older saved profiles
// have no namespace, and any other value is an ordinary site as far as the UI is concerned.
import type { Site } from './bindings/Site'

export function isHeadless(site: Pick<Site, 'namespace'>): boolean {
  return (site.namespace ?? '').toUpperCase() === 'HEADLESS'
}

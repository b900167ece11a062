// Words for the History screen's count line and "Jump to" menu; pure, so Vitest checks them.

const n = (x: number) => x.toLocaleString('en-US')
const uploads = (x: number) => `${n(x)} ${x === 1 ? 'upload' : 'uploads'}`

/**
 * "20,000 uploads", "2,412 of 20,000 uploads match “summer”", "No uploads match “x”",
 * with " to Demo Blog" when one site is chosen.
 */
export function countLabel(total: number, all: number, search: string, site: string | null): string {
  const on = site ? ` to ${site}` : ''
  const q = search.trim()
  if (!q) return `${uploads(total)}${on}`
  if (total === 0) return `No uploads${on} match “${q}”`
  return `${n(total)} of ${uploads(all)}${on} ${total === 1 ? 'matches' : 'match'} “${q}”`
}

/** "2026-11" → "November 2026" (in the user's language); anything else as it came. */
export function monthLabel(month: string, locale?: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month)
  if (!m) return month || 'Unknown date'
  const d = new Date(Number(m[1]), Number(m[2]) - 1, 1)
  return d.toLocaleDateString(locale, { month: 'long', year: 'numeric' })
}

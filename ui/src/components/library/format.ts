// Small text helpers of the Library (tested in format.test.ts).
import { kindIcon } from '../../lib/media'

/** 1.2 MB, 830 KB, 12 B; an em dash when unknown. */
export function size(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—'
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let v = n
  let u = 0
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000
    u++
  }
  return u === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`
}

/** The Library's icon (LIcon name) for a Wix media type: its kind, a document for the rest. */
export function typeIcon(mediaType: string): string {
  const kind = kindIcon(mediaType)
  return kind === 'file' ? 'doc' : kind
}

/** 'PENDING' → 'Processing', 'FAILED' → 'Failed'; READY is not shown. */
export function statusLabel(status: string): string | null {
  if (status === 'PENDING') return 'Processing'
  if (status === 'FAILED') return 'Failed'
  if (status === 'READY') return null
  return status.toLowerCase()
}

/** Labels typed as "cat, blue sky ,logo" → ["cat", "blue sky", "logo"] (no repeats). */
export function parseLabels(text: string): string[] {
  const out: string[] = []
  for (const l of text.split(',')) {
    const t = l.trim()
    if (t && !out.includes(t)) out.push(t)
  }
  return out
}

/** Yesterday's date as "12 Mar 2026" (UTC dates from Wix, shown in local time). */
export function date(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  return isNaN(d.getTime()) ? '' : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })
}

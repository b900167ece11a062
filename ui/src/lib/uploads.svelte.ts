// The upload queue as the UI sees it. The engine (Rust) owns every job; the window gets a
// coalesced overview (counts per stage and per dropped folder, at most ~10 a second, sized by
// the number of drops) and asks for the rows it is displaying. So the cost of a batch here
// grows with what is on screen, never with the number of files.
//
// The pure parts (`reduce`, `summarize`, `layout`, `itemAt`, `pagesFor`) are what Vitest tests.
import type { PreflightReport } from './bindings/PreflightReport'
import { ipc, type Destination, type JobView, type QueueEvent, type QueueOverview, type RowFilter } from '../ipc'
import type { GroupSummary } from './bindings/GroupSummary'
import type { Stage } from './bindings/Stage'
import type { StageCounts } from './bindings/StageCounts'

export interface QueueState {
  overview: QueueOverview | null
  /** The last few notices, newest last. */
  notices: string[]
}

export const EMPTY: QueueState = { overview: null, notices: [] }
const MAX_NOTICES = 5

export const FINAL: readonly Stage[] = ['done', 'failed', 'cancelled', 'skipped_duplicate']
export const isFinal = (s: Stage) => FINAL.includes(s)

/** Fold one engine event into the state (a new object; the input is not changed). */
export function reduce(state: QueueState, ev: QueueEvent): QueueState {
  switch (ev.type) {
    case 'overview':
      return { ...state, overview: ev.overview }
    case 'notice':
      return { ...state, notices: [...state.notices, ev.message].slice(-MAX_NOTICES) }
  }
}

export interface QueueSummary {
  /** Jobs queued or moving. */
  active: number
  done: number
  failed: number
  skipped: number
  cancelled: number
  jobs: number
  /** Files found so far by folder walks still running. */
  preparing: number
  /** Something is queued, moving or being prepared. */
  busy: boolean
  paused: boolean
  /** 0–1 over the bytes that count. */
  fraction: number
}

export function summarize(o: QueueOverview | null): QueueSummary {
  const c = o?.counts
  return {
    active: c ? c.queued + c.active : 0,
    done: c?.done ?? 0,
    failed: c?.failed ?? 0,
    skipped: c?.skipped ?? 0,
    cancelled: c?.cancelled ?? 0,
    jobs: c ? countAll(c) : 0,
    preparing: o?.preparing ?? 0,
    busy: o?.busy ?? false,
    paused: o?.paused ?? false,
    fraction: o && o.bytes_total > 0 ? Math.min(1, o.bytes_done / o.bytes_total) : 0,
  }
}

export const countAll = (c: StageCounts) => c.queued + c.active + c.done + c.failed + c.cancelled + c.skipped

/** How many rows of `counts` a filter shows (the engine's `RowFilter::admits`). */
export function filterCount(c: StageCounts, f: RowFilter): number {
  switch (f) {
    case 'all':
      return countAll(c)
    case 'failed':
      return c.failed
    case 'in_progress':
      return c.queued + c.active
    case 'done':
      return c.done + c.skipped + c.cancelled
  }
}

/** An overview that came with an answer (the drop's): kept unless a newer one came first. */
export function adopt(state: QueueState, overview: QueueOverview): QueueState {
  return overview.revision > (state.overview?.revision ?? -1) ? { ...state, overview } : state
}

/** The flat list the virtualized queue scrolls: each group's header, then its rows if open. */
export interface Layout {
  length: number
  segments: { group: GroupSummary; start: number; rows: number }[]
}

/** Groups with nothing under the filter are left out (unless still being prepared). */
export function layout(groups: readonly GroupSummary[], filter: RowFilter, collapsed: ReadonlySet<number>): Layout {
  const segments: Layout['segments'] = []
  let at = 0
  for (const group of groups) {
    const n = filterCount(group.counts, filter)
    if (n === 0 && group.preparing == null) continue
    const rows = collapsed.has(group.batch) ? 0 : n
    segments.push({ group, start: at, rows })
    at += 1 + rows
  }
  return { length: at, segments }
}

export type Item = { kind: 'header'; group: GroupSummary } | { kind: 'row'; batch: number; row: number }

/** What is at `index` of the flat list (a binary search over the groups). */
export function itemAt(l: Layout, index: number): Item | null {
  let lo = 0
  let hi = l.segments.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const s = l.segments[mid]
    if (index < s.start) hi = mid - 1
    else if (index > s.start + s.rows) lo = mid + 1
    else return index === s.start ? { kind: 'header', group: s.group } : { kind: 'row', batch: s.group.batch, row: index - s.start - 1 }
  }
  return null
}

export const PAGE = 50

/** The pages (per group) that the flat indexes `from..=to` need. */
export function pagesFor(l: Layout, from: number, to: number): { batch: number; page: number }[] {
  const out: { batch: number; page: number }[] = []
  for (const s of l.segments) {
    if (s.rows === 0) continue
    const a = Math.max(from, s.start + 1)
    const b = Math.min(to, s.start + s.rows)
    if (a > b) continue
    for (let p = Math.floor((a - s.start - 1) / PAGE); p <= Math.floor((b - s.start - 1) / PAGE); p++) out.push({ batch: s.group.batch, page: p })
  }
  return out
}

/** "Holiday 2026 — 2,412 files, 1,900 done, 3 failed". While the queue is paused, jobs that
 *  were moving say "paused", as their rows do: one state, one word. */
export function groupLine(g: GroupSummary, paused = false): string {
  const c = g.counts
  const n = countAll(c)
  if (g.preparing != null && n === 0) return `Preparing ${g.preparing.toLocaleString('en-US')} file${g.preparing === 1 ? '' : 's'}…`
  const parts = [`${n.toLocaleString('en-US')} file${n === 1 ? '' : 's'}`]
  if (g.preparing != null) parts[0] = `${parts[0]} queued, still preparing (${g.preparing.toLocaleString('en-US')} found)`
  if (c.done) parts.push(`${c.done.toLocaleString('en-US')} done`)
  if (c.active) parts.push(`${c.active.toLocaleString('en-US')} ${paused ? 'paused' : 'uploading'}`)
  if (c.failed) parts.push(`${c.failed.toLocaleString('en-US')} failed`)
  if (c.skipped) parts.push(`${c.skipped.toLocaleString('en-US')} already there`)
  if (c.cancelled) parts.push(`${c.cancelled.toLocaleString('en-US')} cancelled`)
  return parts.join(', ')
}

/** 0–1 for one job's bar; processing and done are full. */
export function jobFraction(j: JobView): number {
  if (j.stage === 'done' || j.stage === 'processing') return 1
  if (j.size <= 0) return 0
  return Math.min(1, j.bytes_done / j.size)
}

const STAGE_LABEL: Record<Stage, string> = {
  queued: 'Waiting',
  hashing: 'Checking',
  preparing: 'Preparing',
  uploading: 'Uploading',
  processing: 'Wix is processing',
  done: 'Uploaded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  skipped_duplicate: 'Already uploaded',
}
/** A paused queue shows every unfinished row paused: nothing moves until Resume. */
export const stageLabel = (s: Stage, paused = false) => (paused && !isFinal(s) && s !== 'processing' ? 'Paused' : STAGE_LABEL[s])

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—'
  if (n < 1000) return `${n} B`
  const units = ['kB', 'MB', 'GB', 'TB']
  let v = n / 1000
  let u = 0
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000
    u++
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`
}

export const formatRate = (bytesPerSec: number) => (bytesPerSec > 0 ? `${formatBytes(Math.round(bytesPerSec))}/s` : '')

/** "8 s", "2 min 5 s", "1 h 3 min" — or '' when unknown. */
export function formatEta(secs: number | null | undefined): string {
  if (secs == null || !Number.isFinite(secs) || secs < 0) return ''
  const s = Math.ceil(secs)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
}

/** `media-root/events/2024` → `Site Files / events / 2024`. A folder whose name is not known
 *  (`<32 hex digits>/day1`, from before names were kept) reads "a chosen folder / day1": an ID
 *  means nothing to a person (it stays one click away, in the row's tooltip). */
export function folderLabel(folder: string): string {
  const parts = folder.split('/').filter(Boolean)
  if (parts[0] === 'media-root') parts.shift()
  else if (parts.length && /^[0-9a-f]{32}$/i.test(parts[0])) parts[0] = 'a chosen folder'
  return ['Site Files', ...parts].join(' / ')
}

/** A History entry's folder: its path by names when known, else its label as above. */
export function entryFolder(e: { folder: string; folder_path: string | null }): string {
  return e.folder_path != null ? ['Site Files', ...e.folder_path.split('/').filter(Boolean)].join(' / ') : folderLabel(e.folder)
}

/** Where new uploads go, as chosen on the Upload screen. */
export interface Target {
  profile: string
  siteId: string
  /** null = the top level of Site Files. */
  folder: Destination | null
  /** Human path of the folder, for labels ("Site Files / events"). */
  folderName: string
  /** The folders from Site Files down to `folder`, so the folder browser reopens there. */
  trail: { id: string; name: string }[]
}

/** The top level of Site Files for `profile`'s `siteId`. */
export const topOf = (profile: string, siteId: string): Target => ({ profile, siteId, folder: null, folderName: 'Site Files', trail: [] })

/** Where the Private toggle is remembered: per site (key profile + site), on this computer. */
const PRIVATE_KEY = 'wixdrop.privateSites'

function loadPrivate(): Record<string, boolean> {
  try {
    const v = JSON.parse(globalThis.localStorage?.getItem(PRIVATE_KEY) ?? '{}')
    return v && typeof v === 'object' ? v : {}
  } catch {
    return {}
  }
}

/** Rows fetched for one page of one group under one filter, and the revision they are from. */
interface Page {
  revision: number
  rows: JobView[]
}

class UploadsStore {
  state = $state.raw<QueueState>(EMPTY)
  subscribed = $state(false)
  error = $state<string | null>(null)
  target = $state<Target>(topOf('', ''))
  /** Sites whose uploads go as private files (`profile/siteId` → true), remembered. */
  privateSites = $state<Record<string, boolean>>(loadPrivate())
  /** Which rows the queue shows. */
  filter = $state<RowFilter>('all')
  /** Groups the user folded away. */
  collapsed = $state.raw<ReadonlySet<number>>(new Set())
  /** Fetched rows, by `batch:filter:page`; only pages on screen are kept fresh. */
  pages = $state.raw<ReadonlyMap<string, Page>>(new Map())
  /** A drop is on its way to the engine (before its group shows "Preparing…"). */
  sending = $state(0)
  /** Files are being dragged over the window (how many, when the OS says). */
  drag = $state<{ active: boolean; count: number }>({ active: false, count: 0 })
  /** Set by the Upload screen: why a drop cannot be taken now (no key, no site), or null. */
  blocked: string | null = 'Add an API key first: nothing was uploaded.'
  /** Called with the web links of a drop (they are imported, not uploaded). */
  onUrls: ((urls: string[]) => void) | null = null
  /** Called on every drop, to bring the Upload screen forward. */
  onDropped: (() => void) | null = null
  /** What the drop overlay says; the Upload screen keeps it current (key, site, folder). */
  hint = $state<{ title: string; detail: string; ready: boolean }>({
    title: 'Drop to upload',
    detail: 'Wixdrop opens the Upload screen with them.',
    ready: true,
  })
  /** Whether the Upload screen is showing (it decides where a drop goes). */
  uploadScreen = false
  /** A drop made on another screen, taken by the Upload screen once it knows the target. */
  pendingDrop: string[] | null = null
  /** Files the OS handed over (Open with, a second launch): queued once a site is chosen. */
  opened = $state<string[]>([])
  private starting: Promise<void> | null = null
  private inflight = new Set<string>()

  /** Subscribe to the engine and to window drops, once for the app's life. */
  start(): Promise<void> {
    if (!this.starting) {
      ipc
        .onDragDrop((e) => {
          if (e.type === 'enter') this.drag = { active: true, count: e.paths.length }
          else if (e.type === 'over') this.drag.active = true
          else if (e.type === 'leave') this.drag = { active: false, count: 0 }
          else {
            this.drag = { active: false, count: 0 }
            // Links dragged from a browser arrive as http(s) "paths": they are imported.
            const urls = e.paths.filter((p) => /^https?:\/\//i.test(p))
            if (urls.length && this.onUrls) {
              this.onUrls(urls)
              e = { ...e, paths: e.paths.filter((p) => !urls.includes(p)) }
              if (e.paths.length === 0) return
            }
            if (!this.uploadScreen) this.pendingDrop = e.paths
            this.onDropped?.()
            if (!this.uploadScreen) return
            if (this.blocked) this.error = this.blocked
            else this.drop(e.paths)
          }
        })
        // Said on the page, so a test (or a curious user) can tell drops are being taken.
        .then(() => document.documentElement.setAttribute('data-drops', 'ready'))
        .catch((e) => (this.error = (e as { message: string }).message))
    }
    this.starting ??= ipc
      .watchUploads((ev) => (this.state = reduce(this.state, ev)))
      .then(() => {
        this.subscribed = true
      })
      .catch((e) => {
        this.starting = null
        this.error = (e as { message: string }).message
      })
    return this.starting
  }

  /** Queue a drop made on another screen, now that the Upload screen knows the target. */
  takePendingDrop() {
    const paths = this.pendingDrop
    if (!paths) return
    this.pendingDrop = null
    if (this.blocked) this.error = this.blocked
    else this.drop(paths)
  }

  /** New uploads (and imports) to the chosen site go as private files. */
  get isPrivate(): boolean {
    return !!this.privateSites[`${this.target.profile}/${this.target.siteId}`]
  }

  /** The Private toggle, remembered for this site (it cannot change a file after upload). */
  setPrivate(on: boolean) {
    const next = { ...this.privateSites }
    const k = `${this.target.profile}/${this.target.siteId}`
    if (on) next[k] = true
    else delete next[k]
    this.privateSites = next
    try {
      globalThis.localStorage?.setItem(PRIVATE_KEY, JSON.stringify(next))
    } catch {
      /* remembered for this session only */
    }
  }

  get summary(): QueueSummary {
    return summarize(this.state.overview)
  }

  /** A drop held for a decision: the pre-flight found something to say before sending. */
  preflight = $state<{ paths: string[]; report: PreflightReport } | null>(null)
  /** The pre-flight is being made for a drop. */
  checking = $state(false)

  /** Check a drop first (limits, location, duplicates); queue it at once when nothing needs a
   *  decision, else hold it for the pre-flight panel. A failed check never blocks the upload. */
  async drop(paths: string[]): Promise<number> {
    const t = this.target
    if (!paths.length || !t.profile || !t.siteId) return 0
    this.checking = true
    let report: PreflightReport | null = null
    try {
      report = await ipc.preflightUploads(paths, t.siteId)
    } catch {
      report = null
    } finally {
      this.checking = false
    }
    if (report?.needs_decision) {
      this.preflight = { paths, report }
      return 0
    }
    return this.enqueue(paths)
  }

  /** The panel's answer: send the held drop (or not). */
  async decide(send: boolean): Promise<number> {
    const held = this.preflight
    this.preflight = null
    if (!held || !send) return 0
    return this.enqueue(held.paths)
  }

  /** Queue real paths for the chosen target. Returns at once with the queue's groups (the new
   *  ones, "Preparing…", painted at once); the walk and the journal writes go on in the engine. */
  async enqueue(paths: string[]): Promise<number> {
    const t = this.target
    if (!paths.length || !t.profile || !t.siteId) return 0
    this.error = null
    this.sending++
    try {
      // The folder's names go along, so rows and History name it rather than show its ID.
      const overview = await ipc.enqueueUploads(paths, t.profile, t.siteId, t.folder, t.trail.map((c) => c.name).join('/') || null, false, this.isPrivate)
      // The answer carries the new groups: paint them now, unless a newer overview came first.
      this.state = adopt(this.state, overview)
      return overview.groups.length
    } catch (e) {
      this.error = (e as { message: string }).message
      return 0
    } finally {
      this.sending--
    }
  }

  /** The row `row` of group `batch` under the current filter, if fetched. */
  row(batch: number, row: number): JobView | undefined {
    const p = this.pages.get(`${batch}:${this.filter}:${Math.floor(row / PAGE)}`)
    return p?.rows[row % PAGE]
  }

  /** Make sure these pages are fetched and no older than the overview. */
  refresh(want: { batch: number; page: number }[]) {
    const revision = this.state.overview?.revision ?? 0
    const filter = this.filter
    for (const { batch, page } of want) {
      const key = `${batch}:${filter}:${page}`
      const have = this.pages.get(key)
      if ((have && have.revision >= revision) || this.inflight.has(key)) continue
      this.inflight.add(key)
      ipc
        .uploadRows({ batch, filter, offset: page * PAGE, limit: PAGE })
        .then((p) => {
          const next = new Map(this.pages)
          next.set(key, { revision: p.revision, rows: p.rows })
          // Keep the cache small: pages of other filters and far-away pages are dropped.
          if (next.size > 40) for (const k of [...next.keys()].slice(0, next.size - 40)) next.delete(k)
          this.pages = next
        })
        .catch((e) => (this.error = (e as { message: string }).message))
        .finally(() => {
          this.inflight.delete(key)
          // The engine moved on while these rows were on their way (a newer overview was
          // skipped for them as "in flight"): ask again, or the screen would show old rows.
          const got = this.pages.get(key)
          if (got && got.revision < (this.state.overview?.revision ?? 0) && this.filter === filter) {
            // At most one more ask per page per 100 ms, like the overviews themselves.
            setTimeout(() => this.refresh([{ batch, page }]), 100)
          }
        })
    }
  }

  setFilter(f: RowFilter) {
    this.filter = f
  }

  toggle(batch: number) {
    const next = new Set(this.collapsed)
    if (next.has(batch)) next.delete(batch)
    else next.add(batch)
    this.collapsed = next
  }

  async act(f: () => Promise<void>) {
    this.error = null
    try {
      await f()
    } catch (e) {
      this.error = (e as { message: string }).message
    }
  }

  cancel = (id: number) => this.act(() => ipc.cancelUpload(id))
  cancelGroup = (batch: number) => this.act(() => ipc.cancelUploadBatch(batch))
  retry = (id: number) => this.act(() => ipc.retryUpload(id))
  uploadAnyway = (id: number) => this.act(() => ipc.uploadAnyway(id))
  cancelAll = () => this.act(() => ipc.cancelAllUploads())
  setPaused = (paused: boolean) => this.act(() => ipc.pauseUploads(paused))
  clearFinished = () =>
    this.act(async () => {
      await ipc.clearFinishedUploads()
      this.pages = new Map()
    })
  /** A notice from the window's side (files the OS handed over that were left out…). */
  addNotice = (message: string) => {
    this.state = reduce(this.state, { type: 'notice', message })
  }
  dismissNotice = (i: number) => {
    this.state = { ...this.state, notices: this.state.notices.filter((_, k) => k !== i) }
  }
}

export const uploads = new UploadsStore()

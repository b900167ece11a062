// The upload queue as the UI sees it. The engine (Rust) owns the truth and streams events;
// `reduce` folds them into view state. It is pure so Vitest can feed it events directly.
import { ipc, type Destination, type JobView, type TotalProgress, type UploadEvent } from '../ipc'
import type { Stage } from './bindings/Stage'

export interface QueueState {
  /** Oldest first (job ids grow with time). */
  jobs: JobView[]
  total: TotalProgress | null
  /** The last few notices, newest last. */
  notices: string[]
}

export const EMPTY: QueueState = { jobs: [], total: null, notices: [] }
const MAX_NOTICES = 5

export const FINAL: readonly Stage[] = ['done', 'failed', 'cancelled', 'skipped_duplicate']
export const isFinal = (s: Stage) => FINAL.includes(s)

/** Fold one engine event into the state (a new object; the input is not changed). */
export function reduce(state: QueueState, ev: UploadEvent): QueueState {
  switch (ev.type) {
    case 'job': {
      const i = state.jobs.findIndex((j) => j.id === ev.job.id)
      if (i >= 0) {
        const jobs = state.jobs.slice()
        jobs[i] = ev.job
        return { ...state, jobs }
      }
      const jobs = [...state.jobs, ev.job].sort((a, b) => a.id - b.id)
      return { ...state, jobs }
    }
    case 'total':
      return { ...state, total: ev.total }
    case 'notice':
      return { ...state, notices: [...state.notices, ev.message].slice(-MAX_NOTICES) }
  }
}

/** What `clear_finished` leaves: unfinished jobs only. */
export function withoutFinished(state: QueueState): QueueState {
  return { ...state, jobs: state.jobs.filter((j) => !isFinal(j.stage)) }
}

export interface QueueSummary {
  active: number
  done: number
  failed: number
  skipped: number
  cancelled: number
  /** Something is queued or moving. */
  busy: boolean
  /** 0–1 over the bytes that count (see TotalProgress). */
  fraction: number
}

export function summarize(state: QueueState): QueueSummary {
  const count = (s: Stage) => state.jobs.filter((j) => j.stage === s).length
  const active = state.jobs.filter((j) => !isFinal(j.stage)).length
  const t = state.total
  return {
    active,
    done: count('done'),
    failed: count('failed'),
    skipped: count('skipped_duplicate'),
    cancelled: count('cancelled'),
    busy: active > 0,
    fraction: t && t.bytes_total > 0 ? Math.min(1, t.bytes_done / t.bytes_total) : 0,
  }
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
  uploading: 'Uploading',
  processing: 'Wix is processing',
  done: 'Uploaded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  skipped_duplicate: 'Already uploaded',
}
export const stageLabel = (s: Stage) => STAGE_LABEL[s]

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

/** `media-root/events/2024` → `Site Files / events / 2024`. */
export function folderLabel(folder: string): string {
  const parts = folder.split('/').filter(Boolean)
  if (parts[0] === 'media-root') parts.shift()
  return ['Site Files', ...parts].join(' / ')
}

/** Where new uploads go, as chosen on the Upload screen. */
export interface Target {
  profile: string
  siteId: string
  /** null = the top level of Site Files. */
  folder: Destination | null
  /** Human path of the folder, for labels ("Site Files / events"). */
  folderName: string
}

class UploadsStore {
  state = $state<QueueState>(EMPTY)
  subscribed = $state(false)
  error = $state<string | null>(null)
  target = $state<Target>({ profile: '', siteId: '', folder: null, folderName: 'Site Files' })
  /** Files are being dragged over the window (how many, when the OS says). */
  drag = $state<{ active: boolean; count: number }>({ active: false, count: 0 })
  /** Set by the Upload screen: why a drop cannot be taken now (no key, no site), or null. */
  blocked: string | null = 'Add an API key first: nothing was uploaded.'
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
  private starting: Promise<void> | null = null

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
            if (!this.uploadScreen) this.pendingDrop = e.paths
            this.onDropped?.()
            if (!this.uploadScreen) return
            if (this.blocked) this.error = this.blocked
            else this.enqueue(e.paths)
          }
        })
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
    else this.enqueue(paths)
  }

  get summary(): QueueSummary {
    return summarize(this.state)
  }

  /** Queue real paths for the chosen target; returns how many jobs were created. */
  async enqueue(paths: string[]): Promise<number> {
    const t = this.target
    if (!paths.length || !t.profile || !t.siteId) return 0
    this.error = null
    try {
      const ids = await ipc.enqueueUploads(paths, t.profile, t.siteId, t.folder)
      return ids.length
    } catch (e) {
      this.error = (e as { message: string }).message
      return 0
    }
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
  retry = (id: number) => this.act(() => ipc.retryUpload(id))
  uploadAnyway = (id: number) => this.act(() => ipc.uploadAnyway(id))
  cancelAll = () => this.act(() => ipc.cancelAllUploads())
  setPaused = (paused: boolean) => this.act(() => ipc.pauseUploads(paused))
  clearFinished = () =>
    this.act(async () => {
      await ipc.clearFinishedUploads()
      this.state = withoutFinished(this.state)
    })
  dismissNotice = (i: number) => {
    this.state = { ...this.state, notices: this.state.notices.filter((_, k) => k !== i) }
  }
}

export const uploads = new UploadsStore()

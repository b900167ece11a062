// Imports from links (and copies between sites) as jobs of the upload queue. Wix fetches each
// link itself; the jobs live in the journal's `library_jobs` table (core `library::jobs`) and
// go queued → importing → processing → done / failed, with why. The Upload screen shows them
// beside the uploads; the rows come from `library_jobs`, polled once a second while one moves.
//
// Which jobs the queue shows: every job started in this session, wherever (the Upload screen,
// a link dropped on the window, the Library's "Import URLs…" or "Copy to site"), and any an
// earlier run left unfinished. Jobs already finished when the app started are History's, not
// the queue's; "Clear finished" hides the finished ones, as it does for uploads.
//
// The pure parts (`importCounts`, `importLine`, `visibleJobs`) are what Vitest tests.
import { ipc, type ImportJob } from '../ipc'
import type { ImportStage } from './bindings/ImportStage'
import type { ImportStarted } from './bindings/ImportStarted'
import { uploads } from './uploads.svelte'

/** What of pasted text was not imported, as a sentence to add to a notice ("" when nothing). */
export function leftOutText(r: Pick<ImportStarted, 'left_out' | 'repeats'>): string {
  const parts: string[] = []
  const n = r.left_out.length
  if (n) {
    const shown = r.left_out.slice(0, 3).map((l) => `“${l.length > 60 ? l.slice(0, 59) + '…' : l}”`).join(', ')
    parts.push(`Left out ${n} line${n === 1 ? '' : 's'} with no web link: ${shown}${n > 3 ? ` and ${n - 3} more` : ''}.`)
  }
  if (r.repeats) parts.push(`${r.repeats} repeated link${r.repeats === 1 ? ' was' : 's were'} imported once.`)
  return parts.join(' ')
}

export const importFinal = (s: ImportStage) => s === 'done' || s === 'failed'

export interface ImportCounts {
  active: number
  done: number
  failed: number
  total: number
}

export function importCounts(jobs: readonly ImportJob[]): ImportCounts {
  const done = jobs.filter((j) => j.stage === 'done').length
  const failed = jobs.filter((j) => j.stage === 'failed').length
  return { active: jobs.length - done - failed, done, failed, total: jobs.length }
}

/** "3 links, 1 importing, 1 done, 1 failed" (a copy counts as a link: Wix fetches it too). */
export function importLine(c: ImportCounts): string {
  const parts = [`${c.total.toLocaleString('en-US')} link${c.total === 1 ? '' : 's'}`]
  if (c.active) parts.push(`${c.active.toLocaleString('en-US')} importing`)
  if (c.done) parts.push(`${c.done.toLocaleString('en-US')} done`)
  if (c.failed) parts.push(`${c.failed.toLocaleString('en-US')} failed`)
  return parts.join(', ')
}

/** How many imports a filter chip of the queue shows (as `filterCount` for uploads). */
export function importFilterCount(c: ImportCounts, f: 'all' | 'failed' | 'in_progress' | 'done'): number {
  return f === 'all' ? c.total : f === 'failed' ? c.failed : f === 'done' ? c.done : c.active
}

const STAGE_LABEL: Record<ImportStage, string> = {
  queued: 'Waiting',
  importing: 'Importing',
  processing: 'Wix is processing',
  done: 'Imported',
  failed: 'Failed',
}
export const importStageLabel = (s: ImportStage) => STAGE_LABEL[s]

/** The jobs the queue shows, oldest first (as uploads are): not hidden, or still moving. */
export function visibleJobs(all: readonly ImportJob[], hidden: ReadonlySet<number>): ImportJob[] {
  return all.filter((j) => !hidden.has(j.id) || !importFinal(j.stage)).sort((a, b) => a.id - b.id)
}

class ImportsStore {
  /** Every recent job, as the journal has it. */
  all = $state.raw<ImportJob[]>([])
  /** Finished jobs the queue does not show (from before this session, or cleared). */
  hidden = $state.raw<ReadonlySet<number>>(new Set())
  error = $state<string | null>(null)
  private first = true
  private timer: ReturnType<typeof setTimeout> | null = null

  get jobs(): ImportJob[] {
    return visibleJobs(this.all, this.hidden)
  }

  get counts(): ImportCounts {
    return importCounts(this.jobs)
  }

  /** Look now, and again every second while a job in the queue is not finished. */
  async poll(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    try {
      const got = await ipc.libraryJobs()
      if (this.first) {
        this.first = false
        this.hidden = new Set(got.filter((j) => importFinal(j.stage)).map((j) => j.id))
      }
      this.all = got
    } catch (e) {
      this.error = (e as { message?: string }).message ?? String(e)
    }
    if (this.jobs.some((j) => !importFinal(j.stage))) this.timer = setTimeout(() => void this.poll(), 1000)
  }

  /** Import the links in `text` (one a line, or a CSV column) into a site's folder: the jobs
   *  started and what of the text was left out. Bad text (no link in it) throws the core's
   *  plain-words error. */
  async importText(profile: string, siteId: string, text: string, folderId: string | null, isPrivate: boolean): Promise<ImportStarted> {
    if (this.first) await this.poll()
    const started = await ipc.libraryImport(profile, siteId, text, folderId, isPrivate)
    await this.poll()
    return started
  }

  /** Links pasted or dropped on the Upload screen: imported into its site and folder (private
   *  when its Private toggle is on). Says what happened on the screen; an error (no site, no
   *  link in the text) goes to the screen's error line and nothing is lost. */
  async intoTarget(text: string): Promise<void> {
    const t = uploads.target
    this.note = null
    if (uploads.blocked) {
      uploads.error = uploads.blocked.replace('nothing was uploaded', 'the links were not imported')
      return
    }
    try {
      const folder = t.folder?.kind === 'folder_id' ? t.folder.value : null
      const started = await this.importText(t.profile, t.siteId, text, folder, uploads.isPrivate)
      const n = started.ids.length
      this.note = [
        // True while they run and after: their rows below say how each went.
        `Sent ${n} link${n === 1 ? '' : 's'} to Wix to import into ${t.folderName}${uploads.isPrivate ? ' as private files' : ''}; Wix fetches ${n === 1 ? 'it' : 'them'} itself.`,
        leftOutText(started),
      ].filter(Boolean).join(' ')
    } catch (e) {
      uploads.error = (e as { message?: string }).message ?? String(e)
    }
  }

  /** What the last paste or drop of links did, for the Upload screen. */
  note = $state<string | null>(null)

  /** "Clear finished": the finished imports leave the queue. */
  clearFinished() {
    this.hidden = new Set([...this.hidden, ...this.all.filter((j) => importFinal(j.stage)).map((j) => j.id)])
  }
}

export const imports = new ImportsStore()

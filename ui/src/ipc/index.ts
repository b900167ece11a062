// The only module that imports @tauri-apps/*. Everything else calls these typed wrappers, so
// screens and stores stay plain TypeScript that Vitest can test with @tauri-apps/api/mocks.
import { Channel, invoke } from '@tauri-apps/api/core'
import { listen } from '@tauri-apps/api/event'
import { getCurrentWebview } from '@tauri-apps/api/webview'
import { open as openDialog, save as saveDialog } from '@tauri-apps/plugin-dialog'
import { openUrl, revealItemInDir } from '@tauri-apps/plugin-opener'
import type { AppInfo } from '../lib/bindings/AppInfo'
import type { DemoInfo } from '../lib/bindings/DemoInfo'
import type { CredentialReport } from '../lib/bindings/CredentialReport'
import type { IpcError } from '../lib/bindings/IpcError'
import type { KeyCheck } from '../lib/bindings/KeyCheck'
import type { Profile } from '../lib/bindings/Profile'
import type { Site } from '../lib/bindings/Site'
import type { Verification } from '../lib/bindings/Verification'
import type { Settings } from '../lib/bindings/Settings'
import type { Destination } from '../lib/bindings/Destination'
import type { Folder } from '../lib/bindings/Folder'
import type { HistoryEntry } from '../lib/bindings/HistoryEntry'
import type { HistoryMonth } from '../lib/bindings/HistoryMonth'
import type { HistoryPage } from '../lib/bindings/HistoryPage'
import type { HistoryQuery } from '../lib/bindings/HistoryQuery'
import type { JobView } from '../lib/bindings/JobView'
import type { NewWatch } from '../lib/bindings/NewWatch'
import type { QueueEvent } from '../lib/bindings/QueueEvent'
import type { QueueOverview } from '../lib/bindings/QueueOverview'
import type { RowFilter } from '../lib/bindings/RowFilter'
import type { RowPage } from '../lib/bindings/RowPage'
import type { RowQuery } from '../lib/bindings/RowQuery'
import type { WatchedFolder } from '../lib/bindings/WatchedFolder'
import type { LibraryPage } from '../lib/bindings/LibraryPage'
import type { LibraryItem } from '../lib/bindings/LibraryItem'
import type { LibraryQuery } from '../lib/bindings/LibraryQuery'
import type { LibraryAction } from '../lib/bindings/LibraryAction'
import type { ItemResult } from '../lib/bindings/ItemResult'
import type { ImportJob } from '../lib/bindings/ImportJob'
import type { ImportStarted } from '../lib/bindings/ImportStarted'
import type { CopyStart } from '../lib/bindings/CopyStart'
export type { LibraryPage, LibraryItem, LibraryQuery, LibraryAction, ItemResult, ImportJob, CopyStart }
import type { PreflightReport } from '../lib/bindings/PreflightReport'
import type { ExportRequest } from '../lib/bindings/ExportRequest'
export type { PreflightReport, ExportRequest }
import type { CloseAction } from '../lib/bindings/CloseAction'
import type { DesktopInfo } from '../lib/bindings/DesktopInfo'
import type { OpenedFiles } from '../lib/bindings/OpenedFiles'
import type { Pasted } from '../lib/bindings/Pasted'

export type { AppInfo, CredentialReport, DemoInfo, IpcError, KeyCheck, Profile, Settings, Site, Verification }
export type { CloseAction, DesktopInfo, OpenedFiles, Pasted }
export type { Destination, Folder, HistoryEntry, HistoryMonth, HistoryPage, HistoryQuery, JobView, NewWatch, QueueEvent, QueueOverview, RowFilter, RowPage, RowQuery, WatchedFolder }

/** Errors from commands arrive as `{kind, message}`; anything else is wrapped to that shape. */
export function asIpcError(e: unknown): IpcError {
  if (e && typeof e === 'object' && 'message' in e && 'kind' in e) return e as IpcError
  return { kind: 'internal', message: typeof e === 'string' ? e : String((e as Error)?.message ?? e) }
}

/** A new id for a wait the user may cancel (`cancelWait`); unique in this window. */
let lastOp = Date.now() // not 0: ids stay unique across reloads of the window
export function newOp(): number {
  return ++lastOp
}

/** Whether an error says the user cancelled the wait (nothing to show). */
export const isCancelled = (e: unknown) => (e as { kind?: string } | null)?.kind === 'cancelled'

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args)
  } catch (e) {
    throw asIpcError(e)
  }
}

export const ipc = {
  appInfo: () => call<AppInfo>('app_info'),
  saveSettings: (settings: Settings) => call<Settings>('save_settings', { settings }),
  /** Whether Wix (the API base) answers at all, within a few seconds. Never fails. */
  wixReachable: () => call<boolean>('wix_reachable'),
  /** Switch to the demo (a pretend Wix inside the app, throwaway files, its own keychain service). */
  startDemo: () => call<AppInfo>('start_demo'),
  /** Back to the real configuration; nothing of the demo is left. */
  leaveDemo: () => call<AppInfo>('leave_demo'),

  /** Offline: what a pasted credential is. Cheap enough to call on every keystroke. */
  inspectCredential: (text: string) => call<CredentialReport>('inspect_credential', { text }),

  listProfiles: () => call<Profile[]>('list_profiles'),
  /** The key goes to the OS keychain; it never comes back to the webview. */
  addProfile: (name: string, keyText: string, accountId: string | null) =>
    call<Profile>('add_profile', { name, keyText, accountId }),
  /** Live check; `site` may be a site ID or a dashboard URL. */
  verifyProfile: (name: string, site: string | null = null, op: number | null = null) => call<KeyCheck>('verify_profile', { name, site, op }),
  renameProfile: (name: string, newName: string) => call<Profile>('rename_profile', { name, newName }),
  /** Rotation: the new key is verified first; `replaced` says whether it was stored. */
  replaceKey: (name: string, keyText: string, op: number | null = null) => call<KeyCheck>('replace_key', { name, keyText, op }),
  /** Stop a wait started with this `op` (verify, replace, folder listing); it fails with kind `cancelled`. */
  cancelWait: (op: number) => call<void>('cancel_wait', { op }),
  /** Which of `texts` contain every word of `query`, case and accents ignored (the core's one
   *  folding function, as History's search): their indexes, in order. */
  searchMatches: (texts: string[], query: string) => call<number[]>('search_matches', { texts, query }),
  deleteProfile: (name: string) => call<void>('delete_profile', { name }),
  setDefaultSite: (name: string, siteId: string) => call<Profile>('set_default_site', { name, siteId }),

  /** Queue files and folders (real paths); keys are looked up on the Rust side. Returns at once
   *  with the new groups' ids; the folder walk and the journal writes follow in the engine. */
  enqueueUploads: (paths: string[], profile: string, siteId: string, folder: Destination | null, folderPath: string | null = null, uploadAnyway = false, isPrivate = false) =>
    call<QueueOverview>('enqueue_uploads', { paths, profile, siteId, folder, folderPath, uploadAnyway, private: isPrivate }),
  /** Coalesced queue overviews (≤ ~10/s, the current one first) and notices. One subscriber per window. */
  watchUploads(onEvent: (e: QueueEvent) => void): Promise<void> {
    const channel = new Channel<QueueEvent>()
    channel.onmessage = onEvent
    return call<void>('watch_uploads', { onEvent: channel })
  },
  /** The rows the queue is displaying: a window of one group (or all), filtered. */
  uploadRows: (query: RowQuery) => call<RowPage>('upload_rows', { query }),
  /** Cancel one drop: its walk stops, its unfinished jobs end cancelled. */
  cancelUploadBatch: (batch: number) => call<void>('cancel_upload_batch', { batch }),
  cancelUpload: (id: number) => call<void>('cancel_upload', { id }),
  cancelAllUploads: () => call<void>('cancel_all_uploads'),
  pauseUploads: (paused: boolean) => call<void>('pause_uploads', { paused }),
  retryUpload: (id: number) => call<void>('retry_upload', { id }),
  uploadAnyway: (id: number) => call<void>('upload_anyway', { id }),
  clearFinishedUploads: () => call<void>('clear_finished_uploads'),
  /** One page of History, newest first, with how many entries match (`total`) and exist (`all`). */
  uploadHistory: (query: HistoryQuery) => call<HistoryPage>('upload_history', { query }),
  /** Folders directly inside `parent` (null = top level of Site Files). */
  listFolders: (profile: string, siteId: string, parent: string | null, op: number | null = null) =>
    call<Folder[]>('list_folders', { profile, siteId, parent, op }),
  createFolder: (profile: string, siteId: string, parent: string | null, name: string) =>
    call<Folder>('create_folder', { profile, siteId, parent, name }),
  listWatches: () => call<WatchedFolder[]>('list_watches'),
  addWatch: (watch: NewWatch) => call<WatchedFolder>('add_watch', { watch }),
  removeWatch: (id: number) => call<void>('remove_watch', { id }),

  /** Library: one page of a folder, the trash, or a search (`query.text`). */
  libraryPage: (query: LibraryQuery) => call<LibraryPage>('library_page', { query }),
  /** Library: subfolders of `parent` (`trash-root`: the trash's folders). */
  libraryFolders: (profile: string, siteId: string, parent: string) => call<Folder[]>('library_folders', { profile, siteId, parent }),
  /** Library: the folders from the top level down to `folderId`. */
  libraryBreadcrumbs: (profile: string, siteId: string, folderId: string) =>
    call<Folder[]>('library_breadcrumbs', { profile, siteId, folderId }),
  /** Library: rename / move / relabel one file (null leaves a field alone). */
  libraryUpdate: (profile: string, siteId: string, fileId: string, change: { displayName?: string | null; folderId?: string | null; labels?: string[] | null }) =>
    call<LibraryItem>('library_update', {
      profile,
      siteId,
      fileId,
      displayName: change.displayName ?? null,
      folderId: change.folderId ?? null,
      labels: change.labels ?? null,
    }),
  /** Library: trash, restore or delete files for good; one result per id. */
  libraryBulk: (profile: string, siteId: string, fileIds: string[], action: LibraryAction) =>
    call<ItemResult[]>('library_bulk', { profile, siteId, fileIds, action }),
  /** Library: rename a folder. */
  libraryFolderRename: (profile: string, siteId: string, folderId: string, name: string) =>
    call<Folder>('library_folder_rename', { profile, siteId, folderId, name }),
  /** Library: move folders (and what is in them) to the trash, or restore them. */
  libraryFolderBulk: (profile: string, siteId: string, folderIds: string[], action: LibraryAction) =>
    call<void>('library_folder_bulk', { profile, siteId, folderIds, action }),
  /** Library: one file, fresh (its processing state). */
  libraryFile: (profile: string, siteId: string, fileId: string) => call<LibraryItem>('library_file', { profile, siteId, fileId }),
  /** Library: a temporary download link. */
  libraryLink: (profile: string, siteId: string, fileId: string, minutes: number) =>
    call<string>('library_link', { profile, siteId, fileId, minutes }),
  /** Import URLs (text: one a line or a CSV column) as background jobs; their ids. */
  libraryImport: (profile: string, siteId: string, text: string, folderId: string | null, isPrivate: boolean) =>
    call<ImportStarted>('library_import', { profile, siteId, text, folderId, private: isPrivate }),
  /** Copy files to another site (jobs in the background). */
  libraryCopy: (profile: string, siteId: string, fileIds: string[], toProfile: string, toSiteId: string, path: string | null) =>
    call<CopyStart[]>('library_copy', { profile, siteId, fileIds, toProfile, toSiteId, path }),
  /** The latest import and copy jobs, newest first. */
  libraryJobs: () => call<ImportJob[]>('library_jobs'),
  /** Run failed import and copy jobs again; how many were started. */
  libraryJobsRetry: (ids: number[]) => call<number>('library_jobs_retry', { ids }),
  /** Forget finished import and copy jobs (done ones stay in History); how many. */
  libraryJobsClear: () => call<number>('library_jobs_clear'),
  /** Where the webview loads a thumbnail from (the app's own protocol; never a remote host). */
  thumbUrl(key: string): string {
    const windows = typeof navigator !== 'undefined' && /Windows/.test(navigator.userAgent)
    return windows ? `http://wixthumb.localhost/${key}` : `wixthumb://localhost/${key}`
  },
  /** The pre-flight check of a drop: limits, location, pixel size, duplicates, names. Sends nothing. */
  preflightUploads: (paths: string[], siteId: string | null) => call<PreflightReport>('preflight_uploads', { paths, siteId }),
  /** Thumbnails (`data:` URLs, null where none) of local files, in order; at most 200 per call. */
  thumbnails: (paths: string[]) => call<(string | null)[]>('thumbnails', { paths }),
  /** Write History rows to `path` as CSV or JSON; how many rows were written. */
  exportHistory: (request: ExportRequest, format: 'csv' | 'json', path: string) =>
    call<number>('export_history', { request, format, path }),
  /** The Wix URLs of the selected uploads, one per line. */
  exportUrls: (request: ExportRequest) => call<string>('export_urls', { request }),
  /** Shows a saved file in the system's file manager (its folder, the file selected where it can). */
  showInFolder: (path: string): Promise<void> => revealItemInDir(path),
  /** Native save dialog; the chosen path, or null. */
  async chooseSavePath(defaultPath: string, title: string, extension: string): Promise<string | null> {
    const picked = await saveDialog({ defaultPath, title, filters: [{ name: extension.toUpperCase(), extensions: [extension] }] })
    return typeof picked === 'string' ? picked : null
  },
  /** Files the OS handed to Wixdrop (Open with, a second launch, the Dock) since the last call. */
  takeOpenedFiles: () => call<OpenedFiles>('take_opened_files'),
  /** Called when the OS hands files over; then ask `takeOpenedFiles`. */
  onOpened: (handler: () => void): Promise<() => void> => listen('wixdrop://opened', () => handler()),
  /** Called when the window is closed while uploads run (and the setting says ask), with how many. */
  onCloseRequested: (handler: (running: number) => void): Promise<() => void> =>
    listen<number>('wixdrop://close-requested', (e) => handler(e.payload)),
  /** The close dialog's answer; `remember` saves it in the settings. */
  closeWindow: (action: CloseAction, remember: boolean) => call<void>('close_window', { action, remember }),
  /** Read the clipboard: files, else a copied image (saved as a PNG), else text. */
  pasteFromClipboard: () => call<Pasted>('paste_from_clipboard'),
  desktopInfo: () => call<DesktopInfo>('desktop_info'),
  setStartAtLogin: (enabled: boolean) => call<boolean>('set_start_at_login', { enabled }),
  /** Builds the diagnostics text (no secrets), puts it on the clipboard and returns it. */
  copyDiagnostics: () => call<string>('copy_diagnostics'),
  openLogFolder: () => call<void>('open_log_folder'),

  /** Copy to the system clipboard (the webview's own API; a hidden textarea if it refuses). */
  async copyText(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text)
      return
    } catch {
      const ta = document.createElement('textarea')
      ta.value = text
      ta.setAttribute('readonly', '')
      ta.style.position = 'fixed'
      ta.style.opacity = '0'
      document.body.appendChild(ta)
      ta.select()
      const ok = document.execCommand('copy')
      ta.remove()
      if (!ok) throw { kind: 'internal', message: 'The clipboard refused the text.' } satisfies IpcError
    }
  },

  /** Open an https link in the system browser (the capability limits it to Wix hosts). */
  openExternal: (url: string) => openUrl(url),

  /** Native file picker; returns real paths (nothing is read in the webview). */
  async chooseFiles(): Promise<string[]> {
    const picked = await openDialog({ multiple: true, directory: false, title: 'Choose files to upload' })
    if (!picked) return []
    return Array.isArray(picked) ? picked : [picked]
  },

  /** Native folder picker: one folder's real path, or null. */
  async chooseFolder(title = 'Choose a folder to upload'): Promise<string | null> {
    const picked = await openDialog({ multiple: false, directory: true, title })
    return typeof picked === 'string' ? picked : null
  },

  /** Drag-and-drop over the whole window: real filesystem paths on drop. */
  onDragDrop(handler: (e: DragDropSignal) => void): Promise<() => void> {
    return getCurrentWebview().onDragDropEvent((event) => {
      const p = event.payload
      if (p.type === 'drop') handler({ type: 'drop', paths: p.paths })
      else if (p.type === 'enter') handler({ type: 'enter', paths: p.paths })
      else if (p.type === 'over') handler({ type: 'over', paths: [] })
      else handler({ type: 'leave', paths: [] })
    })
  },
}

export type DragDropSignal = { type: 'enter' | 'over' | 'drop' | 'leave'; paths: string[] }

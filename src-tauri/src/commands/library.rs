//! The Library screen: thin adapters over `wixdrop_core::library`, plus the `wixthumb:`
//! protocol that serves thumbnails fetched in Rust (the webview's CSP stays closed to remote
//! hosts) from a bounded disk cache.
//!
//! Listings return files with an opaque thumbnail key; the window loads
//! `wixthumb://localhost/<key>` (`http://wixthumb.localhost/<key>` on Windows) and only URLs a
//! listing registered are ever fetched. Imports and copies are journal jobs run in the
//! background; the window polls `library_jobs` for their stages.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tauri::http::{header, Response, StatusCode};
use tauri::{AppHandle, Manager, State, UriSchemeContext, UriSchemeResponder};
use ts_rs::TS;
use wixdrop_core::library::api::{
    self, bulk_files, download_link, update_file, BulkAction, FileChange, ItemResult,
};
use wixdrop_core::library::copy::{enqueue_copies, CopyTarget};
use wixdrop_core::library::import::{check_url, links_in_text, ImportRequest, ImportStarted};
use wixdrop_core::library::jobs::{run_jobs, ImportJob, ImportJournal, NewImport};
use wixdrop_core::library::thumbs::{ThumbCache, DEFAULT_BUDGET};
use wixdrop_core::library::{paths, LibraryError, LibraryFile, ListFilter, Site};
use wixdrop_core::upload::Journal;
use wixdrop_core::wix::media::Folder;

use wixdrop_core::secret::ApiKey;

use crate::error::IpcErrorKind;
use crate::{AppState, IpcError, Session};

/// The custom protocol's scheme.
pub const THUMB_SCHEME: &str = "wixthumb";

/// Managed state of the Library: the thumbnail cache of the current session's data dir.
#[derive(Default)]
pub struct LibraryState {
    thumbs: Mutex<Option<(PathBuf, Arc<ThumbCache>)>>,
    /// The session (data dir) whose unfinished jobs were resumed already.
    resumed: Mutex<Option<PathBuf>>,
    /// Keys read from the keychain lately, by (keychain service, profile): scrolling a folder
    /// asks for a page every few hundred milliseconds, and a keychain read costs a D-Bus round
    /// trip (more with a busy machine). Kept [`KEY_TTL`], so a replaced key is picked up soon.
    keys: Mutex<HashMap<(String, String), (ApiKey, Instant)>>,
}

/// How long a key read from the keychain is reused.
const KEY_TTL: Duration = Duration::from_secs(60);

impl LibraryState {
    fn key(&self, s: &Session, profile: &str) -> Result<ApiKey, IpcError> {
        let id = (s.vault.service().to_owned(), profile.to_owned());
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((k, at)) = keys.get(&id) {
            if at.elapsed() < KEY_TTL {
                return Ok(k.clone());
            }
        }
        let k = s.vault.key(profile)?;
        keys.insert(id, (k.clone(), Instant::now()));
        Ok(k)
    }

    /// The opening of every Library command: the current session, `profile`'s key (cached, see
    /// [`LibraryState::keys`]) and the site. Errors: the keychain's, in plain words.
    fn site(&self, state: &AppState, profile: &str, site_id: &str) -> Result<SiteCtx, IpcError> {
        let session = state.session();
        let key = self.key(&session, profile)?;
        Ok(SiteCtx::new(session, key, site_id))
    }

    fn cache(&self, state: &AppState) -> Arc<ThumbCache> {
        let s = state.session();
        let dir = s.paths.data_dir.join("thumbnails");
        let mut slot = self.thumbs.lock().unwrap_or_else(|p| p.into_inner());
        match &*slot {
            Some((d, c)) if *d == dir => c.clone(),
            _ => {
                let c = Arc::new(ThumbCache::new(
                    dir.clone(),
                    DEFAULT_BUDGET,
                    s.client.http().clone(),
                ));
                *slot = Some((dir, c.clone()));
                c
            }
        }
    }
}

/// Where a Library call goes, owned (it outlives the borrow of the app state, and moves into
/// background jobs): the session whose client is used, the key and the site.
pub struct SiteCtx {
    session: Arc<Session>,
    key: ApiKey,
    site_id: String,
}

impl SiteCtx {
    fn new(session: Arc<Session>, key: ApiKey, site_id: &str) -> Self {
        SiteCtx {
            session,
            key,
            site_id: site_id.to_owned(),
        }
    }

    /// The borrowed form the core's calls take.
    pub fn site(&self) -> Site<'_> {
        Site {
            client: &self.session.client,
            key: &self.key,
            site_id: &self.site_id,
        }
    }
}

impl From<LibraryError> for IpcError {
    fn from(e: LibraryError) -> Self {
        let kind = if e.is_usage() {
            IpcErrorKind::Invalid
        } else {
            IpcErrorKind::Wix
        };
        IpcError::new(kind, e.to_string())
    }
}

/// A file and its thumbnail key (for `wixthumb://localhost/<key>`).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LibraryItem {
    #[serde(flatten)]
    #[ts(flatten)]
    pub file: LibraryFile,
    pub thumb: Option<String>,
}

/// One page for the window.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LibraryPage {
    pub files: Vec<LibraryItem>,
    pub next_cursor: Option<String>,
    #[ts(type = "number | null")]
    pub total: Option<u64>,
}

/// What to list: a folder, the trash, or a search (`text`, all levels).
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct LibraryQuery {
    pub profile: String,
    pub site_id: String,
    pub folder_id: Option<String>,
    pub trash: bool,
    pub text: Option<String>,
    pub filter: ListFilter,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

fn items(cache: &ThumbCache, files: Vec<LibraryFile>) -> Vec<LibraryItem> {
    files
        .into_iter()
        .map(|f| LibraryItem {
            thumb: f.thumbnail_url.as_deref().and_then(|u| cache.register(u)),
            file: f,
        })
        .collect()
}

/// One page of a folder, the trash or a search. Errors: `Wix` with the plain-words diagnosis
/// (a key without the Media Manager permissions gets the permission one).
#[tauri::command]
pub async fn library_page(
    state: State<'_, AppState>,
    lib: State<'_, LibraryState>,
    query: LibraryQuery,
) -> Result<LibraryPage, IpcError> {
    let ctx = lib.site(&state, &query.profile, &query.site_id)?;
    let limit = query.limit.unwrap_or(100);
    let cursor = query.cursor.as_deref();
    let page = match query
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(text) => {
            api::search_files(&ctx.site(), text, query.trash, &query.filter, cursor, limit).await?
        }
        None if query.trash => api::list_trash(&ctx.site(), &query.filter, cursor, limit).await?,
        None => {
            let folder = query.folder_id.as_deref().unwrap_or(api::root());
            api::list_files(&ctx.site(), folder, &query.filter, cursor, limit).await?
        }
    };
    let cache = lib.cache(&state);
    Ok(LibraryPage {
        files: items(&cache, page.files),
        next_cursor: page.next_cursor,
        total: page.total,
    })
}

/// The subfolders of `parent` (all pages), or the trash's folders.
#[tauri::command]
pub async fn library_folders(
    state: State<'_, AppState>,
    lib: State<'_, LibraryState>,
    profile: String,
    site_id: String,
    parent: String,
) -> Result<Vec<Folder>, IpcError> {
    let ctx = lib.site(&state, &profile, &site_id)?;
    Ok(api::all_folders(&ctx.site(), &parent).await?)
}

/// The folders from the top level down to `folder_id` (breadcrumbs).
#[tauri::command]
pub async fn library_breadcrumbs(
    state: State<'_, AppState>,
    lib: State<'_, LibraryState>,
    profile: String,
    site_id: String,
    folder_id: String,
) -> Result<Vec<Folder>, IpcError> {
    let ctx = lib.site(&state, &profile, &site_id)?;
    Ok(paths::chain(&ctx.site(), &folder_id).await?)
}

/// One file, fresh (processing state refreshed while it is PENDING).
#[tauri::command]
pub async fn library_file(
    state: State<'_, AppState>,
    lib: State<'_, LibraryState>,
    profile: String,
    site_id: String,
    file_id: String,
) -> Result<LibraryItem, IpcError> {
    let ctx = lib.site(&state, &profile, &site_id)?;
    let f = api::get_file(&ctx.site(), &file_id).await?;
    let cache = lib.cache(&state);
    Ok(items(&cache, vec![f]).remove(0))
}

/// Rename, move or relabel one file (`None` leaves a field alone).
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn library_update(
    state: State<'_, AppState>,
    lib: State<'_, LibraryState>,
    profile: String,
    site_id: String,
    file_id: String,
    display_name: Option<String>,
    folder_id: Option<String>,
    labels: Option<Vec<String>>,
) -> Result<LibraryItem, IpcError> {
    let ctx = lib.site(&state, &profile, &site_id)?;
    let change = FileChange {
        display_name,
        folder_id,
        labels,
    };
    let f = update_file(&ctx.site(), &file_id, &change).await?;
    let cache = lib.cache(&state);
    Ok(items(&cache, vec![f]).remove(0))
}

/// What a bulk action does.
#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LibraryAction {
    Trash,
    Restore,
    DeleteForGood,
}

impl From<LibraryAction> for BulkAction {
    fn from(a: LibraryAction) -> Self {
        match a {
            LibraryAction::Trash => BulkAction::Trash,
            LibraryAction::Restore => BulkAction::Restore,
            LibraryAction::DeleteForGood => BulkAction::DeleteForGood,
        }
    }
}

/// Trash, restore or delete files for good; one result per id (the rest goes on when one
/// fails).
#[tauri::command]
pub async fn library_bulk(
    state: State<'_, AppState>,
    lib: State<'_, LibraryState>,
    profile: String,
    site_id: String,
    file_ids: Vec<String>,
    action: LibraryAction,
) -> Result<Vec<ItemResult>, IpcError> {
    let ctx = lib.site(&state, &profile, &site_id)?;
    Ok(bulk_files(&ctx.site(), &file_ids, action.into()).await?)
}

/// Rename a folder (Update Folder). Errors: `Invalid` for an empty name, one with '/', or
/// longer than 200 characters; `Wix` when the folder is gone or the key may not manage media.
#[tauri::command]
pub async fn library_folder_rename(
    state: State<'_, AppState>,
    lib: State<'_, LibraryState>,
    profile: String,
    site_id: String,
    folder_id: String,
    name: String,
) -> Result<Folder, IpcError> {
    let ctx = lib.site(&state, &profile, &site_id)?;
    Ok(api::update_folder(&ctx.site(), &folder_id, Some(name.trim()), None).await?)
}

/// Move folders (and everything in them) to the trash, or restore them from it into the
/// folder they were in (Bulk Delete / Bulk Restore Folders). `DeleteForGood` deletes them and
/// their files; the window always asks first.
#[tauri::command]
pub async fn library_folder_bulk(
    state: State<'_, AppState>,
    lib: State<'_, LibraryState>,
    profile: String,
    site_id: String,
    folder_ids: Vec<String>,
    action: LibraryAction,
) -> Result<(), IpcError> {
    let ctx = lib.site(&state, &profile, &site_id)?;
    Ok(api::bulk_folders(&ctx.site(), &folder_ids, action.into()).await?)
}

/// A temporary download link (`minutes`, 1–525600).
#[tauri::command]
pub async fn library_link(
    state: State<'_, AppState>,
    lib: State<'_, LibraryState>,
    profile: String,
    site_id: String,
    file_id: String,
    minutes: u32,
) -> Result<String, IpcError> {
    let ctx = lib.site(&state, &profile, &site_id)?;
    Ok(download_link(&ctx.site(), &file_id, minutes).await?)
}

fn journal_of(state: &AppState) -> Journal {
    state.session().uploads.engine.journal().clone()
}

/// Import and copy jobs whose run is going now (a run's jobs count until the run ends): closing
/// the window while they run asks, as it does for uploads (desktop/close.rs).
static RUNNING: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// How many import/copy jobs are being run now.
pub fn running_jobs() -> u32 {
    RUNNING.load(std::sync::atomic::Ordering::Relaxed)
}

/// Counts a run's jobs in [`RUNNING`] while it lives, whichever way it ends.
struct Running(u32);

impl Running {
    fn new(n: usize) -> Running {
        let n = n as u32;
        RUNNING.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        Running(n)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(self.0, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Runs `jobs` in the background, one run per profile and site (see [`spawn_jobs`]).
fn spawn_by_site(state: &AppState, jobs: Vec<ImportJob>) {
    let mut groups: std::collections::BTreeMap<(String, String), Vec<i64>> = Default::default();
    for j in jobs {
        groups.entry((j.profile, j.site_id)).or_default().push(j.id);
    }
    for ((profile, site_id), ids) in groups {
        spawn_jobs(state, profile, site_id, ids);
    }
}

/// Runs jobs in the background; failures are recorded on the jobs (a refused key fails them
/// with the diagnosis).
fn spawn_jobs(state: &AppState, profile: String, site_id: String, ids: Vec<i64>) {
    let s = state.session();
    let running = Running::new(ids.len());
    tauri::async_runtime::spawn(async move {
        let _running = running;
        let journal = s.uploads.engine.journal().clone();
        let ctx = match s.vault.key(&profile) {
            Ok(key) => SiteCtx::new(s, key, &site_id),
            Err(e) => return fail_all(&journal, &ids, &e.to_string()),
        };
        if let Err(e) = run_jobs(&journal, &ctx.site(), &ids, &|_| {}).await {
            fail_all(&journal, &ids, &e.to_string());
        }
    });
}

fn fail_all(journal: &Journal, ids: &[i64], why: &str) {
    let store = ImportJournal(journal);
    for id in ids {
        let _ = store.fail(*id, why);
    }
}

/// Import URLs (pasted text: one a line, or a CSV column; or dropped links) into `folder_id`
/// (default: the top level). Returns the new jobs' ids at once; the jobs run in the
/// background. Errors: `Invalid` when the text holds no http(s) URL.
#[tauri::command]
pub async fn library_import(
    state: State<'_, AppState>,
    profile: String,
    site_id: String,
    text: String,
    folder_id: Option<String>,
    private: bool,
) -> Result<ImportStarted, IpcError> {
    let pasted = links_in_text(&text);
    let mut urls = pasted.urls;
    if urls.is_empty() {
        // One bare URL with no line structure, or an error that names it.
        urls.push(check_url(&text)?);
    }
    let journal = journal_of(&state);
    let store = ImportJournal(&journal);
    let mut ids = Vec::new();
    for url in urls {
        ids.push(
            store
                .add(&NewImport {
                    kind: "import",
                    profile: profile.clone(),
                    site_id: site_id.clone(),
                    request: ImportRequest {
                        url,
                        folder_id: folder_id.clone(),
                        private,
                        ..Default::default()
                    },
                    source_site: None,
                    source_file_id: None,
                })
                .map_err(|e| IpcError::new(IpcErrorKind::Io, e.to_string()))?,
        );
    }
    spawn_jobs(&state, profile, site_id, ids.clone());
    Ok(ImportStarted {
        ids,
        left_out: pasted.left_out,
        repeats: pasted.repeats,
    })
}

/// Copy files to another site (same or another profile), into `path` or each file's own
/// folder path. Returns per file the job id or why it could not start.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn library_copy(
    state: State<'_, AppState>,
    lib: State<'_, LibraryState>,
    profile: String,
    site_id: String,
    file_ids: Vec<String>,
    to_profile: String,
    to_site_id: String,
    path: Option<String>,
) -> Result<Vec<CopyStart>, IpcError> {
    let ctx = lib.site(&state, &profile, &site_id)?;
    let journal = journal_of(&state);
    let target = CopyTarget {
        profile: &to_profile,
        site_id: &to_site_id,
        path: path.as_deref(),
    };
    let prepared = enqueue_copies(&journal, &ctx.site(), &file_ids, &target).await?;
    let ids: Vec<i64> = prepared
        .iter()
        .filter_map(|r| r.as_ref().ok().copied())
        .collect();
    spawn_jobs(&state, to_profile, to_site_id, ids);
    Ok(file_ids
        .into_iter()
        .zip(prepared)
        .map(|(file_id, r)| match r {
            Ok(job) => CopyStart {
                file_id,
                job: Some(job),
                error: None,
            },
            Err(e) => CopyStart {
                file_id,
                job: None,
                error: Some(e.to_string()),
            },
        })
        .collect())
}

/// How a copy started.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CopyStart {
    pub file_id: String,
    #[ts(type = "number | null")]
    pub job: Option<i64>,
    pub error: Option<String>,
}

/// The most recent import and copy jobs, newest first, with their stages. The first call of a
/// session resumes the jobs an earlier run left unfinished (each looks for its file first).
#[tauri::command]
pub fn library_jobs(
    state: State<'_, AppState>,
    lib: State<'_, LibraryState>,
) -> Result<Vec<ImportJob>, IpcError> {
    let journal = journal_of(&state);
    let store = ImportJournal(&journal);
    let dir = state.session().paths.data_dir.clone();
    let first = {
        let mut r = lib.resumed.lock().unwrap_or_else(|p| p.into_inner());
        let first = r.as_ref() != Some(&dir);
        *r = Some(dir);
        first
    };
    if first {
        let open = store
            .unfinished()
            .map_err(|e| IpcError::new(IpcErrorKind::Io, e.to_string()))?;
        spawn_by_site(&state, open);
    }
    store
        .recent(200)
        .map_err(|e| IpcError::new(IpcErrorKind::Io, e.to_string()))
}

/// Runs failed import and copy jobs again (others are left alone); how many were started.
/// A copy goes through the link made when it was first asked for (a private file's is valid
/// for [`wixdrop_core::library::copy::LINK_MINUTES`] after that). Errors: `Io` when the journal cannot be written.
#[tauri::command]
pub fn library_jobs_retry(state: State<'_, AppState>, ids: Vec<i64>) -> Result<u32, IpcError> {
    let journal = journal_of(&state);
    let queued = ImportJournal(&journal)
        .retry(&ids)
        .map_err(|e| IpcError::new(IpcErrorKind::Io, e.to_string()))?;
    let n = queued.len() as u32;
    spawn_by_site(&state, queued);
    Ok(n)
}

/// Forgets the finished import and copy jobs (done ones stay in History); how many.
#[tauri::command]
pub fn library_jobs_clear(state: State<'_, AppState>) -> Result<u32, IpcError> {
    let journal = journal_of(&state);
    ImportJournal(&journal)
        .clear_finished()
        .map(|n| n as u32)
        .map_err(|e| IpcError::new(IpcErrorKind::Io, e.to_string()))
}

/// The `wixthumb:` protocol: `<scheme>://localhost/<key>` → the cached or fetched thumbnail;
/// 404 for a key no listing registered or a thumbnail that cannot be had.
pub fn thumb_protocol(
    ctx: UriSchemeContext<'_, tauri::Wry>,
    request: tauri::http::Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app: AppHandle = ctx.app_handle().clone();
    let key = request.uri().path().trim_start_matches('/').to_owned();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let lib = app.state::<LibraryState>();
        let cache = lib.cache(&state);
        let resp = match cache.get(&key).await {
            Ok((bytes, kind)) => Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, kind)
                .header(header::CACHE_CONTROL, "max-age=3600")
                .body(bytes),
            Err(_) => Response::builder()
                .status(StatusCode::NOT_FOUND)
                .body(Vec::new()),
        };
        responder.respond(resp.unwrap_or_else(|_| Response::new(Vec::new())));
    });
}

//! Uploads: thin adapters over `wixdrop_core::upload::Engine`, plus the one piece of glue the
//! engine cannot own — forwarding what the window shows through a `tauri::ipc::Channel` and
//! saying "done" with an OS notification when the window is in the background.
//!
//! The window never gets one message per job: it gets the engine's coalesced
//! [`QueueOverview`] (at most one per ~100 ms, sized by the number of drops) and notices, and
//! asks for the rows it is displaying with `upload_rows`. A drop returns at once; the folder
//! walk and the journal writes run in the engine, off the UI thread.
//!
//! Keys go from the vault straight into the engine; no command takes or returns one.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use serde::Deserialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use ts_rs::TS;
use wixdrop_core::config::Paths;
use wixdrop_core::settings::Settings;
use wixdrop_core::upload::watch::WatchHandle;
use wixdrop_core::upload::{
    requests_for, Destination, Engine, EngineConfig, JobId, Journal, KeyResolver, Opened,
    QueueEvent, QueueOverview, RowPage, RowQuery, UploadEvent, WatchDef,
};
use wixdrop_core::vault::Vault;
use wixdrop_core::wix::media::{self, Folder, MEDIA_ROOT};
use wixdrop_core::wix::WixClient;

use crate::error::IpcErrorKind;
use crate::{AppState, IpcError};

/// Where the engine's events go: the window's latest subscription (a reload subscribes again
/// and replaces the old one), and — once per finished batch — a notification.
pub struct Sink {
    channel: Mutex<Option<Channel<QueueEvent>>>,
    /// Notices said before the window subscribed (jobs resumed at start-up…), kept for it.
    early: Mutex<Vec<QueueEvent>>,
    busy: Mutex<bool>,
    app: OnceLock<AppHandle>,
    /// The session's settings (shared with it): whether to notify.
    settings: Arc<Mutex<Settings>>,
}

impl Sink {
    /// The engine's own events: the window takes only notices from them (the jobs and totals
    /// reach it as overviews).
    fn send(&self, ev: UploadEvent) {
        if let UploadEvent::Notice { message } = ev {
            self.forward(QueueEvent::Notice { message });
        }
    }

    /// A coalesced overview; the end of a batch is when it stops being busy.
    fn send_overview(&self, overview: QueueOverview) {
        let was = std::mem::replace(
            &mut *self.busy.lock().unwrap_or_else(|p| p.into_inner()),
            overview.busy,
        );
        if was && !overview.busy {
            self.batch_finished(overview.counts.jobs(), overview.counts.failed);
        }
        if let Some(app) = self.app.get() {
            crate::desktop::tray::overview_changed(app, &overview);
        }
        self.forward(QueueEvent::Overview {
            overview: Box::new(overview),
        });
    }

    fn forward(&self, ev: QueueEvent) {
        let ch = self.channel.lock().unwrap_or_else(|p| p.into_inner());
        match &*ch {
            Some(c) => {
                let _ = c.send(ev);
            }
            None if matches!(ev, QueueEvent::Notice { .. }) => self
                .early
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(ev),
            None => {}
        }
    }

    /// Off the caller's thread: asking the window whether it has focus goes through the UI
    /// thread (which may be the one emitting), and showing a notification may wait on D-Bus.
    fn batch_finished(&self, jobs: u32, failed: u32) {
        log::info!("Uploads finished: {jobs} file(s), {failed} failed");
        let Some(app) = self.app.get().cloned() else {
            return;
        };
        let settings = self.settings.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let notify = settings
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .notify_when_done;
            if !notify {
                return;
            }
            let focused = app
                .get_webview_window("main")
                .and_then(|w| w.is_focused().ok())
                .unwrap_or(false);
            if focused {
                return;
            }
            use tauri_plugin_notification::NotificationExt;
            let ok = jobs - failed;
            let body = match failed {
                0 => format!("{ok} file{} uploaded.", plural(ok)),
                _ => format!("{ok} uploaded, {failed} failed — open Wixdrop to see why."),
            };
            let _ = app
                .notification()
                .builder()
                .title("Wixdrop: uploads finished")
                .body(body)
                .show();
        });
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The engine, its event sink and the running folder watches.
pub struct Uploads {
    pub engine: Engine,
    sink: Arc<Sink>,
    watches: Mutex<HashMap<i64, WatchHandle>>,
}

impl Uploads {
    /// Opened at start-up; a damaged journal is moved aside and its warning returned.
    /// If it cannot be opened at all, this session runs on a journal in memory and says so.
    pub fn start(
        paths: &Paths,
        client: WixClient,
        settings: Arc<Mutex<Settings>>,
        service: &str,
    ) -> (Uploads, Option<String>) {
        let opened = Journal::open(&paths.database_file()).unwrap_or_else(|e| Opened {
            journal: Journal::in_memory().expect("an in-memory SQLite database"),
            warning: Some(format!(
                "{e} Uploads still work, but this session's history will not be kept."
            )),
        });
        let vault = Vault::with_service(paths, service.to_string());
        let keys: KeyResolver =
            Arc::new(move |profile: &str| vault.key(profile).map_err(|e| e.to_string()));
        let sink = Arc::new(Sink {
            channel: Mutex::default(),
            early: Mutex::default(),
            busy: Mutex::default(),
            app: OnceLock::new(),
            settings: settings.clone(),
        });
        let s = sink.clone();
        let settings = settings.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let config = EngineConfig {
            runtime: Some(tauri::async_runtime::handle().inner().clone()),
            ..EngineConfig::default()
        };
        let engine = Engine::with_config(
            client,
            opened.journal,
            settings,
            keys,
            move |ev| s.send(ev),
            config,
        );
        let s = sink.clone();
        engine.watch_overview(move |o| s.send_overview(o));
        (
            Uploads {
                engine,
                sink,
                watches: Mutex::default(),
            },
            opened.warning,
        )
    }

    /// Called from `setup`: notifications need the app handle, watches a running runtime.
    pub fn attach(&self, app: &AppHandle) {
        let _ = self.sink.app.set(app.clone());
        for def in self.engine.journal().watches().unwrap_or_default() {
            if let Err(e) = self.start_watch(&def) {
                self.sink.forward(QueueEvent::Notice {
                    message: format!("The watched folder {} is not being watched: {e}", def.path),
                });
            }
        }
    }

    /// The window no longer listens to this session (it switched to another one).
    pub fn detach_window(&self) {
        *self.sink.channel.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// For a session being closed: cancel every job, stop the watches, stop telling the window.
    pub fn stop(&self) {
        self.detach_window();
        self.engine.cancel_all();
        self.watches
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    fn start_watch(&self, def: &WatchDef) -> Result<(), String> {
        let id = def.id.unwrap_or_default();
        let handle = watch_in_runtime(&self.engine, def).map_err(|e| e.to_string())?;
        self.watches
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, handle);
        Ok(())
    }

    fn watching(&self, id: i64) -> bool {
        self.watches
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(&id)
    }
}

/// `Engine::watch` spawns its task on the current tokio runtime; commands may run outside one.
fn watch_in_runtime(
    engine: &Engine,
    def: &WatchDef,
) -> Result<WatchHandle, wixdrop_core::upload::watch::WatchError> {
    let rt = tauri::async_runtime::handle();
    let _inside = rt.inner().enter();
    engine.watch(def)
}

fn journal_err(e: impl std::fmt::Display) -> IpcError {
    IpcError::new(IpcErrorKind::Io, e.to_string())
}

/// Upload `paths` (files or folders) for `profile` to `site_id`; `folder` = null is the top
/// level of Site Files; `folder_path` = the chosen folder's names below Site Files
/// (`Summer 2026/day1`), kept so rows and History show names instead of its ID. Returns at once with the new groups' ids (one per dropped folder, one
/// for the loose files); the walk and the journal writes follow in the engine, the groups
/// showing "preparing" meanwhile.
#[tauri::command(async)]
pub fn enqueue_uploads(
    state: State<'_, AppState>,
    paths: Vec<PathBuf>,
    profile: String,
    site_id: String,
    folder: Option<Destination>,
    folder_path: Option<String>,
    upload_anyway: bool,
    private: Option<bool>,
) -> Result<QueueOverview, IpcError> {
    let s = state.session();
    let key = s.vault.key(&profile)?;
    // The names the rows and History show instead of IDs (see journal/names.rs).
    if let Ok(p) = s.vault.get(&profile) {
        remember_sites(&s, std::slice::from_ref(&p));
    }
    if let (Some(Destination::FolderId(id)), Some(names)) = (&folder, &folder_path) {
        let _ = s
            .uploads
            .engine
            .journal()
            .remember_folder(&site_id, id, names);
    }
    let requests = requests_for(
        paths,
        &profile,
        &key,
        &site_id,
        folder.unwrap_or_default(),
        upload_anyway,
    )
    .into_iter()
    // Private files: `private: true` at upload time (Wix cannot change it later).
    .map(|r| wixdrop_core::upload::UploadRequest {
        private: private.unwrap_or(false),
        ..r
    })
    .collect::<Vec<_>>();
    log::info!("{} item(s) queued for site {site_id}", requests.len());
    s.uploads.engine.enqueue_background(requests);
    // The new groups ("Preparing…") go back with the answer, so the window paints them now
    // rather than at the next coalesced overview.
    Ok(s.uploads.engine.overview())
}

/// Subscribe the window: the current overview first, then coalesced overviews and notices.
#[tauri::command]
pub fn watch_uploads(state: State<'_, AppState>, on_event: Channel<QueueEvent>) {
    let s = state.session();
    let up = &s.uploads;
    let mut ch = up.sink.channel.lock().unwrap_or_else(|p| p.into_inner());
    let _ = on_event.send(QueueEvent::Overview {
        overview: Box::new(up.engine.overview()),
    });
    for ev in std::mem::take(&mut *up.sink.early.lock().unwrap_or_else(|p| p.into_inner())) {
        let _ = on_event.send(ev);
    }
    *ch = Some(on_event);
}

#[tauri::command]
pub fn cancel_upload(state: State<'_, AppState>, id: JobId) {
    let s = state.session();
    s.uploads.engine.cancel(id);
}

/// The rows the window is displaying: a window of one group (or all), filtered.
#[tauri::command]
pub fn upload_rows(state: State<'_, AppState>, query: RowQuery) -> RowPage {
    let s = state.session();
    let mut page = s.uploads.engine.rows(&query);
    s.uploads.engine.journal().name_folders(&mut page.rows);
    page
}

/// Tell the journal the sites' names of these profiles (History shows them, also for entries
/// made before a rename or by the CLI). Best effort: a journal that cannot be written keeps IDs.
pub fn remember_sites(s: &crate::Session, profiles: &[wixdrop_core::vault::Profile]) {
    let sites = profiles.iter().flat_map(|p| {
        p.sites
            .iter()
            .map(|x| (x.id.as_str(), x.display_name.as_str()))
    });
    let _ = s.uploads.engine.journal().remember_sites(sites);
}

/// Cancel one drop: its folder walk stops and its unfinished jobs end cancelled.
#[tauri::command]
pub fn cancel_upload_batch(state: State<'_, AppState>, batch: u32) {
    let s = state.session();
    s.uploads.engine.cancel_batch(batch);
}

#[tauri::command]
pub fn cancel_all_uploads(state: State<'_, AppState>) {
    let s = state.session();
    s.uploads.engine.cancel_all();
}

/// `paused = true` holds every transfer at its next piece of data; `false` goes on.
#[tauri::command]
pub fn pause_uploads(state: State<'_, AppState>, paused: bool) {
    let s = state.session();
    if paused {
        s.uploads.engine.pause()
    } else {
        s.uploads.engine.resume()
    }
}

#[tauri::command]
pub fn retry_upload(state: State<'_, AppState>, id: JobId) -> Result<(), IpcError> {
    let s = state.session();
    s.uploads
        .engine
        .retry(id)
        .map_err(|e| IpcError::new(IpcErrorKind::Invalid, e.to_string()))
}

/// Upload a file that was skipped as a duplicate after all.
#[tauri::command]
pub fn upload_anyway(state: State<'_, AppState>, id: JobId) -> Result<(), IpcError> {
    let s = state.session();
    s.uploads
        .engine
        .upload_anyway(id)
        .map_err(|e| IpcError::new(IpcErrorKind::Invalid, e.to_string()))
}

/// Forget finished jobs in the queue view (History keeps them); a fresh overview follows.
#[tauri::command]
pub fn clear_finished_uploads(state: State<'_, AppState>) {
    let s = state.session();
    s.uploads.engine.clear_finished();
}

/// Folders directly inside `parent` (null = the top level), for the destination picker.
/// `op`: an id the window can pass to `cancel_wait` to stop the listing (kind `cancelled`).
#[tauri::command]
pub async fn list_folders(
    state: State<'_, AppState>,
    profile: String,
    site_id: String,
    parent: Option<String>,
    op: Option<u64>,
) -> Result<Vec<Folder>, IpcError> {
    let s = state.session();
    let key = s.vault.key(&profile)?;
    let listing = media::list_folders(
        &s.client,
        &key,
        &site_id,
        parent.as_deref().unwrap_or(MEDIA_ROOT),
    );
    Ok(state.waits.run(op, listing).await??)
}

#[tauri::command]
pub async fn create_folder(
    state: State<'_, AppState>,
    profile: String,
    site_id: String,
    parent: Option<String>,
    name: String,
) -> Result<Folder, IpcError> {
    let s = state.session();
    let name = name.trim();
    if name.is_empty() || name.contains('/') {
        return Err(IpcError::new(
            IpcErrorKind::Invalid,
            "A folder name cannot be empty or contain “/”.",
        ));
    }
    let key = s.vault.key(&profile)?;
    Ok(media::create_folder(
        &s.client,
        &key,
        &site_id,
        parent.as_deref().unwrap_or(MEDIA_ROOT),
        name,
    )
    .await?)
}

/// A watched folder as the UI lists it.
#[derive(Debug, Clone, serde::Serialize, TS)]
#[ts(export)]
pub struct WatchedFolder {
    #[serde(flatten)]
    pub def: WatchDef,
    /// False when the folder could not be watched this session (it is gone, unreadable…).
    pub active: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct NewWatch {
    pub path: String,
    pub profile: String,
    pub site_id: String,
    pub folder: Option<Destination>,
}

#[tauri::command]
pub fn list_watches(state: State<'_, AppState>) -> Result<Vec<WatchedFolder>, IpcError> {
    let s = state.session();
    let up = &s.uploads;
    let defs = up.engine.journal().watches().map_err(journal_err)?;
    Ok(defs
        .into_iter()
        .map(|def| WatchedFolder {
            active: up.watching(def.id.unwrap_or_default()),
            def,
        })
        .collect())
}

/// Start watching now and on every later start; only a folder that can be watched is saved.
#[tauri::command(async)]
pub fn add_watch(state: State<'_, AppState>, watch: NewWatch) -> Result<WatchedFolder, IpcError> {
    let s = state.session();
    let up = &s.uploads;
    s.vault.get(&watch.profile)?;
    let draft = WatchDef {
        id: None,
        path: watch.path,
        profile: watch.profile,
        site_id: watch.site_id,
        folder: watch.folder.unwrap_or_default(),
        settle_ms: 2000,
    };
    let probe = watch_in_runtime(&up.engine, &draft)
        .map_err(|e| IpcError::new(IpcErrorKind::Invalid, e.to_string()))?;
    let def = up.engine.journal().add_watch(&draft).map_err(journal_err)?;
    up.watches
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(def.id.unwrap_or_default(), probe);
    Ok(WatchedFolder { def, active: true })
}

#[tauri::command]
pub fn remove_watch(state: State<'_, AppState>, id: i64) -> Result<(), IpcError> {
    let s = state.session();
    let up = &s.uploads;
    drop(
        up.watches
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id),
    );
    up.engine.journal().remove_watch(id).map_err(journal_err)?;
    Ok(())
}

/// Test-only (cargo feature `e2e`, never in release builds): what the OS does on a drop —
/// `tauri://drag-drop` with real paths to the main webview — so WebDriver can drive the same
/// handler a user's drop reaches.
#[cfg(feature = "e2e")]
#[tauri::command]
pub fn e2e_drop(app: AppHandle, paths: Vec<PathBuf>) -> Result<(), IpcError> {
    use tauri::{Emitter, EventTarget};
    let payload = serde_json::json!({ "paths": paths, "position": { "x": 400, "y": 300 } });
    app.emit_to(EventTarget::labeled("main"), "tauri://drag-drop", payload)
        .map_err(|e| IpcError::new(IpcErrorKind::Internal, e.to_string()))
}

//! wix-emulator: a local Wix REST server, faithful to `shared/wix-api.md`, for Wixdrop's tests,
//! benchmarks and demo mode. Nobody here reaches the real Wix, so this server is what decides
//! whether a green test means anything: it is strict where Wix is documented, and it says so in
//! its README wherever it had to guess.
//!
//! Start one in-process with [`Emulator::start`], or run the `wix-emulator` binary.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, patch, post, put};
use axum::Router;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

mod auth;
mod body;
mod control;
mod error;
mod faults;
mod folder_ops;
mod folders;
mod import;
pub mod keys;
mod library;
mod media;
mod mime;
mod reqlog;
mod server;
mod sites;
mod state;
mod store;
mod throttle;
mod tus;
mod upload;
mod wire;

pub use faults::{Action as FaultAction, ErrorBody as FaultErrorBody, FaultSpec};

use state::{AppState, Shared};
use store::{Permissions, StaticHost, Store};

/// How to start an emulator.
#[derive(Debug, Clone)]
pub struct Options {
    /// 0 picks a free port.
    pub port: u16,
    /// Where uploaded bytes go; `None` = a temp dir removed when the emulator is dropped.
    pub storage_dir: Option<PathBuf>,
    /// How long video and audio stay `PENDING`.
    pub processing_delay: Duration,
    /// Same seed → same account, site and key IDs and the same key string.
    pub seed: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            port: 0,
            storage_dir: None,
            processing_delay: Duration::from_secs(2),
            seed: None,
        }
    }
}

/// What a client needs to talk to the seeded demo account.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SeedInfo {
    pub base_url: String,
    pub account_id: String,
    pub api_key: String,
    pub sites: Vec<SiteInfo>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SiteInfo {
    pub id: String,
    #[serde(rename = "displayName")]
    pub display_name: String,
}

/// A running emulator. Dropping it stops the server too; [`Emulator::shutdown`] also waits.
pub struct Emulator {
    state: AppState,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    _temp: Option<tempfile::TempDir>,
}

/// The demo sites' names; more than these are numbered.
const DEMO_SITES: &[&str] = &["Demo Portfolio", "Demo Store", "Demo Blog"];

impl Emulator {
    /// Binds 127.0.0.1:`port`, seeds a demo account with 3 sites and an all-permission key,
    /// and serves on a tokio task.
    pub async fn start(opts: Options) -> std::io::Result<Emulator> {
        Self::start_with_sites(opts, DEMO_SITES.len()).await
    }

    /// [`Emulator::start`] with `sites` demo sites (at least 1).
    pub async fn start_with_sites(opts: Options, sites: usize) -> std::io::Result<Emulator> {
        let (temp, storage) = match &opts.storage_dir {
            Some(dir) => (None, dir.clone()),
            None => {
                let t = tempfile::Builder::new().prefix("wix-emulator-").tempdir()?;
                let path = t.path().to_path_buf();
                (Some(t), path)
            }
        };
        std::fs::create_dir_all(storage.join(".partial"))?;
        let listener = TcpListener::bind(("127.0.0.1", opts.port)).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let seed = opts.seed.unwrap_or_else(|| rand::rng().random());
        let mut rng = StdRng::seed_from_u64(seed);
        let fault_rng = StdRng::seed_from_u64(rng.random());
        let state: AppState = Arc::new(Shared {
            store: Mutex::new(Store::new(rng, opts.processing_delay)),
            storage,
            base_url: base_url.clone(),
            faults: Mutex::new(faults::Faults::new(fault_rng)),
            log: Default::default(),
            tus: Default::default(),
            fixed_iat: opts.seed.map(|_| 1_735_689_600),
            seed: OnceLock::new(),
        });
        let info = seed_demo(&state, sites.max(1));
        let _ = state.seed.set(info);
        let (tx, rx) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, router(state.clone()), rx));
        Ok(Emulator {
            state,
            shutdown: tx,
            task: Some(task),
            _temp: temp,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.state.base_url
    }

    pub fn seed(&self) -> &SeedInfo {
        self.state.seed.get().expect("seeded at start")
    }

    /// Makes descriptors' `url`/`thumbnailUrl` point at this emulator's own static host
    /// (`<base>/_static/…`), which serves the bytes (403 for private files): for demo mode and
    /// tests that fetch thumbnails or copy files between sites. Same as `PUT
    /// /__emulator/config {"serve_static": true}`.
    pub fn serve_static(&self) {
        self.state.store().static_base = Some(StaticHost {
            base: format!("{}/_static/", self.state.base_url),
            thumbnails_only: false,
        });
    }

    /// Like [`Emulator::serve_static`] for `thumbnailUrl` only: `url` stays the live
    /// `https://static.wixstatic.com/…` one. For demo mode: real thumbnails in the Library,
    /// the URLs a real upload would have, and nothing fetched from Wix's CDN.
    pub fn serve_static_thumbnails(&self) {
        self.state.store().static_base = Some(StaticHost {
            base: format!("{}/_static/", self.state.base_url),
            thumbnails_only: true,
        });
    }

    pub fn storage_dir(&self) -> &Path {
        &self.state.storage
    }

    /// Stops accepting, drops open connections, and waits for the server task.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

fn seed_demo(state: &Shared, sites: usize) -> SeedInfo {
    let account_id = state.store().add_account(None).id;
    let sites = (0..sites)
        .map(|i| {
            let name = DEMO_SITES
                .get(i)
                .map(|s| s.to_string())
                .unwrap_or(format!("Demo Site {}", i + 1));
            let site = state.store().add_site(&account_id, &name);
            SiteInfo {
                id: site.id,
                display_name: site.display_name,
            }
        })
        .collect();
    let (_, api_key) = state.mint_key(&account_id, Permissions::ALL, None, false);
    SeedInfo {
        base_url: state.base_url.clone(),
        account_id,
        api_key,
        sites,
    }
}

fn router(state: AppState) -> Router {
    let wix = Router::new()
        .route("/site-list/v2/sites/query", post(sites::query_sites))
        .route("/site-media/v1/files", get(media::list_files))
        .route(
            "/site-media/v1/files/get-file-by-id",
            get(media::get_file_by_id),
        )
        .route(
            "/site-media/v1/files/generate-upload-url",
            post(media::generate_upload_url),
        )
        .route(
            "/site-media/v1/files/generate-resumable-upload-url",
            post(media::generate_resumable_upload_url),
        )
        .route(
            "/site-media/v1/folders",
            get(folders::list_folders).post(folders::create_folder),
        )
        .route(
            "/site-media/v1/folders/{folder_id}",
            get(folders::get_folder).patch(folder_ops::update_folder),
        )
        .route("/site-media/v1/files/search", post(library::search_files))
        .route(
            "/site-media/v1/files/update-file-descriptor",
            patch(library::update_file_descriptor),
        )
        .route(
            "/site-media/v1/files/generate-file-download-url",
            post(library::generate_file_download_url),
        )
        .route(
            "/site-media/v1/bulk/files/delete",
            post(library::bulk_delete_files),
        )
        .route(
            "/site-media/v1/bulk/trash-bin/files/restore",
            post(library::bulk_restore_files),
        )
        .route(
            "/site-media/v1/trash-bin/files",
            get(library::list_deleted_files),
        )
        .route("/site-media/v1/files/import", post(import::import_file))
        .route(
            "/site-media/v1/bulk/files/import-v2",
            post(import::bulk_import),
        )
        .route(
            "/site-media/v1/folders/search",
            post(folder_ops::search_folders),
        )
        .route(
            "/site-media/v1/bulk/folders/delete",
            post(folder_ops::bulk_delete_folders),
        )
        .route(
            "/site-media/v1/bulk/trash-bin/folders/restore",
            post(folder_ops::bulk_restore_folders),
        )
        .route(
            "/site-media/v1/trash-bin/folders",
            get(folder_ops::list_deleted_folders),
        )
        // The hosts Wix serves bytes from (see library.rs).
        .route("/_static/{*path}", get(library::serve_static))
        .route("/_download/{token}", get(library::serve_download));
    let uploads = Router::new()
        .route("/upload/{token}", put(upload::put_upload))
        .route("/tus/v1/files", post(tus::create).options(tus::options))
        .route(
            "/tus/v1/files/{id}",
            put(tus::finalize)
                .head(tus::head)
                .patch(tus::patch)
                .delete(tus::terminate)
                .options(tus::options),
        )
        .layer(DefaultBodyLimit::disable());
    Router::new()
        .merge(wix)
        .merge(uploads)
        .merge(control::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            faults::middleware,
        ))
        .with_state(state)
}

async fn not_found() -> error::WixError {
    error::WixError::app(
        axum::http::StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "No such route",
    )
}

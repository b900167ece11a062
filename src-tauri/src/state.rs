//! What the app keeps between commands, with typed accessors.
//!
//! Everything that belongs to one environment — where files go, which Wix, which keychain
//! service, the upload engine — is a [`Session`]. The app has its real session for its whole
//! life and, while the demo runs, a demo session in front of it; commands take the current one
//! with [`AppState::session`] (an `Arc` clone, no lock held afterwards, so nothing is held across
//! an await). The real session is parked, not stopped, during the demo: its uploads and watched
//! folders go on, and leaving the demo finds it as it was.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use tauri::AppHandle;
use wixdrop_core::config::{api_base_from_env, parse_api_base, ConfigError, Paths};
use wixdrop_core::settings::{Settings, SettingsError};
use wixdrop_core::vault::Vault;
use wixdrop_core::wix::WixClient;

use crate::commands::uploads::Uploads;
use crate::demo::{self, Demo};
use crate::error::{IpcError, IpcErrorKind};

/// One environment: real Wix with the user's files, or the demo.
pub struct Session {
    pub paths: Paths,
    /// One HTTP client (one connection pool) per session.
    pub client: WixClient,
    /// Profiles (file) + keys (OS keychain).
    pub vault: Vault,
    /// The upload engine (journal at `database_file`), its event sink and folder watches.
    pub uploads: Uploads,
    settings: Arc<Mutex<Settings>>,
    /// Set for the demo session: its emulator, directory and keychain service.
    pub demo: Option<Demo>,
}

impl Session {
    /// Load settings, open the journal and start the engine. Returns problems to tell the user.
    fn open(
        paths: Paths,
        client: WixClient,
        vault: Vault,
        demo: Option<Demo>,
    ) -> (Session, Vec<String>) {
        let loaded = Settings::load(&paths.settings_file());
        let settings = Arc::new(Mutex::new(loaded.settings));
        let (uploads, journal_warning) =
            Uploads::start(&paths, client.clone(), settings.clone(), vault.service());
        let warnings = loaded
            .warning
            .into_iter()
            .chain(vault.take_warning())
            .chain(journal_warning)
            .collect();
        let session = Session {
            paths,
            client,
            vault,
            uploads,
            settings,
            demo,
        };
        (session, warnings)
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().expect("settings lock").clone()
    }

    /// Save to disk first; only a saved value becomes the current one.
    pub fn replace_settings(&self, new: Settings) -> Result<(), SettingsError> {
        new.save(&self.paths.settings_file())?;
        *self.settings.lock().expect("settings lock") = new;
        Ok(())
    }
}

pub struct AppState {
    real: Arc<Session>,
    current: RwLock<Arc<Session>>,
    /// Held (across awaits) while entering or leaving the demo, so two switches never interleave.
    switching: tauri::async_runtime::Mutex<()>,
    app: OnceLock<AppHandle>,
    /// Where demo directories are made (the OS temp dir).
    temp_root: PathBuf,
    /// Said once, on the next `app_info`, then forgotten.
    startup_warnings: Mutex<Vec<String>>,
    /// Network waits the window can cancel (verify, folder listing), by its ids.
    pub waits: wixdrop_core::waits::Waits,
}

impl AppState {
    pub fn from_env() -> Result<AppState, ConfigError> {
        let paths = Paths::from_env()?;
        let client = WixClient::new(api_base_from_env()?);
        let vault = Vault::open(&paths);
        Ok(AppState::new(paths, client, vault, std::env::temp_dir()))
    }

    /// The app on the real session. First removes whatever a demo of an earlier run left.
    pub fn new(paths: Paths, client: WixClient, vault: Vault, temp_root: PathBuf) -> AppState {
        let leftover = demo::clean_leftovers(&paths);
        let (real, warnings) = Session::open(paths, client, vault, None);
        crate::commands::uploads::remember_sites(&real, &real.vault.list());
        let real = Arc::new(real);
        AppState {
            current: RwLock::new(real.clone()),
            real,
            switching: Default::default(),
            app: OnceLock::new(),
            temp_root,
            startup_warnings: Mutex::new(leftover.into_iter().chain(warnings).collect()),
            waits: Default::default(),
        }
    }

    /// The session commands act on now.
    pub fn session(&self) -> Arc<Session> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Called from `setup`: notifications need the app handle, watches a running runtime.
    pub fn attach(&self, app: &AppHandle) {
        let _ = self.app.set(app.clone());
        self.real.uploads.attach(app);
    }

    /// The keychain service that demo keys go to.
    pub fn demo_service(&self) -> String {
        demo::service_for(self.real.vault.service())
    }

    pub fn take_startup_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *self.startup_warnings.lock().expect("warnings lock"))
    }

    fn warn(&self, message: String) {
        self.startup_warnings
            .lock()
            .expect("warnings lock")
            .push(message);
    }

    /// Start the emulator and switch to a fresh demo session. Does nothing if one runs already.
    pub async fn start_demo(&self) -> Result<(), IpcError> {
        let _switching = self.switching.lock().await;
        if self.session().demo.is_some() {
            return Ok(());
        }
        let demo = Demo::start(&self.real.paths, &self.temp_root, self.demo_service())
            .await
            .map_err(|e| {
                IpcError::new(IpcErrorKind::Io, format!("The demo could not start: {e}."))
            })?;
        let paths = demo.paths();
        let prepared = parse_api_base(&demo.seed.base_url)
            .map_err(|e| e.to_string())
            .and_then(|base| {
                // The demo is one session long: no welcome, defaults for the rest.
                let settings = Settings {
                    welcome_seen: true,
                    ..Settings::default()
                };
                settings
                    .save(&paths.settings_file())
                    .map_err(|e| e.to_string())?;
                Ok(base)
            });
        let base = match prepared {
            Ok(base) => base,
            Err(e) => {
                demo.stop_emulator().await;
                let _ = demo::clean_up(&self.real.paths, &demo.dir, &demo.service);
                return Err(IpcError::new(
                    IpcErrorKind::Io,
                    format!("The demo could not start: {e}."),
                ));
            }
        };
        let vault = Vault::with_service(&paths, demo.service.clone());
        let (session, _) = Session::open(paths, WixClient::new(base), vault, Some(demo));
        if let Some(app) = self.app.get() {
            session.uploads.attach(app);
        }
        // The window subscribes again to the demo's queue; the real one runs on unwatched.
        self.real.uploads.detach_window();
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(session);
        Ok(())
    }

    /// Back to the real session, then remove every trace of the demo: its transfers, the
    /// emulator, its keychain entries and its directory. Problems become a message for the user
    /// (the next start tries again); the switch itself always happens.
    pub async fn leave_demo(&self) {
        let _switching = self.switching.lock().await;
        let old = {
            let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
            if current.demo.is_none() {
                return;
            }
            std::mem::replace(&mut *current, self.real.clone())
        };
        old.uploads.stop();
        // Commands that took the demo session just before the switch finish first (they talk to
        // the emulator, which is still up), so nothing writes into the directory once it is gone.
        let deadline = Instant::now() + Duration::from_secs(10);
        while Arc::strong_count(&old) > 1 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let Some(demo) = old.demo.as_ref() else {
            return;
        };
        let (dir, service) = (demo.dir.clone(), demo.service.clone());
        demo.stop_emulator().await;
        // The engine stops and the journal closes with the session.
        drop(old);
        let real = self.real.paths.clone();
        let cleaned =
            tauri::async_runtime::spawn_blocking(move || demo::clean_up(&real, &dir, &service))
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
        if let Err(e) = cleaned {
            self.warn(format!(
                "You left the demo, but part of it could not be removed ({e}). Wixdrop tries again at the next start."
            ));
        }
    }
}

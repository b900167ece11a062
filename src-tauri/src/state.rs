//! What the app keeps between commands, with typed accessors.

use std::sync::Mutex;

use wixdrop_core::config::{api_base_from_env, ConfigError, Paths};
use wixdrop_core::settings::Settings;
use wixdrop_core::vault::Vault;
use wixdrop_core::wix::WixClient;

use crate::commands::uploads::Uploads;

pub struct AppState {
    pub paths: Paths,
    /// One HTTP client (one connection pool) for the whole app.
    pub client: WixClient,
    /// Profiles (file) + keys (OS keychain).
    pub vault: Vault,
    /// The upload engine (journal at `database_file`), its event sink and folder watches.
    pub uploads: Uploads,
    settings: Mutex<Settings>,
    /// Said once, on the first `app_info`, then forgotten.
    startup_warnings: Mutex<Vec<String>>,
}

impl AppState {
    pub fn from_env() -> Result<AppState, ConfigError> {
        let paths = Paths::from_env()?;
        let client = WixClient::new(api_base_from_env()?);
        let loaded = Settings::load(&paths.settings_file());
        let vault = Vault::open(&paths);
        let (uploads, journal_warning) = Uploads::start(
            &paths,
            client.clone(),
            loaded.settings.clone(),
            vault.service(),
        );
        let warnings = loaded
            .warning
            .into_iter()
            .chain(vault.take_warning())
            .chain(journal_warning)
            .collect();
        Ok(AppState {
            paths,
            client,
            vault,
            uploads,
            settings: Mutex::new(loaded.settings),
            startup_warnings: Mutex::new(warnings),
        })
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().expect("settings lock").clone()
    }

    /// Save to disk first; only a saved value becomes the current one.
    pub fn replace_settings(
        &self,
        new: Settings,
    ) -> Result<(), wixdrop_core::settings::SettingsError> {
        new.save(&self.paths.settings_file())?;
        *self.settings.lock().expect("settings lock") = new;
        Ok(())
    }

    pub fn take_startup_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *self.startup_warnings.lock().expect("warnings lock"))
    }
}

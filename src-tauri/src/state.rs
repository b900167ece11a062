//! What the app keeps between commands, with typed accessors.

use std::sync::Mutex;

use wixdrop_core::config::{api_base_from_env, ConfigError, Paths};
use wixdrop_core::settings::Settings;
use wixdrop_core::wix::WixClient;

pub struct AppState {
    pub paths: Paths,
    /// One HTTP client (one connection pool) for the whole app.
    pub client: WixClient,
    settings: Mutex<Settings>,
    /// Said once, on the first `app_info`, then forgotten.
    startup_warnings: Mutex<Vec<String>>,
}

impl AppState {
    pub fn from_env() -> Result<AppState, ConfigError> {
        let paths = Paths::from_env()?;
        let client = WixClient::new(api_base_from_env()?);
        let loaded = Settings::load(&paths.settings_file());
        Ok(AppState {
            paths,
            client,
            settings: Mutex::new(loaded.settings),
            startup_warnings: Mutex::new(loaded.warning.into_iter().collect()),
        })
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().expect("settings lock").clone()
    }

    /// Save to disk first; only a saved value becomes the current one.
    pub fn replace_settings(&self, new: Settings) -> Result<(), wixdrop_core::settings::SettingsError> {
        new.save(&self.paths.settings_file())?;
        *self.settings.lock().expect("settings lock") = new;
        Ok(())
    }

    pub fn take_startup_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *self.startup_warnings.lock().expect("warnings lock"))
    }
}

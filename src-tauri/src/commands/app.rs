//! App-wide facts and settings.

use serde::Serialize;
use tauri::State;
use ts_rs::TS;
use wixdrop_core::settings::Settings;

use crate::{AppState, IpcError};

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    /// Where Wix requests go (real Wix unless WIXDROP_API_BASE says otherwise).
    pub api_base: String,
    pub uses_real_wix: bool,
    pub config_dir: String,
    pub data_dir: String,
    pub settings: Settings,
    /// Problems found at start-up (a damaged settings file…), to show once.
    pub warnings: Vec<String>,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    let base = state
        .client
        .base()
        .as_str()
        .trim_end_matches('/')
        .to_string();
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        uses_real_wix: base == wixdrop_core::config::DEFAULT_API_BASE,
        api_base: base,
        config_dir: state.paths.config_dir.display().to_string(),
        data_dir: state.paths.data_dir.display().to_string(),
        settings: state.settings(),
        warnings: state.take_startup_warnings(),
    }
}

#[tauri::command]
pub fn save_settings(state: State<'_, AppState>, settings: Settings) -> Result<Settings, IpcError> {
    state.replace_settings(settings)?;
    state.uploads.engine.set_settings(state.settings());
    Ok(state.settings())
}

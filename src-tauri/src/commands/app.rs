//! App-wide facts and settings, and switching into and out of the demo.

use serde::Serialize;
use tauri::State;
use ts_rs::TS;
use wixdrop_core::settings::Settings;

use crate::{AppState, IpcError};

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    /// Where Wix requests go (real Wix unless WIXDROP_API_BASE says otherwise, or the demo runs).
    pub api_base: String,
    pub uses_real_wix: bool,
    pub config_dir: String,
    pub data_dir: String,
    pub settings: Settings,
    /// Problems found at start-up (a damaged settings file…), to show once.
    pub warnings: Vec<String>,
    /// Set while the demo runs (null otherwise).
    pub demo: Option<DemoInfo>,
}

/// The demo account, for the banner and the Keys screen. The key is the demo emulator's, of
/// the real shape; it opens nothing outside this computer, so it may be shown and copied.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DemoInfo {
    /// `IST.` + a JWT naming the demo account, exactly as Wix shows a key.
    pub api_key: String,
    pub account_id: String,
    /// The demo sites' names ("Demo Portfolio"…).
    pub site_names: Vec<String>,
    /// The separate keychain service that holds keys saved during the demo.
    pub keychain_service: String,
    /// The throwaway folder with the demo's settings, profiles and history.
    pub dir: String,
}

/// `take_warnings`: false for the switch commands, whose answer is followed by a window reload
/// that asks `app_info` again; the warnings wait for that.
fn info(state: &AppState, take_warnings: bool) -> AppInfo {
    let s = state.session();
    let base = s.client.base().as_str().trim_end_matches('/').to_string();
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        uses_real_wix: base == wixdrop_core::config::DEFAULT_API_BASE,
        api_base: base,
        config_dir: s.paths.config_dir.display().to_string(),
        data_dir: s.paths.data_dir.display().to_string(),
        settings: s.settings(),
        warnings: if take_warnings {
            state.take_startup_warnings()
        } else {
            Vec::new()
        },
        demo: s.demo.as_ref().map(|d| DemoInfo {
            api_key: d.seed.api_key.clone(),
            account_id: d.seed.account_id.clone(),
            site_names: d
                .seed
                .sites
                .iter()
                .map(|s| s.display_name.clone())
                .collect(),
            keychain_service: d.service.clone(),
            dir: d.dir.display().to_string(),
        }),
    }
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    info(&state, true)
}

#[tauri::command]
pub fn save_settings(state: State<'_, AppState>, settings: Settings) -> Result<Settings, IpcError> {
    let s = state.session();
    s.replace_settings(settings)?;
    s.uploads.engine.set_settings(s.settings());
    Ok(s.settings())
}

/// Switch to the demo: a local pretend Wix with a demo account, throwaway files, its own
/// keychain service. Returns the app info of the demo session.
#[tauri::command]
pub async fn start_demo(state: State<'_, AppState>) -> Result<AppInfo, IpcError> {
    state.start_demo().await?;
    Ok(info(&state, false))
}

/// Back to the real configuration, with nothing of the demo left. Returns the real app info;
/// if something of the demo could not be removed, the next `app_info` says so.
#[tauri::command]
pub async fn leave_demo(state: State<'_, AppState>) -> Result<AppInfo, IpcError> {
    state.leave_demo().await;
    Ok(info(&state, false))
}

//! The desktop around the window, as commands: files handed over by the OS, the close dialog's
//! answer, paste to upload, start at login, diagnostics and the log folder. Thin adapters over
//! `crate::desktop` and `wixdrop_core::desktop`.

use std::path::PathBuf;

use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use ts_rs::TS;
use wixdrop_core::desktop::diagnostics::{self, Facts, LOG_LINES};
use wixdrop_core::desktop::launch::parse_launch;
use wixdrop_core::desktop::pasted;
use wixdrop_core::settings::CloseAction;

use crate::desktop::{close, opened, Desktop};
use crate::error::IpcErrorKind;
use crate::{AppState, IpcError};

/// Files the OS handed over since the last call (and what was left out), once.
#[tauri::command]
pub fn take_opened_files(app: AppHandle) -> opened::OpenedFiles {
    opened::take(&app)
}

/// The close dialog's answer: `keep_uploading` hides the window, `quit` quits (uploads resume
/// at the next start), `ask` closes the dialog and does nothing. `remember` saves the choice.
#[tauri::command]
pub fn close_window(
    app: AppHandle,
    state: State<'_, AppState>,
    action: CloseAction,
    remember: bool,
) -> Result<(), IpcError> {
    if remember && action != CloseAction::Ask {
        let s = state.session();
        let mut settings = s.settings();
        settings.close_action = action;
        s.replace_settings(settings)?;
    }
    match action {
        CloseAction::KeepUploading => close::hide_to_tray(&app),
        CloseAction::Quit => close::quit(&app),
        CloseAction::Ask => {}
    }
    Ok(())
}

/// What the clipboard held when the user pasted on the Upload screen.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum Pasted {
    /// Files copied in a file manager (`text/uri-list`, or text that is only file paths).
    Files { paths: Vec<String> },
    /// A copied image, saved as a PNG named by date and time.
    Image { path: String },
    /// Only text: handed back for the window to decide (nothing is uploaded from text yet).
    Text { text: String },
    /// Nothing usable.
    Empty,
}

/// Read the clipboard: files first, then an image, then text. Runs off the UI thread (a
/// clipboard owner may take a moment to answer).
#[tauri::command(async)]
pub fn paste_from_clipboard(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Pasted, IpcError> {
    use tauri_plugin_clipboard_manager::ClipboardExt;
    // File lists: the official plugin reads text and images only; arboard (the library it is
    // built on) reads `text/uri-list` / the platform's file list.
    let files = arboard::Clipboard::new().and_then(|mut c| {
        let list = c.get().file_list();
        list
    });
    if let Ok(paths) = files {
        let paths: Vec<PathBuf> = paths.into_iter().filter(|p| p.exists()).collect();
        if !paths.is_empty() {
            log::info!("Pasted {} file(s)", paths.len());
            return Ok(Pasted::Files {
                paths: paths.iter().map(|p| p.display().to_string()).collect(),
            });
        }
    }
    let clipboard = app.clipboard();
    if let Ok(image) = clipboard.read_image() {
        let dir = pasted::pasted_dir(&state.session().paths.data_dir);
        let path = pasted::save_png(
            &dir,
            time::OffsetDateTime::now_local().unwrap_or_else(|_| time::OffsetDateTime::now_utc()),
            image.width(),
            image.height(),
            image.rgba(),
        )
        .map_err(|e| IpcError::new(IpcErrorKind::Io, e.to_string()))?;
        log::info!("Pasted an image ({}×{})", image.width(), image.height());
        return Ok(Pasted::Image {
            path: path.display().to_string(),
        });
    }
    match clipboard.read_text() {
        Ok(text) if !text.trim().is_empty() => {
            // Text that is nothing but paths of existing files (some file managers copy so).
            let lines: Vec<&str> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            let launch = parse_launch(&lines, &std::env::current_dir().unwrap_or_default());
            if launch.ignored.is_empty()
                && launch.paths.len() == lines.len()
                && launch.paths.iter().all(|p| p.is_absolute() && p.exists())
                && lines
                    .iter()
                    .all(|l| l.starts_with('/') || l.starts_with("file:"))
            {
                return Ok(Pasted::Files {
                    paths: launch
                        .paths
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect(),
                });
            }
            Ok(Pasted::Text { text })
        }
        _ => Ok(Pasted::Empty),
    }
}

/// The desktop facts Settings shows.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DesktopInfo {
    /// Whether a tray icon is shown (closing the window can keep uploading either way).
    pub tray_available: bool,
    /// "shown", or why there is none.
    pub tray: String,
    pub log_dir: String,
    /// Whether Wixdrop starts (hidden, in the tray) when the user logs in.
    pub start_at_login: bool,
}

#[tauri::command]
pub fn desktop_info(app: AppHandle) -> DesktopInfo {
    use tauri_plugin_autostart::ManagerExt;
    let d = app.state::<Desktop>();
    DesktopInfo {
        tray_available: d.tray.available(),
        tray: d.tray.description.clone(),
        log_dir: d.log_dir.display().to_string(),
        start_at_login: app.autolaunch().is_enabled().unwrap_or(false),
    }
}

/// Turn start at login on or off; returns the state now in force.
#[tauri::command]
pub fn set_start_at_login(app: AppHandle, enabled: bool) -> Result<bool, IpcError> {
    use tauri_plugin_autostart::ManagerExt;
    let al = app.autolaunch();
    let done = if enabled { al.enable() } else { al.disable() };
    done.map_err(|e| {
        IpcError::new(
            IpcErrorKind::Io,
            format!("Start at login could not be changed ({e}). Nothing else was changed."),
        )
    })?;
    log::info!("Start at login: {enabled}");
    Ok(al.is_enabled().unwrap_or(enabled))
}

/// Build the diagnostics text (no secrets) and put it on the clipboard; returns it.
#[tauri::command(async)]
pub fn copy_diagnostics(app: AppHandle, state: State<'_, AppState>) -> Result<String, IpcError> {
    use tauri_plugin_clipboard_manager::ClipboardExt;
    let s = state.session();
    let d = app.state::<Desktop>();
    let facts = Facts {
        app_version: env!("CARGO_PKG_VERSION").into(),
        os: std::env::consts::OS.into(),
        arch: std::env::consts::ARCH.into(),
        os_release: diagnostics::os_release(),
        webview: tauri::webview_version()
            .ok()
            .map(|v| format!("{} {v}", diagnostics::webview_engine())),
        api_base: s.client.base().as_str().trim_end_matches('/').into(),
        demo: s.demo.is_some(),
        tray: d.tray.description.clone(),
        painting: d.painting.describe(),
        settings: serde_json::to_value(s.settings()).unwrap_or_default(),
        profiles: s.vault.list().len(),
        config_dir: s.paths.config_dir.clone(),
        data_dir: s.paths.data_dir.clone(),
        log_dir: d.log_dir.clone(),
        home: diagnostics::home_dir(),
    };
    let text = diagnostics::diagnostics_text(&facts, &diagnostics::log_tail(&d.log_dir, LOG_LINES));
    app.clipboard().write_text(text.clone()).map_err(|e| {
        IpcError::new(
            IpcErrorKind::Internal,
            format!("The diagnostics could not be put on the clipboard ({e}); they are shown below to copy by hand."),
        )
    })?;
    Ok(text)
}

/// Open the log folder in the file manager.
#[tauri::command]
pub fn open_log_folder(app: AppHandle) -> Result<(), IpcError> {
    use tauri_plugin_opener::OpenerExt;
    let dir = app.state::<Desktop>().log_dir.clone();
    let _ = std::fs::create_dir_all(&dir);
    app.opener()
        .open_path(dir.display().to_string(), None::<&str>)
        .map_err(|e| {
            IpcError::new(
                IpcErrorKind::Io,
                format!(
                    "The log folder {} could not be opened ({e}).",
                    dir.display()
                ),
            )
        })
}

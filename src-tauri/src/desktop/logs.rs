//! Log files for support: the OS log folder (`~/.local/share/com.wixdrop.desktop/logs`,
//! `~/Library/Logs/com.wixdrop.desktop`, `%LOCALAPPDATA%\com.wixdrop.desktop\logs`), or
//! `WIXDROP_HOME/data/logs` when that is set (tests). Through the official log plugin: each file
//! capped at 1 MB, the last 3 kept; every line redacted on its way to the file
//! (`wixdrop_core::desktop::redact`). Our own code logs at info, libraries only warnings.

use std::path::PathBuf;

use tauri::plugin::TauriPlugin;
use tauri::Runtime;
use tauri_plugin_log::{RotationStrategy, Target, TargetKind, TimezoneStrategy};
use wixdrop_core::config::Paths;
use wixdrop_core::desktop::redact::redact_log;

/// The log file's name, without `.log`.
pub const FILE_NAME: &str = "wixdrop";
/// Each file's cap, in bytes.
pub const MAX_FILE_BYTES: u128 = 1_000_000;

/// Where logs go. Without `WIXDROP_HOME` this is the plugin's `LogDir`, resolved the same way
/// by [`resolve`] once the app exists.
pub fn dir(paths: &Paths) -> Option<PathBuf> {
    std::env::var_os("WIXDROP_HOME")
        .filter(|h| !h.is_empty())
        .map(|_| paths.data_dir.join("logs"))
}

/// The folder logs are in, for Settings and diagnostics.
pub fn resolve<R: Runtime>(app: &tauri::AppHandle<R>, paths: &Paths) -> PathBuf {
    use tauri::Manager;
    dir(paths)
        .or_else(|| app.path().app_log_dir().ok())
        .unwrap_or_else(|| paths.data_dir.join("logs"))
}

pub fn plugin<R: Runtime>(dir: Option<PathBuf>) -> TauriPlugin<R> {
    let target = match dir {
        Some(path) => TargetKind::Folder {
            path,
            file_name: Some(FILE_NAME.into()),
        },
        None => TargetKind::LogDir {
            file_name: Some(FILE_NAME.into()),
        },
    };
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .target(Target::new(target))
        .max_file_size(MAX_FILE_BYTES)
        .rotation_strategy(RotationStrategy::KeepSome(3))
        .timezone_strategy(TimezoneStrategy::UseUtc)
        .level(log::LevelFilter::Warn)
        .level_for("wixdrop_desktop_lib", log::LevelFilter::Info)
        .level_for("wixdrop_core", log::LevelFilter::Info)
        .format(move |out, message, record| {
            let now = time::OffsetDateTime::now_utc()
                .replace_millisecond(0)
                .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            out.finish(format_args!(
                "{now} {} {}: {}",
                record.level(),
                record.target(),
                redact_log(&message.to_string())
            ))
        })
        .build()
}

//! Files the OS hands to Wixdrop — on the command line of a cold start ("Open with Wixdrop",
//! `%F`), from a second launch (single-instance), or dropped on the Dock icon (macOS
//! `RunEvent::Opened`) — wait here until the window takes them.
//!
//! The window may not be loaded yet (cold start) or may be busy elsewhere, so nothing is pushed
//! into it: the window is told "there is something" (`wixdrop://opened`) and asks for it with
//! `take_opened_files`, also once when it starts. It then queues them for the destination
//! chosen on the Upload screen, asking for one if there is none.

use std::path::PathBuf;

use serde::Serialize;
use tauri::{AppHandle, Emitter, EventTarget, Manager};
use ts_rs::TS;
use wixdrop_core::desktop::launch::Launch;

use super::Desktop;

/// The event that tells the window files are waiting.
pub const OPENED_EVENT: &str = "wixdrop://opened";

#[derive(Debug, Default)]
pub struct Pending {
    paths: Vec<PathBuf>,
    notices: Vec<String>,
}

/// What the window takes: files to queue and what was left out, in plain words.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct OpenedFiles {
    pub paths: Vec<String>,
    pub notices: Vec<String>,
}

/// Keep what `launch` asked for, tell the window, and bring it forward (`bring_forward`: a
/// second launch, a Dock drop) unless the launch asked to stay hidden.
pub fn hand_over(app: &AppHandle, launch: Launch, bring_forward: bool) {
    let Some(desktop) = app.try_state::<Desktop>() else {
        return;
    };
    let mut found = Vec::new();
    let mut notices: Vec<String> = launch
        .ignored
        .iter()
        .map(|i| format!("Not uploaded — {i}."))
        .collect();
    for p in launch.paths {
        if p.exists() {
            found.push(p);
        } else {
            notices.push(format!(
                "Not uploaded — {} does not exist (moved or renamed?).",
                p.display()
            ));
        }
    }
    let something = !found.is_empty() || !notices.is_empty();
    {
        let mut pending = desktop.opened.lock().unwrap_or_else(|p| p.into_inner());
        for p in found {
            if !pending.paths.contains(&p) {
                pending.paths.push(p);
            }
        }
        pending.notices.extend(notices);
    }
    if bring_forward && !launch.hidden {
        show_main(app);
    }
    if something {
        let _ = app.emit_to(EventTarget::labeled("main"), OPENED_EVENT, ());
    }
}

/// What waits, once: the next call returns nothing until more arrives.
pub fn take(app: &AppHandle) -> OpenedFiles {
    let Some(desktop) = app.try_state::<Desktop>() else {
        return OpenedFiles::default();
    };
    let mut pending = desktop.opened.lock().unwrap_or_else(|p| p.into_inner());
    let taken = std::mem::take(&mut *pending);
    OpenedFiles {
        paths: taken
            .paths
            .into_iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect(),
        notices: taken.notices,
    }
}

/// Show, un-minimize and focus the main window.
pub fn show_main(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

/// macOS `RunEvent::Opened`: `file://` URLs of files dropped on the Dock icon or opened with
/// Wixdrop in the Finder.
#[cfg(target_os = "macos")]
pub fn from_urls(app: &AppHandle, urls: Vec<tauri::Url>) {
    let args: Vec<String> = urls.into_iter().map(String::from).collect();
    let launch = wixdrop_core::desktop::launch::parse_launch(&args, std::path::Path::new("/"));
    hand_over(app, launch, true);
}

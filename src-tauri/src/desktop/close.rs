//! What closing the window does. With nothing uploading it quits, as before. While uploads run
//! it follows the `close_action` setting: ask once (the window shows a dialog and answers with
//! `close_window`), keep uploading with the window hidden (the tray shows progress), or quit —
//! and a quit with uploads running says they resume at the next start (the journal keeps them).
//! Where no tray can be shown, "keep uploading" is never taken silently: closing asks each time,
//! since a hidden window would leave no Quit to reach.

use std::sync::atomic::{AtomicBool, Ordering};

use tauri::{AppHandle, Emitter, EventTarget, Manager, Window, WindowEvent};
use wixdrop_core::settings::CloseAction;

use super::Desktop;
use crate::AppState;

/// The event that asks the window to show the close dialog.
pub const CLOSE_ASKED_EVENT: &str = "wixdrop://close-requested";

static TOLD_HIDDEN: AtomicBool = AtomicBool::new(false);

/// Jobs queued, moving or being prepared in the current session, with the imports from links
/// being run (they are rows of the same queue).
fn unfinished(app: &AppHandle) -> u32 {
    let Some(state) = app.try_state::<AppState>() else {
        return 0;
    };
    let o = state.session().uploads.engine.overview();
    let imports = crate::commands::library::running_jobs();
    if o.busy {
        (o.counts.unfinished() + o.preparing).max(1) + imports
    } else {
        imports
    }
}

/// The main window's `CloseRequested`.
pub fn on_window_event(window: &Window, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    if window.label() != "main" {
        return;
    }
    let app = window.app_handle();
    let running = unfinished(app);
    if running == 0 {
        return;
    }
    let mut action = app.state::<AppState>().session().settings().close_action;
    // Without a tray there is no Quit to reach once the window is hidden: ask every time, so
    // closing the window always offers Quit (keep uploading stays one click away).
    let tray = app
        .try_state::<Desktop>()
        .is_some_and(|d| d.tray.available());
    if action == CloseAction::KeepUploading && !tray {
        action = CloseAction::Ask;
    }
    match action {
        CloseAction::Quit => said_quit(app, running),
        CloseAction::KeepUploading => {
            api.prevent_close();
            hide_to_tray(app);
        }
        CloseAction::Ask => {
            api.prevent_close();
            let _ = app.emit_to(EventTarget::labeled("main"), CLOSE_ASKED_EVENT, running);
        }
    }
}

/// Hide the window; uploads go on. The first time, a notification says where Wixdrop went.
pub fn hide_to_tray(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.hide();
    }
    let tray = app
        .try_state::<Desktop>()
        .is_some_and(|d| d.tray.available());
    log::info!("Window hidden; uploads go on (tray: {tray})");
    if !TOLD_HIDDEN.swap(true, Ordering::Relaxed) {
        let body = if tray {
            "Uploads go on. Wixdrop's icon in the tray shows their progress; Quit is in its menu."
        } else {
            "Uploads go on. Open Wixdrop again to see them."
        };
        let app = app.clone();
        // Off the UI thread: showing a notification may wait on D-Bus.
        tauri::async_runtime::spawn_blocking(move || notify(&app, "Wixdrop keeps uploading", body));
    }
}

/// Quit now — the tray's Quit and the dialog's Quit come here. Unfinished
/// uploads stay in the journal and resume at the next start; a notification says so.
pub fn quit(app: &AppHandle) {
    said_quit(app, unfinished(app));
    app.exit(0);
}

fn said_quit(app: &AppHandle, running: u32) {
    if running > 0 {
        log::info!("Quit with {running} upload(s) unfinished; they resume at the next start");
        notify(
            app,
            "Wixdrop quit",
            &format!(
                "{running} upload{} will resume when you open Wixdrop again.",
                if running == 1 { "" } else { "s" }
            ),
        );
    }
}

fn notify(app: &AppHandle, title: &str, body: &str) {
    use tauri_plugin_notification::NotificationExt;
    let _ = app.notification().builder().title(title).body(body).show();
}

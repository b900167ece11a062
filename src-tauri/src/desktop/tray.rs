//! The tray icon: "Uploading 12 of 40…", Show, Pause/Resume all, Quit.
//!
//! On Linux Tauri's tray runs on `ksni` (StatusNotifierItem over D-Bus; see Cargo.toml), which
//! gets real clicks, unlike AppIndicator. Where no tray host runs (a bare X session, GNOME
//! without the AppIndicator extension) creating it fails: the app then runs without one, says
//! so in Settings and diagnostics, and a window hidden by closing comes back when Wixdrop is
//! opened again (single-instance).
//!
//! Updates arrive with the engine's coalesced overviews, on the engine's thread; they are
//! applied off that thread (menu changes wait for the UI thread) and only when the line changes.

use std::sync::Mutex;

use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager};
use wixdrop_core::desktop::status::tray_line;
use wixdrop_core::upload::QueueOverview;

use super::{close, opened, Desktop};
use crate::AppState;

struct Parts {
    icon: TrayIcon,
    status: MenuItem<tauri::Wry>,
    pause: MenuItem<tauri::Wry>,
}

/// The tray, or why there is none.
pub struct TrayState {
    parts: Option<Parts>,
    /// "shown", or the reason there is no tray.
    pub description: String,
    /// The last line and paused state shown, so unchanged overviews cost nothing.
    last: Mutex<(String, bool, bool)>,
}

impl TrayState {
    pub fn create(app: &AppHandle) -> TrayState {
        let (parts, description) = match build(app) {
            Ok(p) => (Some(p), "shown".to_string()),
            Err(e) => {
                log::warn!("No tray icon: {e}. Closing the window then hides it until Wixdrop is opened again.");
                let why = e.to_string();
                let why = if why.contains("StatusNotifierWatcher") {
                    "no tray host runs on this desktop".to_string()
                } else {
                    format!("the tray could not be shown ({why})")
                };
                (None, why)
            }
        };
        TrayState {
            parts,
            description,
            last: Mutex::new((String::new(), false, false)),
        }
    }

    pub fn available(&self) -> bool {
        self.parts.is_some()
    }
}

fn build(app: &AppHandle) -> tauri::Result<Parts> {
    let status = MenuItem::with_id(app, "status", "Nothing to upload", false, None::<&str>)?;
    let show = MenuItem::with_id(app, "show", "Show Wixdrop", true, None::<&str>)?;
    let pause = MenuItem::with_id(app, "pause", "Pause all", false, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit Wixdrop", true, None::<&str>)?;
    let menu = Menu::with_items(
        app,
        &[
            &status,
            &PredefinedMenuItem::separator(app)?,
            &show,
            &pause,
            &PredefinedMenuItem::separator(app)?,
            &quit,
        ],
    )?;
    let mut builder = TrayIconBuilder::with_id("main")
        .tooltip(tooltip("Nothing to upload"))
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(on_menu)
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                opened::show_main(tray.app_handle());
            }
        });
    // The StatusNotifierItem's Title names the app (the panel's tooltip heading and its list of
    // items); elsewhere a title is text beside the icon (macOS menu bar), so Linux only.
    #[cfg(target_os = "linux")]
    {
        builder = builder.title("Wixdrop");
    }
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    let icon = builder.build(app)?;
    Ok(Parts {
        icon,
        status,
        pause,
    })
}

fn on_menu(app: &AppHandle, event: MenuEvent) {
    match event.id().as_ref() {
        "show" => opened::show_main(app),
        "pause" => toggle_pause(app),
        "quit" => close::quit(app),
        _ => {}
    }
}

/// The tooltip for the queue's line: on Linux the item's Title ("Wixdrop") heads it already.
fn tooltip(line: &str) -> String {
    if cfg!(target_os = "linux") {
        line.to_string()
    } else {
        format!("Wixdrop — {line}")
    }
}

/// Pause every transfer, or go on (the current session's queue).
pub fn toggle_pause(app: &AppHandle) {
    let s = app.state::<AppState>().session();
    if s.uploads.engine.is_paused() {
        s.uploads.engine.resume()
    } else {
        s.uploads.engine.pause()
    }
}

/// Called with every coalesced overview (engine thread): update the line and the Pause item.
pub fn overview_changed(app: &AppHandle, o: &QueueOverview) {
    let Some(desktop) = app.try_state::<Desktop>() else {
        return;
    };
    let tray = &desktop.tray;
    if tray.parts.is_none() {
        return;
    }
    let line = tray_line(o);
    {
        let mut last = tray.last.lock().unwrap_or_else(|p| p.into_inner());
        let now = (line.clone(), o.paused, o.busy);
        if *last == now {
            return;
        }
        *last = now;
    }
    let (paused, busy) = (o.paused, o.busy);
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let desktop = app.state::<Desktop>();
        let Some(parts) = desktop.tray.parts.as_ref() else {
            return;
        };
        let _ = parts.status.set_text(&line);
        let _ = parts
            .pause
            .set_text(if paused { "Resume all" } else { "Pause all" });
        let _ = parts.pause.set_enabled(busy);
        let _ = parts.icon.set_tooltip(Some(tooltip(&line)));
    });
}

//! The desktop around the window: one instance, files handed over by the OS, the tray, what
//! closing the window does, remembered window size, logs and start at login.
//!
//! All of it goes through Tauri's official plugins (single-instance, window-state, log,
//! autostart, clipboard-manager) and Tauri's tray; the rules themselves (argument parsing, log
//! redaction, the tray's line, diagnostics) live in `wixdrop_core::desktop`, tested headless.
//! [`plugins`] registers the plugins, [`setup`] runs once the app exists.

pub mod close;
pub mod logs;
pub mod opened;
pub mod tray;

use std::path::PathBuf;
use std::sync::Mutex;

use tauri::{AppHandle, Manager, Wry};
use wixdrop_core::config::Paths;
use wixdrop_core::desktop::launch::{parse_launch, Launch, HIDDEN_FLAG};
use wixdrop_core::desktop::painting::{self, Painting, CPU_RENDERING_VAR};
use wixdrop_core::desktop::window;

/// What the desktop parts keep for the app's life.
pub struct Desktop {
    /// Files handed over by the OS and not yet taken by the window.
    pub opened: Mutex<opened::Pending>,
    /// Where log files go (shown in Settings, read by "Copy diagnostics").
    pub log_dir: PathBuf,
    /// The tray, or why there is none.
    pub tray: tray::TrayState,
    /// Where the web view paints (GPU or CPU), chosen before it started.
    pub painting: Painting,
}

/// Where the web view will paint: on the CPU when this machine has no GPU (the rules and the
/// figures are in `wixdrop_core::desktop::painting`). Call first thing in `run`, before any
/// thread or the web view starts: it sets the variable WebKit's web process reads from the
/// environment it inherits.
pub fn choose_painting() -> Painting {
    let choice = painting::detect();
    if choice.sets_cpu_rendering() {
        std::env::set_var(CPU_RENDERING_VAR, "1");
    }
    choice
}

/// Register the desktop plugins on `builder`. Single-instance goes first: a second launch must
/// hand over its files before anything else of it starts.
pub fn plugins(builder: tauri::Builder<Wry>, paths: &Paths) -> tauri::Builder<Wry> {
    let log_dir = logs::dir(paths);
    builder
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance_id(paths))
                .callback(|app, argv, cwd| {
                    let launch =
                        parse_launch(&argv[1.min(argv.len())..], std::path::Path::new(&cwd));
                    log::info!(
                        "A second launch handed over {} item(s); it exits",
                        launch.paths.len()
                    );
                    opened::hand_over(app, launch, true);
                })
                .build(),
        )
        .plugin(logs::plugin(log_dir))
        .plugin(
            tauri_plugin_window_state::Builder::new()
                // Size, place and maximized; never "hidden" (a quit from the tray must not make
                // the next start invisible).
                .with_state_flags(
                    tauri_plugin_window_state::StateFlags::SIZE
                        | tauri_plugin_window_state::StateFlags::POSITION
                        | tauri_plugin_window_state::StateFlags::MAXIMIZED,
                )
                // An absolute path: kept beside the settings (and under WIXDROP_HOME in tests).
                .with_filename(
                    paths
                        .config_dir
                        .join("window-state.json")
                        .to_string_lossy()
                        .into_owned(),
                )
                .build(),
        )
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![HIDDEN_FLAG]),
        ))
        .plugin(tauri_plugin_clipboard_manager::init())
}

/// One instance per data folder: two launches on one journal hand over to the first; a
/// separate `WIXDROP_HOME` (tests, a second profile) is a separate instance. D-Bus names only
/// (Linux); Windows and macOS key the plugin on the bundle identifier.
fn instance_id(paths: &Paths) -> String {
    const BASE: &str = "com.wixdrop.desktop";
    match std::env::var_os("WIXDROP_HOME").filter(|h| !h.is_empty()) {
        None => BASE.to_string(),
        Some(_) => {
            // FNV-1a of the data folder: stable, short, valid in a D-Bus name element.
            let mut h: u64 = 0xcbf29ce484222325;
            for b in paths.data_dir.to_string_lossy().bytes() {
                h = (h ^ b as u64).wrapping_mul(0x100000001b3);
            }
            format!("{BASE}.home{h:016x}")
        }
    }
}

/// What this process's own command line asks for (files to queue, start hidden).
pub fn this_launch() -> Launch {
    let cwd = std::env::current_dir().unwrap_or_default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    parse_launch(&args, &cwd)
}

/// Make the main window as `tauri.conf.json` describes it (there its `create` is false, so that
/// `run`'s setup makes it while the journal opens on another thread); `hidden` (started at
/// login) makes it without showing it, even for a moment.
pub fn create_main_window(app: &AppHandle, hidden: bool) -> tauri::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .ok_or(tauri::Error::WindowNotFound)?;
    let mut builder = tauri::WebviewWindowBuilder::from_config(app, config)?;
    // Fitted to the screen's work area (a window manager would do it; without one, a window
    // larger than the screen has its buttons out of reach). The window-state plugin then puts
    // back a size the user chose.
    if let Ok(Some(monitor)) = app.primary_monitor() {
        let area = monitor
            .work_area()
            .size
            .to_logical::<f64>(monitor.scale_factor());
        let (width, height) = window::fit_inner_size(
            (config.width, config.height),
            (
                config.min_width.unwrap_or(0.0),
                config.min_height.unwrap_or(0.0),
            ),
            (area.width, area.height),
        );
        if (width, height) != (config.width, config.height) {
            log::info!(
                "The window opens at {width}x{height} to fit a {}x{} work area",
                area.width,
                area.height
            );
            builder = builder.inner_size(width, height);
        }
    }
    builder.visible(!hidden).build()?;
    Ok(())
}

/// Once the app exists: the tray, and the files given on this process's own command line.
pub fn setup(app: &AppHandle, log_dir_hint: PathBuf, painting: Painting, launch: Launch) {
    // The window-state plugin writes beside the settings; make sure the folder is there.
    if let Some(parent) = log_dir_hint.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let tray = tray::TrayState::create(app);
    let painted = painting.describe();
    app.manage(Desktop {
        opened: Mutex::default(),
        log_dir: log_dir_hint,
        tray,
        painting,
    });
    log::info!(
        "Wixdrop {} started ({} {}); {} item(s) on the command line; the window paints {}",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH,
        launch.paths.len(),
        painted
    );
    opened::hand_over(app, launch, false);
}

//! Wixdrop's desktop shell: builder wiring only. Domain logic lives in `wixdrop-core`;
//! commands are thin adapters in `commands/`.

mod commands;
mod demo;
mod desktop;
mod error;
mod state;

use tauri::Manager;

pub use error::IpcError;
pub use state::{AppState, Session};

/// Build and run the app. Fails loudly (with a dialog-free message on stderr) only if the
/// webview itself cannot start; everything else degrades with a message in the window.
pub fn run() {
    let painting = desktop::choose_painting();
    let paths = wixdrop_core::config::Paths::from_env().unwrap_or_else(|e| {
        eprintln!("Wixdrop cannot start: {e}");
        std::process::exit(1);
    });
    desktop::plugins(tauri::Builder::default(), &paths)
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .manage(commands::library::LibraryState::default())
        .register_asynchronous_uri_scheme_protocol(
            commands::library::THUMB_SCHEME,
            commands::library::thumb_protocol,
        )
        .setup(move |app| {
            // The journal opens here, after the single-instance plugin had its say: a second
            // launch hands its files over and exits before it could start a second engine. It
            // opens (with the keychain: 15–40 ms) on a worker thread while the main window is
            // made, so the web view starts loading without waiting for it; no command can
            // arrive before this function returns with the state managed.
            let opening = std::thread::spawn(AppState::from_env);
            let launch = desktop::this_launch();
            desktop::create_main_window(app.handle(), launch.hidden)?;
            let state = opening
                .join()
                .unwrap_or_else(|_| {
                    eprintln!("Wixdrop cannot start: opening its data folder failed");
                    std::process::exit(1);
                })
                .unwrap_or_else(|e| {
                    eprintln!("Wixdrop cannot start: {e}");
                    std::process::exit(1);
                });
            app.manage(state);
            desktop::setup(
                app.handle(),
                desktop::logs::resolve(app.handle(), &paths),
                painting,
                launch,
            );
            app.state::<AppState>().attach(app.handle());
            // Test builds only: let the main window call the drop simulator, the tray's Quit
            // (Xvfb has no tray host) and a user's close of the window.
            #[cfg(feature = "e2e")]
            app.add_capability(
                r#"{"identifier":"e2e","windows":["main"],"permissions":["allow-e2e-drop","core:window:allow-close"]}"#,
            )?;
            Ok(())
        })
        .on_window_event(desktop::close::on_window_event)
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::app::save_settings,
            commands::app::start_demo,
            commands::app::leave_demo,
            commands::keys::inspect_credential,
            commands::keys::list_profiles,
            commands::keys::add_profile,
            commands::keys::verify_profile,
            commands::keys::rename_profile,
            commands::keys::replace_key,
            commands::keys::delete_profile,
            commands::keys::set_default_site,
            commands::uploads::enqueue_uploads,
            commands::uploads::watch_uploads,
            commands::uploads::cancel_upload,
            commands::uploads::cancel_all_uploads,
            commands::uploads::pause_uploads,
            commands::uploads::retry_upload,
            commands::uploads::upload_anyway,
            commands::uploads::clear_finished_uploads,
            commands::uploads::upload_rows,
            commands::uploads::cancel_upload_batch,
            commands::history::upload_history,
            commands::uploads::list_folders,
            commands::uploads::create_folder,
            commands::uploads::list_watches,
            commands::uploads::add_watch,
            commands::uploads::remove_watch,
            commands::waits::cancel_wait,
            commands::waits::search_matches,
            commands::waits::wix_reachable,
            commands::library::library_page,
            commands::library::library_folders,
            commands::library::library_breadcrumbs,
            commands::library::library_update,
            commands::library::library_file,
            commands::library::library_bulk,
            commands::library::library_folder_rename,
            commands::library::library_folder_bulk,
            commands::library::library_link,
            commands::library::library_import,
            commands::library::library_copy,
            commands::library::library_jobs,
            commands::library::library_jobs_retry,
            commands::library::library_jobs_clear,
            commands::prepare::preflight_uploads,
            commands::prepare::thumbnails,
            commands::prepare::export_history,
            commands::prepare::export_urls,
            commands::desktop::take_opened_files,
            commands::desktop::close_window,
            commands::desktop::paste_from_clipboard,
            commands::desktop::desktop_info,
            commands::desktop::set_start_at_login,
            commands::desktop::copy_diagnostics,
            commands::desktop::open_log_folder,
            #[cfg(feature = "e2e")]
            commands::uploads::e2e_drop,
        ])
        .build(tauri::generate_context!())
        .expect("error while running Wixdrop")
        .run(|app, event| match event {
            // Closed in demo mode: remove the demo now (a crash leaves it to the next start).
            tauri::RunEvent::Exit => {
                if let Some(state) = app.try_state::<AppState>() {
                    tauri::async_runtime::block_on(state.leave_demo());
                }
            }
            // macOS: files dropped on the Dock icon or opened with Wixdrop from the Finder.
            #[cfg(target_os = "macos")]
            tauri::RunEvent::Opened { urls } => desktop::opened::from_urls(app, urls),
            _ => {}
        });
}

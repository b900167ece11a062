//! Wixdrop's desktop shell: builder wiring only. Domain logic lives in `wixdrop-core`;
//! commands are thin adapters in `commands/`.

mod commands;
mod error;
mod state;

pub use error::IpcError;
pub use state::AppState;

/// Build and run the app. Fails loudly (with a dialog-free message on stderr) only if the
/// webview itself cannot start; everything else degrades with a message in the window.
pub fn run() {
    let state = AppState::from_env().unwrap_or_else(|e| {
        eprintln!("Wixdrop cannot start: {e}");
        std::process::exit(1);
    });
    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::app::save_settings,
            commands::keys::inspect_credential,
        ])
        .run(tauri::generate_context!())
        .expect("error while running Wixdrop");
}

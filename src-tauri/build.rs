//! tauri-build: embeds the config and declares our commands, so the capability file can allow
//! each one by name (`allow-app-info` …) instead of everything at once.

const COMMANDS: &[&str] = &[
    "app_info",
    "save_settings",
    "start_demo",
    "leave_demo",
    "inspect_credential",
    "list_profiles",
    "add_profile",
    "verify_profile",
    "rename_profile",
    "replace_key",
    "delete_profile",
    "set_default_site",
    "enqueue_uploads",
    "watch_uploads",
    "cancel_upload",
    "cancel_all_uploads",
    "pause_uploads",
    "retry_upload",
    "upload_anyway",
    "clear_finished_uploads",
    "upload_rows",
    "cancel_upload_batch",
    "upload_history",
    "list_folders",
    "create_folder",
    "list_watches",
    "add_watch",
    "remove_watch",
    "cancel_wait",
    "search_matches",
    "wix_reachable",
    "library_page",
    "library_folders",
    "library_breadcrumbs",
    "library_update",
    "library_file",
    "library_bulk",
    "library_folder_rename",
    "library_folder_bulk",
    "library_link",
    "library_import",
    "library_copy",
    "library_jobs",
    "library_jobs_retry",
    "library_jobs_clear",
    "preflight_uploads",
    "thumbnails",
    "export_history",
    "export_urls",
    "take_opened_files",
    "close_window",
    "paste_from_clipboard",
    "desktop_info",
    "set_start_at_login",
    "copy_diagnostics",
    "open_log_folder",
];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    // `--features e2e` (tests only) adds a drop simulator; its permission exists only there and
    // is granted at run time, so release builds neither have the command nor can allow it.
    let mut commands = COMMANDS.to_vec();
    if std::env::var_os("CARGO_FEATURE_E2E").is_some() {
        commands.push("e2e_drop");
    }
    let commands: &'static [&'static str] = Box::leak(commands.into_boxed_slice());
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("failed to run tauri-build");
}
